using KimiCode.Agent.Secrets;
using KimiCode.Config;
using KimiCode.Mcp;
using Microsoft.Extensions.Logging;

namespace KimiCode.Hosting;

/// <summary>
/// The MCP servers a new session gets: the mcp.json files (user, then project: project wins by name), then the
/// editor's (they win by name). Malformed entries are reported once each as a notice and skipped; project stdio servers
/// start only when trusted (remembered per folder and command line, asked in the shell, <c>--trust-project-mcp</c>).
/// The servers start in the background: this returns as soon as they are launched, and each failure (at start or
/// later) is reported when it happens, to <see cref="AgentLaunch.McpNotice"/> or the host's notices.
/// </summary>
internal static class McpSessionServers
{
    /// <summary>How long <c>kimi mcp login</c> waits for the browser to come back.</summary>
    private const int LoginWindowMs = 300_000;

    /// <param name="offers">Whether a tool name may be offered (<c>[tools]</c> lists); null: all.</param>
    /// <param name="reportServers">Report servers' failures (a session); false: the caller shows the statuses (<c>kimi mcp list</c>).</param>
    /// <param name="only">Start only this server (<c>kimi mcp test</c>).</param>
    public static async Task<McpServerSet> StartAsync(
        HostEnvironment env, KimiConfig config, AgentLaunch launch, string workingDirectory, ChildEnvironment childEnvironment,
        bool modelSeesImages, Func<string, bool>? offers, bool reportServers, string? only, CancellationToken cancellationToken)
    {
        var log = env.Logging.CreateLogger("KimiCode.Mcp");
        var notice = launch.McpNotice ?? env.Notice;
        void Report(string message)
        {
            log.LogWarning("{Message}", message);
            notice?.Invoke(message);
        }

        var files = McpConfigFiles.Load(env.Home.Root, workingDirectory);
        var all = McpConfigFiles.Merge(files, new McpServerList(launch.EditorMcpServers, []));
        if (only is not null)
        {
            all = new McpServerList([.. all.Servers.Where(s => s.Name == only)], []);
        }

        var timeouts = McpTimeouts.Resolve(config, env.GetVariable);
        if (launch.McpOpenBrowser is not null)
        {
            // A login waits for the user in the browser, longer than a server's start.
            all = all with { Servers = [.. all.Servers.Select(s => s with { StartupTimeoutMs = Math.Max(s.StartupTimeoutMs ?? timeouts.StartupMs, LoginWindowMs) })] };
        }

        foreach (var problem in all.Problems)
        {
            Report(McpConfigFiles.Format(problem));
        }

        if (all.Servers.Count == 0)
        {
            return McpServerSet.Empty;
        }

        var context = new McpConnectionContext
        {
            WorkingDirectory = workingDirectory,
            Timeouts = timeouts,
            ChildEnvironment = childEnvironment,
            GetVariable = env.GetVariable,
            ClientName = AgentSettings.Resolve(config, env.GetVariable).IdentitySlug ?? "kimi-code",
            LoggerFactory = env.Logging,
            Time = env.TimeProvider,
            OAuth = new McpOAuthContext { CredentialsDirectory = McpOAuthContext.DirectoryUnder(env.Home.Root), OpenBrowser = launch.McpOpenBrowser },
        };
        var set = new McpServerSet(all.Servers, context, new McpResultOptions(modelSeesImages), offers, reportServers ? Report : null);
        var trust = new McpTrustStore(env.Home.Root);
        foreach (var server in set.Servers)
        {
            if (server.Config.Origin == McpServerOrigin.Project && server.Config.Transport == McpTransport.Stdio && server.Config.Enabled
                && !await IsTrustedAsync(server.Config, launch, trust, workingDirectory, cancellationToken).ConfigureAwait(false))
            {
                server.MarkUntrusted("a project server (.kimi-code/mcp.json) runs code from this folder, which is not trusted for it: allow it when the shell asks, or pass --trust-project-mcp");
            }
        }

        set.StartAll();
        return set;
    }

    private static async Task<bool> IsTrustedAsync(McpServerConfig server, AgentLaunch launch, McpTrustStore trust, string folder, CancellationToken cancellationToken)
    {
        if (launch.TrustProjectMcp || trust.IsTrusted(folder, server))
        {
            return true;
        }

        if (launch.ConfirmProjectMcp is null || !await launch.ConfirmProjectMcp(server, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        trust.Trust(folder, server);
        return true;
    }
}
