using System.Globalization;
using KimiCode.Config;
using KimiCode.Config.Toml;

namespace KimiCode.Mcp;

/// <summary>
/// The global MCP timeouts. Precedence, as documented officially: a server's own <c>startupTimeoutMs</c> /
/// <c>toolTimeoutMs</c> &gt; <c>KIMI_MCP_STARTUP_TIMEOUT_MS</c> / <c>KIMI_MCP_TOOL_TIMEOUT_MS</c> &gt; <c>[mcp]
/// startup_timeout_ms</c> / <c>tool_timeout_ms</c> in config.toml &gt; 30 s / 60 s. Values outside 1–2147483647 are ignored.
/// </summary>
public sealed record McpTimeouts(int StartupMs, int ToolMs)
{
    public const int DefaultStartupMs = 30_000;
    public const int DefaultToolMs = 60_000;
    public const int DefaultPromptWaitMs = 10_000;

    /// <summary>
    /// How long after its start a server still starting may hold up a model request (never longer than its startup
    /// timeout): a healthy server is ready well within it, a hung one cannot delay a prompt by more.
    /// </summary>
    public int PromptWaitMs { get; init; } = DefaultPromptWaitMs;

    public static McpTimeouts Default { get; } = new(DefaultStartupMs, DefaultToolMs);

    /// <summary>From <c>[mcp]</c> in <paramref name="config"/> and the environment.</summary>
    public static McpTimeouts Resolve(KimiConfig config, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(environment);
        config.Document.TryGet<TomlTable>("mcp", out var table);
        return new McpTimeouts(
            FromEnv(environment("KIMI_MCP_STARTUP_TIMEOUT_MS")) ?? FromToml(table, "startup_timeout_ms") ?? DefaultStartupMs,
            FromEnv(environment("KIMI_MCP_TOOL_TIMEOUT_MS")) ?? FromToml(table, "tool_timeout_ms") ?? DefaultToolMs);
    }

    /// <summary>The connection timeout of <paramref name="server"/>.</summary>
    public TimeSpan StartupFor(McpServerConfig server) => TimeSpan.FromMilliseconds(server?.StartupTimeoutMs ?? StartupMs);

    /// <summary>How long after its start <paramref name="server"/> may hold up a model request while it is starting.</summary>
    public TimeSpan PromptWaitFor(McpServerConfig server) => TimeSpan.FromMilliseconds(Math.Min(PromptWaitMs, server?.StartupTimeoutMs ?? StartupMs));

    /// <summary>The tool-call timeout of <paramref name="server"/>.</summary>
    public TimeSpan ToolFor(McpServerConfig server) => TimeSpan.FromMilliseconds(server?.ToolTimeoutMs ?? ToolMs);

    private static int? FromEnv(string? text)
        => int.TryParse(text?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int ms) && ms >= 1 ? ms : null;

    private static int? FromToml(TomlTable? table, string key)
        => table is not null && table.TryGet<long>(key, out long ms) && ms is >= 1 and <= int.MaxValue ? (int)ms : null;
}
