using KimiCode.Protocol;

namespace KimiCode.Provider;

/// <summary>A fixed API key. A 401 cannot be fixed by refreshing it, so the error surfaces at once.</summary>
public sealed class StaticTokenSource : IAccessTokenSource
{
    private readonly string _token;

    public StaticTokenSource(string token)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        _token = token;
    }

    public ValueTask<string> GetAccessTokenAsync(CancellationToken cancellationToken) => ValueTask.FromResult(_token);

    public ValueTask<string?> RefreshAfterUnauthorizedAsync(string rejectedToken, CancellationToken cancellationToken) =>
        ValueTask.FromResult<string?>(null);

    /// <summary>Never reveals the key.</summary>
    public override string ToString() => "StaticTokenSource(***)";
}
