using KimiCode.Protocol;

namespace KimiCode.Provider;

/// <summary>A failed model call, classified. <see cref="KimiCodeException.Code"/> is one of <see cref="ProviderErrorCodes"/>.</summary>
public sealed class ProviderException : KimiCodeException
{
    public ProviderException(string code, string message)
        : base(code, message)
    {
    }

    public ProviderException(string code, string message, Exception? innerException)
        : base(code, message, innerException)
    {
    }

    /// <summary>HTTP status, when the server answered.</summary>
    public int? StatusCode { get; init; }

    /// <summary>The response's <c>x-trace-id</c>: quote it when reporting a server problem.</summary>
    public string? TraceId { get; init; }

    /// <summary><c>error.message</c> from the body (or a short snippet of a non-JSON body).</summary>
    public string? ServerMessage { get; init; }

    /// <summary><c>error.type</c> from the body, e.g. <c>access_terminated_error</c>.</summary>
    public string? ServerErrorType { get; init; }

    /// <summary>The server's <c>Retry-After</c>, when it sent one.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Whether trying the same request again later can succeed: decided by the code (<see cref="ProviderErrorCodes.IsRetryable"/>).</summary>
    public override bool IsRetryable => ProviderErrorCodes.IsRetryable(Code);
}
