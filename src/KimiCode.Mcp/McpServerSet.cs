using KimiCode.Agent.Tools;

namespace KimiCode.Mcp;

/// <summary>
/// The MCP servers of one session: started together in the background, each within its own startup timeout; the
/// tools of those that are ready; their statuses; stopped together when the session ends. One server's failure
/// never touches another's.
/// </summary>
public sealed class McpServerSet : IAsyncDisposable
{
    private readonly McpServerConnection[] _servers;
    private readonly McpResultOptions _results;

    public McpServerSet(IEnumerable<McpServerConfig> servers, McpConnectionContext context, McpResultOptions results)
    {
        ArgumentNullException.ThrowIfNull(servers);
        _servers = servers.Select(s => new McpServerConnection(s, context)).ToArray();
        _results = results ?? throw new ArgumentNullException(nameof(results));
    }

    /// <summary>No servers.</summary>
    public static McpServerSet Empty { get; } = new([], new McpConnectionContext { WorkingDirectory = "/" }, new McpResultOptions(false));

    public IReadOnlyList<McpServerConnection> Servers => _servers;

    /// <summary>Starts every enabled, trusted server.</summary>
    public void StartAll()
    {
        foreach (var server in _servers)
        {
            _ = server.StartAsync();
        }
    }

    /// <summary>Waits until every started server is ready or failed (each gives up at its startup timeout).</summary>
    public Task WaitForStartupAsync(CancellationToken cancellationToken)
        => Task.WhenAll(_servers.Select(s => s.Started)).WaitAsync(cancellationToken);

    /// <summary>The tools of the servers that are ready, as agent tools.</summary>
    public IReadOnlyList<IAgentTool> Tools()
        => _servers.SelectMany(server => server.Tools.Select(tool => (IAgentTool)new McpAgentTool(server, tool, _results))).ToArray();

    /// <summary>Each server's status, in configuration order.</summary>
    public IReadOnlyList<McpServerStatus> Statuses() => _servers.Select(s => s.Status()).ToArray();

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_servers.Select(s => s.DisposeAsync().AsTask())).ConfigureAwait(false);
    }
}
