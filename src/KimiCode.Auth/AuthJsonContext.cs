using System.Text.Json.Serialization;

namespace KimiCode.Auth;

/// <summary>All JSON this library reads or writes goes through this source-generated context (trim/AOT clean).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never, WriteIndented = true)]
[JsonSerializable(typeof(CredentialFile))]
[JsonSerializable(typeof(DeviceAuthorizationResponse))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(OAuthErrorResponse))]
internal sealed partial class AuthJsonContext : JsonSerializerContext
{
}
