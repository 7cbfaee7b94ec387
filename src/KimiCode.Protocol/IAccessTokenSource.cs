namespace KimiCode.Protocol;

/// <summary>
/// Supplies the bearer token a provider sends. The provider knows nothing of OAuth files or
/// refresh locks: KimiCode.Auth implements this for OAuth (lazy refresh before a request) and
/// for plain API keys. Failures are <see cref="KimiCodeException"/> with an
/// <c>auth.*</c> code whose message says what to do (for example "run `kimi login`").
/// </summary>
public interface IAccessTokenSource
{
    /// <summary>The token to send as <c>Authorization: Bearer</c>; refreshes first when it is near expiry.</summary>
    ValueTask<string> GetAccessTokenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Called once after the server answered 401 to <paramref name="rejectedToken"/>: force a refresh
    /// (unless a peer already replaced that token) and return the token to retry with, or
    /// <c>null</c> when no refresh is possible (an API key), in which case the 401 stands.
    /// </summary>
    ValueTask<string?> RefreshAfterUnauthorizedAsync(string rejectedToken, CancellationToken cancellationToken);
}
