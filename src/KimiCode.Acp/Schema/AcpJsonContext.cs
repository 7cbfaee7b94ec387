using System.Text.Json;
using System.Text.Json.Serialization;

namespace KimiCode.Acp.Schema;

/// <summary>
/// The one source-generated JSON context for every ACP message: camelCase names spelled out on each member,
/// nulls omitted, required members and nullable annotations enforced on input (a violation is -32602), and the
/// union discriminators (<c>type</c>, <c>sessionUpdate</c>) accepted anywhere in an object.
/// </summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    AllowOutOfOrderMetadataProperties = true,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(InitializeRequest))]
[JsonSerializable(typeof(InitializeResponse))]
[JsonSerializable(typeof(AuthenticateRequest))]
[JsonSerializable(typeof(AuthRequiredData))]
[JsonSerializable(typeof(EmptyObject))]
[JsonSerializable(typeof(NewSessionRequest))]
[JsonSerializable(typeof(NewSessionResponse))]
[JsonSerializable(typeof(LoadSessionRequest))]
[JsonSerializable(typeof(ResumeSessionRequest))]
[JsonSerializable(typeof(LoadSessionResponse))]
[JsonSerializable(typeof(ListSessionsRequest))]
[JsonSerializable(typeof(ListSessionsResponse))]
[JsonSerializable(typeof(SessionIdParams))]
[JsonSerializable(typeof(PromptRequest))]
[JsonSerializable(typeof(PromptResponse))]
[JsonSerializable(typeof(SetModeRequest))]
[JsonSerializable(typeof(SetConfigOptionRequest))]
[JsonSerializable(typeof(SetConfigOptionResponse))]
[JsonSerializable(typeof(SessionNotFoundData))]
[JsonSerializable(typeof(ErrorDetails))]
[JsonSerializable(typeof(CancelRequestParams))]
[JsonSerializable(typeof(SessionNotification))]
[JsonSerializable(typeof(RequestPermissionRequest))]
[JsonSerializable(typeof(RequestPermissionResponse))]
[JsonSerializable(typeof(ReadTextFileRequest))]
[JsonSerializable(typeof(ReadTextFileResponse))]
[JsonSerializable(typeof(WriteTextFileRequest))]
[JsonSerializable(typeof(CreateTerminalRequest))]
[JsonSerializable(typeof(CreateTerminalResponse))]
[JsonSerializable(typeof(TerminalRequest))]
[JsonSerializable(typeof(TerminalOutputResponse))]
[JsonSerializable(typeof(TerminalExitStatus))]
[JsonSerializable(typeof(JsonElement))]
public sealed partial class AcpJsonContext : JsonSerializerContext;
