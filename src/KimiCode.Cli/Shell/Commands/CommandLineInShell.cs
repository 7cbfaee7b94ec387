using System.CommandLine;
using KimiCode.Protocol;

namespace KimiCode.Cli.Shell.Commands;

/// <summary>
/// Runs a command of the command line (<c>kimi login</c>, <c>kimi logout</c>) inside the shell, its output on the
/// screen and the spinner running, so <c>/login</c> and <c>/logout</c> share its code. Only those two use it: once
/// login and logout are use cases of their own, they call those instead and this goes.
/// </summary>
internal static class CommandLineInShell
{
    /// <summary>The command's exit code (null when cancelled or failed) and whether the user asked to leave the shell.</summary>
    public static async Task<(int? Code, bool Exit)> RunAsync(
        ShellContext context, string activity, Func<CliEnvironment, Command> create, string name, string arguments, CancellationToken cancellationToken)
    {
        using var writer = new ScreenWriter(context.Screen);
        var shellEnv = context.Environment;
        var env = new CliEnvironment
        {
            GetVariable = shellEnv.GetVariable,
            Out = writer,
            Error = writer,
            In = TextReader.Null,
            InputRedirected = false,
            CurrentDirectory = shellEnv.CurrentDirectory,
            ErrorIsTerminal = false,
            TimeProvider = shellEnv.TimeProvider,
            OpenBrowser = shellEnv.OpenBrowser,
            ReadSecret = _ => throw new KimiCodeException("cli.usage", "An API key cannot be typed in the shell; run `kimi login --api-key` in a terminal instead."),
        };
        var root = new RootCommand { create(env) };
        string[] args = [name, .. arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        var result = await context.RunBusyAsync(activity, token => root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = writer, Error = writer }, token), cancellationToken).ConfigureAwait(false);
        writer.Complete();
        return (result.Result, result.Exit);
    }
}
