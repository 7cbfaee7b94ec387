using KimiCode.Protocol;

namespace KimiCode.Auth;

/// <summary>A login, credential or refresh failure; its <see cref="KimiCodeException.Code"/> is one of <see cref="AuthErrorCodes"/>.</summary>
public class AuthException : KimiCodeException
{
    public AuthException(string code, string message, Exception? innerException = null)
        : base(code, message, innerException)
    {
    }

    /// <summary>Decided by the code: network trouble, a busy server or a held lock may clear up (<see cref="AuthErrorCodes.IsRetryable"/>).</summary>
    public override bool IsRetryable => AuthErrorCodes.IsRetryable(Code);
}
