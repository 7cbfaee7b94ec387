using KimiCode.Mcp;

namespace KimiCode.Cli.Shell.Commands;

/// <summary>
/// <c>/mcp</c>: the MCP servers of the current session and their state (ready with its tools, failed with why, not
/// started because the project is not trusted, disabled); before the first prompt, the servers the next session gets.
/// </summary>
internal sealed class McpStatusCommand : IShellCommand
{
    public string Name => "mcp";

    public string Help => "MCP servers and their connection status";

    public Task<CommandResult> ExecuteAsync(ShellContext context, string arguments, CancellationToken cancellationToken)
    {
        context.Screen.Gap();
        if (context.Session is { } session)
        {
            var statuses = context.Factory.McpStatuses(session.Id);
            if (statuses.Count == 0)
            {
                context.Screen.Line("No MCP servers in this session. Add one with `kimi mcp add` (it joins new sessions).", ShellStyles.Dim);
            }

            foreach (var status in statuses)
            {
                context.Screen.Line(status.Describe(), status.State is McpServerState.Failed or McpServerState.Untrusted ? ShellStyles.Warn : Spectre.Console.Style.Plain);
                if (status.State == McpServerState.Ready && status.Tools.Count > 0)
                {
                    context.Screen.Line("  " + string.Join(", ", status.Tools), ShellStyles.Dim);
                }
            }

            return Task.FromResult(CommandResult.Continue);
        }

        var configured = context.Factory.ConfiguredMcpServers(context.WorkDir);
        if (configured.Servers.Count == 0)
        {
            context.Screen.Line("No MCP servers configured. Add one with `kimi mcp add`.", ShellStyles.Dim);
        }

        foreach (var server in configured.Servers)
        {
            context.Screen.Line($"{server.Name} ({server.Transport.ToString().ToLowerInvariant()}, {server.Target}): starts with your next prompt{(server.Enabled ? "" : " (disabled)")}");
        }

        foreach (var problem in configured.Problems)
        {
            context.Screen.Line(McpConfigFiles.Format(problem), ShellStyles.Warn);
        }

        return Task.FromResult(CommandResult.Continue);
    }
}
