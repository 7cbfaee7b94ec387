using KimiCode.Protocol;

namespace KimiCode.Provider.Tests.Fakes;

/// <summary>Hands out a token; on 401 returns the next refreshed token (or null) and records the call.</summary>
internal sealed class FakeTokenSource : IAccessTokenSource
{
    private readonly Queue<string?> _refreshed;

    public FakeTokenSource(string token = "secret-token", params string?[] refreshed)
    {
        Current = token;
        _refreshed = new Queue<string?>(refreshed);
    }

    public string Current { get; private set; }

    public List<string> RejectedTokens { get; } = [];

    public ValueTask<string> GetAccessTokenAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Current);

    public ValueTask<string?> RefreshAfterUnauthorizedAsync(string rejectedToken, CancellationToken cancellationToken)
    {
        RejectedTokens.Add(rejectedToken);
        string? next = _refreshed.TryDequeue(out string? value) ? value : null;
        if (next is not null)
        {
            Current = next;
        }

        return ValueTask.FromResult(next);
    }
}
