namespace KimiCode.Auth;

/// <summary>A failed call to the OAuth host, classified by <see cref="Kind"/>. The message never contains a token.</summary>
public sealed class OAuthException : AuthException
{
    public OAuthException(OAuthErrorKind kind, string code, string message, Exception? innerException = null)
        : base(code, message, innerException)
    {
        Kind = kind;
    }

    public OAuthErrorKind Kind { get; }

    /// <summary>The OAuth <c>error</c> field when the server sent one (for example <c>invalid_grant</c>).</summary>
    public string? OAuthError { get; init; }

    /// <summary>The HTTP status, when there was a response.</summary>
    public int? StatusCode { get; init; }

    /// <summary>
    /// What the host answered, in a few words for a longer message, naming the host: "http://h answered HTTP 503",
    /// "could not reach http://h (ConnectionError)", "no answer from http://h within 30 s". Never quotes a token.
    /// </summary>
    public string? Answer { get; init; }
}
