using System.Globalization;
using KimiCode.Hosting;
using Spectre.Console;

namespace KimiCode.Cli.Shell.Commands;

/// <summary>
/// <c>/usage</c>: the model calls and tokens the service reported since the shell started (input, of it cached, output)
/// and how full the current session's context is; then the plan's quota as the service reports it (<c>{base_url}/usages</c>,
/// each limit with its use and reset), or one line saying why it is not shown.
/// </summary>
internal sealed class UsageCommand : IShellCommand
{
    public string Name => "usage";

    public string Help => "tokens used since the shell started, context use, and the plan's quota";

    public async Task<CommandResult> ExecuteAsync(ShellContext context, string arguments, CancellationToken cancellationToken)
    {
        var quota = await context.Factory.FetchPlanUsageAsync(context.ModelAlias, cancellationToken).ConfigureAwait(false);
        var (calls, input, output, cached) = context.Renderer.Usage;
        var grid = new Grid().AddColumn(new GridColumn().NoWrap().PadRight(2)).AddColumn();
        void Row(string name, string value) => grid.AddRow(new Text(name, ShellStyles.Dim), new Text(value));
        Row("Model calls", calls.ToString(CultureInfo.InvariantCulture));
        Row("Input tokens", $"{Exact(input)}" + (cached > 0 ? $" ({Exact(cached)} from the cache)" : string.Empty));
        Row("Output tokens", Exact(output));
        var window = context.Factory.Resolve(context.ModelAlias).Model?.MaxContextSize ?? 262_144;
        var used = context.Session?.EstimatedContextTokens ?? 0;
        Row("Context", $"{StatusCommand.Tokens(used)} of {StatusCommand.Tokens(window)} tokens in this session");
        if (quota.Problem is { } problem)
        {
            Row("Plan quota", "not shown: " + problem);
        }

        var now = context.Environment.TimeProvider.GetUtcNow();
        foreach (var limit in quota.Rows)
        {
            Row(limit.Label + " limit", Quota(limit, now));
        }

        context.Screen.Gap();
        context.Screen.Write(grid);
        return CommandResult.Continue;
    }

    /// <summary><c>12 of 100 used (12%) · resets in 2h 0m</c>.</summary>
    internal static string Quota(PlanUsageRow limit, DateTimeOffset now)
    {
        var share = limit.Limit > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({limit.Used * 100 / limit.Limit}%)") : string.Empty;
        var text = $"{Exact(limit.Used)} of {Exact(limit.Limit)} used{share}";
        if (limit.ResetsAt is { } at)
        {
            var left = at - now;
            text += left <= TimeSpan.Zero ? " · resets now"
                : left.TotalDays >= 1 ? string.Create(CultureInfo.InvariantCulture, $" · resets in {(int)left.TotalDays}d {left.Hours}h")
                : string.Create(CultureInfo.InvariantCulture, $" · resets in {left.Hours}h {left.Minutes}m");
        }

        return text;
    }

    private static string Exact(long tokens) => tokens.ToString("N0", CultureInfo.InvariantCulture);
}
