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
        using var server = new AcpServer(new AcpServerOptions
        {
            Host = env.Host,
            Log = env.Error,
            TerminalLoginCommand = LoginCommandLine(),
        });
        await using Stream input = Console.OpenStandardInput();
        await using Stream output = Console.OpenStandardOutput();
        try
        {
            await server.RunAsync(input, output, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl-C or SIGTERM: the editor is closing us; not an error.
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
