using System.CommandLine;
using KimiCode.Acp;

namespace KimiCode.Cli.Commands;

/// <summary>
/// <c>kimi acp</c>: the Agent Client Protocol agent for editors (Zed, JetBrains IDEs, any ACP v1 client). stdin and
/// stdout carry only JSON-RPC; diagnostics go to stderr. <c>kimi acp login</c> is the terminal login the editor runs
/// when the user picks "Login with Kimi account".
/// </summary>
internal static class AcpCommand
{
    /// <summary>How long a cancelled server gets to answer and stop before the process ends anyway (editors expect an exit within 2 s).</summary>
    private static readonly TimeSpan ShutdownGrace = TimeSpan.FromMilliseconds(1500);

    public static Command Create(CliEnvironment env)
    {
        var command = new Command("acp", "Run as an Agent Client Protocol (ACP) agent over stdin/stdout, for editors such as Zed and JetBrains IDEs.");

        // The editor runs the agent command with `login` appended (ACP terminal auth): `kimi acp login` is `kimi login`.
        command.Subcommands.Add(LoginCommand.Create(env));
        command.SetAction((parse, ct) => GuardedAction.RunAsync(env, token => RunAsync(env, token), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliEnvironment env, CancellationToken cancellationToken)
    {
        await using var server = new AcpServer(new AcpServerOptions
        {
            Host = env.Host,
            Log = env.Error,
            TerminalLoginCommand = LoginCommandLine(),
        });
        await using Stream input = Console.OpenStandardInput();
        await using Stream output = Console.OpenStandardOutput();
        Task run = server.RunAsync(input, output, cancellationToken);
        try
        {
            await run.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // SIGTERM or Ctrl-C: the editor is closing us; not an error. The server cancels every turn (tools are
            // killed), answers the pending prompts `cancelled` and stops; the session files are written record by
            // record, so nothing is left to flush. It gets a bounded moment for that, so the process ends in time.
            await Task.WhenAny(run, Task.Delay(ShutdownGrace, TimeProvider.System, CancellationToken.None)).ConfigureAwait(false);
        }

        return ExitCodes.Success;
    }

    /// <summary>The full command line of <c>kimi acp login</c> for this installation (the legacy terminal-auth descriptor needs it).</summary>
    private static string[]? LoginCommandLine()
    {
        string? process = Environment.ProcessPath;
        if (string.IsNullOrEmpty(process))
        {
            return null;
        }

        // Under `dotnet kimi.dll` the process is the dotnet host; the first argument is then the entry assembly.
        string[] arguments = Environment.GetCommandLineArgs();
        bool hosted = Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.OrdinalIgnoreCase);
        return hosted && arguments.Length > 0 && arguments[0].EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
            ? [process, arguments[0], "acp", "login"]
            : [process, "acp", "login"];
    }
}
