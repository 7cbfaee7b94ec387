using KimiCode.Agent.Secrets;
using KimiCode.Config;
using KimiCode.Mcp;
using Microsoft.Extensions.Logging;

namespace KimiCode.Hosting;

/// <summary>
/// The MCP servers a new session gets: the mcp.json files (user, then project: project wins by name), then the
/// editor's (they win by name). Malformed entries are reported once each as a notice and skipped; project stdio servers
/// start only when trusted (remembered per folder and command line, asked in the shell, <c>--trust-project-mcp</c>).
/// Startup waits for every server to be ready or failed, each within its own startup timeout, then reports failures.
/// </summary>
internal static class McpSessionServers
{
    public static async Task<McpServerSet> StartAsync(
        HostEnvironment env, KimiConfig config, AgentSettings settings, AgentLaunch launch, string workingDirectory,
        ChildEnvironment childEnvironment, bool modelSeesImages, CancellationToken cancellationToken, bool report = true, string? only = null)
    {
        var log = env.Logging.CreateLogger("KimiCode.Mcp");
        var files = McpConfigFiles.Load(env.Home.Root, workingDirectory);
        var all = McpConfigFiles.Merge(files, new McpServerList(launch.EditorMcpServers, []));
        if (only is not null)
        {
            all = new McpServerList([.. all.Servers.Where(s => s.Name == only)], []);
        }

        foreach (var problem in all.Problems)
        {
            Notice(env, log, McpConfigFiles.Format(problem));
        }

        if (all.Servers.Count == 0)
        {
            return McpServerSet.Empty;
        }

        var context = new McpConnectionContext
        {
            WorkingDirectory = workingDirectory,
            Timeouts = McpTimeouts.Resolve(config, env.GetVariable),
            ChildEnvironment = childEnvironment,
            GetVariable = env.GetVariable,
            ClientName = settings.IdentitySlug ?? "kimi-code",
            LoggerFactory = env.Logging,
        };
        var set = new McpServerSet(all.Servers, context, new McpResultOptions(modelSeesImages));
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
        await set.WaitForStartupAsync(cancellationToken).ConfigureAwait(false);
        foreach (var status in report ? set.Statuses() : [])
        {
            if (status.State is McpServerState.Failed or McpServerState.Untrusted)
            {
                Notice(env, log, $"MCP server {status.Describe()}; its tools are not available");
            }
        }

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

    private static void Notice(HostEnvironment env, ILogger log, string message)
    {
        log.LogWarning("{Message}", message);
        env.Notice?.Invoke(message);
    }
}
