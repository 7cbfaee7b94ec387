using System.Globalization;
using KimiCode.Agent.Sessions;
using Spectre.Console;

namespace KimiCode.Cli.Shell.Commands;

/// <summary><c>/sessions</c>: the newest 20 sessions of the working folder, numbered for <c>/resume n</c>.</summary>
internal sealed class SessionsCommand : IShellCommand
{
    /// <summary>How many sessions <c>/sessions</c> and the <c>/resume</c> picker show.</summary>
    public const int Shown = 20;

    public string Name => "sessions";

    public string Help => "the sessions of this folder";

    public Task<CommandResult> ExecuteAsync(ShellContext context, string arguments, CancellationToken cancellationToken)
    {
        var listing = context.Factory.Store.List(context.WorkDir).Take(Shown).ToList();
        context.LastListing = listing;
        if (listing.Count == 0)
        {
            context.Screen.Line($"No sessions in {context.WorkDir} yet.", ShellStyles.Dim);
            return Task.FromResult(CommandResult.Continue);
        }

        var grid = new Grid()
            .AddColumn(new GridColumn().NoWrap().PadRight(1))
            .AddColumn(new GridColumn().NoWrap().PadRight(2))
            .AddColumn(new GridColumn().NoWrap().PadRight(2))
            .AddColumn(new GridColumn().NoWrap().PadRight(2))
            .AddColumn();
        var now = context.Environment.TimeProvider.GetUtcNow();
        for (var i = 0; i < listing.Count; i++)
        {
            var s = listing[i];
            var current = s.Id == context.Session?.Id;
            grid.AddRow(
                new Text((current ? "*" : " ") + (i + 1).ToString(CultureInfo.InvariantCulture), current ? ShellStyles.Key : ShellStyles.Dim),
                new Text(s.Id, ShellStyles.Dim),
                new Text(Ago(s.Updated, now)),
                new Text(Messages(s.MessageCount), ShellStyles.Dim),
                new Text(Title(s)));
        }

        context.Screen.Write(grid);
        context.Screen.Line("Resume one with /resume <n> or /resume <id>.", ShellStyles.Dim);
        return Task.FromResult(CommandResult.Continue);
    }

    public static string Title(SessionInfo session) => session.Title.Length > 0 ? session.Title : "(no prompt yet)";

    public static string Messages(int count) => count == 1 ? "1 message" : $"{count} messages";

    public static string Ago(DateTimeOffset when, DateTimeOffset now)
    {
        var age = now - when;
        return age.TotalMinutes < 1 ? "just now"
            : age.TotalHours < 1 ? $"{(int)age.TotalMinutes} min ago"
            : age.TotalDays < 1 ? $"{(int)age.TotalHours} h ago"
            : when.ToLocalTime().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    }
}
