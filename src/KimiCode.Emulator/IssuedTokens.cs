namespace KimiCode.Emulator;

/// <summary>An access/refresh token pair minted by the emulator. ToString hides the secrets.</summary>
public sealed record IssuedTokens(string AccessToken, string RefreshToken, int ExpiresIn)
{
    public override string ToString() => $"IssuedTokens {{ ExpiresIn = {ExpiresIn} }}";
}
