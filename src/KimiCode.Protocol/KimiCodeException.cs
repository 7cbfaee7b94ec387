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
}
