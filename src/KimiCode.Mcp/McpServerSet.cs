using KimiCode.Agent.Tools;

namespace KimiCode.Mcp;

/// <summary>
/// The MCP servers of one session: started together in the background, each within its own startup timeout; the
/// tools of those that are ready, asked again before every model request (<see cref="IToolSource"/>), so a server that
/// becomes ready late joins and one that dies is withdrawn; their statuses; stopped together when the session ends.
/// One server's failure never touches another's.
/// </summary>
public sealed class McpServerSet : IAsyncDisposable, IToolSource
{
    private readonly McpServerConnection[] _servers;
    private readonly McpResultOptions _results;
    private readonly Func<string, bool> _offers;
    private readonly Lock _gate = new();
    private readonly Dictionary<McpServerConnection, IAgentTool[]> _toolsOf = [];
    private readonly HashSet<McpServerConnection> _declared = [];
    private readonly HashSet<McpServerConnection> _late = [];
    private readonly Action<string>? _report;
    private IReadOnlyList<IAgentTool> _offered = [];

    /// <param name="servers">The servers, in configuration order.</param>
    /// <param name="context">What every connection needs.</param>
    /// <param name="results">How results reach the model.</param>
    /// <param name="offers">Whether a tool name may be offered (<c>[tools] enabled</c>/<c>disabled</c>); null: all.</param>
    /// <param name="report">Where one-line notices for the user go: a server failed or was not started, is late, or became ready late.</param>
    public McpServerSet(IEnumerable<McpServerConfig> servers, McpConnectionContext context, McpResultOptions results, Func<string, bool>? offers = null, Action<string>? report = null)
    {
        ArgumentNullException.ThrowIfNull(servers);
        _servers = servers.Select(s => new McpServerConnection(s, context)).ToArray();
        _results = results ?? throw new ArgumentNullException(nameof(results));
        _offers = offers ?? (static _ => true);
        _report = report;
        if (report is not null)
        {
            foreach (var server in _servers)
            {
                server.StateChanged += changed => Report(changed, report);
            }
        }
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

    /// <summary>The tools of the servers that are ready now, as agent tools (one name once: the first server's).</summary>
    public IReadOnlyList<IAgentTool> Tools()
    {
        lock (_gate)
        {
            return ReadyToolsLocked();
        }
    }

    /// <summary>
    /// The tools for the next model request. Waits for servers still starting, each only within its prompt window
    /// (<see cref="McpTimeouts.PromptWaitFor"/>): a hung server cannot hold a prompt up longer, and joins a later
    /// request if it does become ready. A server whose tools were offered before and that is no longer ready is told
    /// to the model once.
    /// </summary>
    public async ValueTask<ToolSourceSnapshot> SnapshotAsync(CancellationToken cancellationToken)
    {
        bool[] settled = await Task.WhenAll(_servers.Select(s => s.WaitWhileStartingAsync(cancellationToken))).ConfigureAwait(false);
        var notices = new List<string>();
        var late = new List<McpServerConnection>();
        IReadOnlyList<IAgentTool> tools;
        lock (_gate)
        {
            for (int i = 0; i < _servers.Length; i++)
            {
                var server = _servers[i];
                if (!settled[i] && _late.Add(server))
                {
                    late.Add(server);
                }

                if (server.State != McpServerState.Ready && _declared.Remove(server))
                {
                    notices.Add($"The MCP server '{server.Config.Name}' stopped ({server.Reason ?? "it was shut down"}); its tools (mcp__{server.Config.Name}__…) are no longer available: do not call them.");
                }
            }

            tools = ReadyToolsLocked();
            if (!tools.SequenceEqual(_offered))
            {
                _offered = tools;
            }

            foreach (var server in _servers.Where(s => s.State == McpServerState.Ready))
            {
                _declared.Add(server);
            }

            tools = _offered;
        }

        foreach (var server in late)
        {
            _report?.Invoke($"MCP server {server.Status().Describe()} after {McpServerConnection.FormatMs(server.PromptWindow)}: going on without its tools until it is ready");
        }

        return new ToolSourceSnapshot(tools, notices);
    }

    /// <summary>Each server's status, in configuration order.</summary>
    public IReadOnlyList<McpServerStatus> Statuses() => _servers.Select(s => s.Status()).ToArray();

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_servers.Select(s => s.DisposeAsync().AsTask())).ConfigureAwait(false);
    }

    private List<IAgentTool> ReadyToolsLocked()
    {
        var tools = new List<IAgentTool>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var server in _servers)
        {
            if (server.State != McpServerState.Ready)
            {
                continue;
            }

            if (!_toolsOf.TryGetValue(server, out var own))
            {
                own = server.Tools.Select(tool => (IAgentTool)new McpAgentTool(server, tool, _results)).Where(t => _offers(t.Name)).ToArray();
                _toolsOf[server] = own;
            }

            tools.AddRange(own.Where(t => names.Add(t.Name)));
        }

        return tools;
    }

    private void Report(McpServerConnection server, Action<string> report)
    {
        var status = server.Status();
        bool wasLate;
        lock (_gate)
        {
            wasLate = _late.Contains(server);
        }

        switch (status.State)
        {
            case McpServerState.Failed or McpServerState.Untrusted:
                report($"MCP server {status.Describe()}; its tools are not available");
                break;
            case McpServerState.Ready when wasLate:
                report($"MCP server {status.Describe()}: its tools are offered from the next request on");
                break;
        }
    }
}
