namespace KimiCode.Mcp;

/// <summary>How kimi reaches a server.</summary>
public enum McpTransport
{
    /// <summary>A child process speaking JSON-RPC on its stdin/stdout (<c>command</c>).</summary>
    Stdio,

    /// <summary>Streamable HTTP (<c>url</c> without <c>transport</c>, or <c>transport: "http"</c>).</summary>
    Http,

    /// <summary>The legacy HTTP+SSE transport (<c>transport: "sse"</c>).</summary>
    Sse,
}

/// <summary>Where a server's entry came from; project stdio servers need the folder to be trusted.</summary>
public enum McpServerOrigin
{
    /// <summary><c>$KIMI_CODE_HOME/mcp.json</c>.</summary>
    User,

    /// <summary>The project's <c>.kimi-code/mcp.json</c>.</summary>
    Project,

    /// <summary>An editor's <c>mcpServers</c> in ACP <c>session/new</c> or <c>session/load</c>.</summary>
    Editor,
}

/// <summary>One server entry of <c>mcp.json</c> (the official format), validated.</summary>
public sealed record McpServerConfig
{
    /// <summary>The key under <c>mcpServers</c>; tools are named <c>mcp__{Name}__{tool}</c>.</summary>
    public required string Name { get; init; }

    public required McpTransport Transport { get; init; }

    public McpServerOrigin Origin { get; init; } = McpServerOrigin.User;

    /// <summary>The file the entry came from (null for an editor's).</summary>
    public string? SourcePath { get; init; }

    /// <summary>stdio: the program.</summary>
    public string? Command { get; init; }

    /// <summary>stdio: its arguments.</summary>
    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary>stdio: variables added to the child's environment.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Env { get; init; } = [];

    /// <summary>stdio: working directory (relative to the folder of the file that names it); null = the session's.</summary>
    public string? Cwd { get; init; }

    /// <summary>HTTP/SSE: the endpoint.</summary>
    public Uri? Url { get; init; }

    /// <summary>HTTP/SSE: headers sent with every request.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>HTTP/SSE: the environment variable holding a bearer token.</summary>
    public string? BearerTokenEnvVar { get; init; }

    /// <summary><c>enabled: false</c> turns the server off.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Connection (start + tool discovery) timeout; null = the global default.</summary>
    public int? StartupTimeoutMs { get; init; }

    /// <summary>Single tool-call timeout; null = the global default.</summary>
    public int? ToolTimeoutMs { get; init; }

    /// <summary>Only these tools (their names on the server; empty = all).</summary>
    public IReadOnlyList<string> EnabledTools { get; init; } = [];

    /// <summary>Never these tools.</summary>
    public IReadOnlyList<string> DisabledTools { get; init; } = [];

    /// <summary>What is started or reached, for people: the command line or the URL.</summary>
    public string Target => Transport == McpTransport.Stdio
        ? string.Join(' ', new[] { Command ?? "" }.Concat(Args).Select(Quote))
        : Url?.ToString() ?? "";

    /// <summary>Whether the server's tool <paramref name="toolName"/> is offered (<c>enabledTools</c>, then <c>disabledTools</c>).</summary>
    public bool OffersTool(string toolName)
        => (EnabledTools.Count == 0 || EnabledTools.Contains(toolName, StringComparer.Ordinal)) && !DisabledTools.Contains(toolName, StringComparer.Ordinal);

    private static string Quote(string word) => word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=@%+,".Contains(c, StringComparison.Ordinal))
        ? word
        : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
