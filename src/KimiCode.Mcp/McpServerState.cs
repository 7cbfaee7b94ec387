namespace KimiCode.Mcp;

/// <summary>Where a server is in its life.</summary>
public enum McpServerState
{
    /// <summary>Starting and discovering tools.</summary>
    Connecting,

    /// <summary>Connected; its tools are offered.</summary>
    Ready,

    /// <summary>Failed to start, crashed, hung or answered garbage; its tools are withdrawn.</summary>
    Failed,

    /// <summary><c>enabled: false</c>.</summary>
    Disabled,

    /// <summary>A project server the user has not trusted (yet).</summary>
    Untrusted,

    /// <summary>Stopped with the session.</summary>
    Stopped,
}

/// <summary>A server's status for <c>/mcp</c>, <c>kimi mcp list</c> and ACP notices.</summary>
/// <param name="Name">The server's name.</param>
/// <param name="Transport">stdio, http or sse.</param>
/// <param name="Target">The command line or URL.</param>
/// <param name="State">Where it is.</param>
/// <param name="Reason">Why it failed (or is untrusted); null otherwise.</param>
/// <param name="Tools">The model-facing names of its tools (empty unless ready).</param>
public sealed record McpServerStatus(string Name, McpTransport Transport, string Target, McpServerState State, string? Reason, IReadOnlyList<string> Tools)
{
    /// <summary>e.g. <c>github (http): ready, 12 tools</c> or <c>broken (stdio): failed: exited with code 1 at start</c>.</summary>
    public string Describe()
    {
        string head = $"{Name} ({Transport.ToString().ToLowerInvariant()}, {Target})";
        return State switch
        {
            McpServerState.Ready => $"{head}: ready, {Tools.Count} tool{(Tools.Count == 1 ? "" : "s")}",
            McpServerState.Failed => $"{head}: failed: {Reason}",
            McpServerState.Untrusted => $"{head}: not started: {Reason}",
            McpServerState.Connecting => $"{head}: starting",
            _ => $"{head}: {State.ToString().ToLowerInvariant()}",
        };
    }
}

/// <summary>A server could not be connected; the message says why in a few words.</summary>
public sealed class McpConnectionException : Exception
{
    public McpConnectionException(string message)
        : base(message)
    {
    }

    public McpConnectionException()
    {
    }

    public McpConnectionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
