using System.Globalization;
using Spectre.Console;

namespace KimiCode.Cli.Shell.Commands;

/// <summary>
/// <c>/usage</c>: the model calls and tokens the service reported since the shell started (input, of it cached, output)
/// and how full the current session's context is. Plan quota is not shown: kimi does not read the account's usage
/// endpoint yet.
/// </summary>
internal sealed class UsageCommand : IShellCommand
{
    public string Name => "usage";

    public string Help => "tokens used since the shell started, and context use";

    public Task<CommandResult> ExecuteAsync(ShellContext context, string arguments, CancellationToken cancellationToken)
    {
        var (calls, input, output, cached) = context.Renderer.Usage;
        var grid = new Grid().AddColumn(new GridColumn().NoWrap().PadRight(2)).AddColumn();
        void Row(string name, string value) => grid.AddRow(new Text(name, ShellStyles.Dim), new Text(value));
        Row("Model calls", calls.ToString(CultureInfo.InvariantCulture));
        Row("Input tokens", $"{Exact(input)}" + (cached > 0 ? $" ({Exact(cached)} from the cache)" : string.Empty));
        Row("Output tokens", Exact(output));
        var window = context.Factory.Resolve(context.ModelAlias).Model?.MaxContextSize ?? 262_144;
        var used = context.Session?.EstimatedContextTokens ?? 0;
        Row("Context", $"{StatusCommand.Tokens(used)} of {StatusCommand.Tokens(window)} tokens in this session");
        Row("Plan quota", "not shown yet; see your Kimi Code account page");
        context.Screen.Gap();
        context.Screen.Write(grid);
        return Task.FromResult(CommandResult.Continue);
    }

    private static string Exact(long tokens) => tokens.ToString("N0", CultureInfo.InvariantCulture);
}
