namespace KimiCode.Protocol;

/// <summary>
/// An error a user or the model should act on: a stable <see cref="Code"/> (for example
/// <c>auth.login_required</c>, <c>provider.access_terminated</c>) and a one-line message that says
/// what happened and what to do next. Never carries a secret.
/// </summary>
public class KimiCodeException : Exception
{
    public KimiCodeException(string code, string message)
        : base(message)
    {
        Code = code;
    }

    public KimiCodeException(string code, string message, Exception? innerException)
        : base(message, innerException)
    {
        Code = code;
    }

    /// <summary>The stable, machine-readable error code.</summary>
    public string Code { get; }

    /// <summary>
    /// Whether trying the same thing again later can succeed (scripts get exit code 75 for these). Decided once per
    /// exception type from its code: <c>AuthException</c> and <c>ProviderException</c> override it; every other error is final.
    /// </summary>
    public virtual bool IsRetryable => false;
}
