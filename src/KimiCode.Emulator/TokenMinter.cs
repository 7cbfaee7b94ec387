using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace KimiCode.Emulator;

/// <summary>Mints JWT-shaped access tokens (HS256 with a per-instance key) so clients can read <c>exp</c> like they do with the real service.</summary>
internal sealed class TokenMinter
{
    private static readonly string Header = Base64Url.EncodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}"u8);
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    public string MintAccessToken(DateTimeOffset issuedAt, DateTimeOffset expiresAt)
    {
        var payload = string.Create(
            CultureInfo.InvariantCulture,
            $"{{\"sub\":\"emulator-user\",\"scope\":\"kimi-code\",\"iat\":{issuedAt.ToUnixTimeSeconds()},\"exp\":{expiresAt.ToUnixTimeSeconds()},\"jti\":\"{Ids.Random(16)}\"}}");
        var signingInput = Header + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload));
        var signature = HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    public static string MintRefreshToken() => "rt-" + Ids.Random(40);
}
