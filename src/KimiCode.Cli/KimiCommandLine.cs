using System.CommandLine;
using KimiCode.Cli.Commands;

namespace KimiCode.Cli;

/// <summary>The <c>kimi</c> command tree.</summary>
internal static class KimiCommandLine
{
    public static RootCommand Build(CliEnvironment env)
    {
        var print = new Option<string?>("--print", "-p")
        {
            Description = "Run one prompt non-interactively and print the answer (the prompt may also come on stdin).",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var model = new Option<string?>("--model", "-m") { Description = "Model alias from config.toml (default: default_model)." };
        var root = new RootCommand("kimi: a coding agent for the Kimi Code service (Moonshot AI's coding plan).")
        {
            print, model,
        };
        root.Subcommands.Add(LoginCommand.Create(env));
        root.Subcommands.Add(LogoutCommand.Create(env));
        root.Subcommands.Add(AuthCommand.Create(env));
        root.SetAction((parse, ct) => GuardedAction.RunAsync(env, token =>
        {
            var wantsPrint = parse.GetResult(print) is not null || env.InputRedirected;
            if (!wantsPrint)
            {
                return Task.FromResult(InteractiveUnavailable(env));
            }

            return PrintMode.RunAsync(env, new PrintMode.Options(parse.GetValue(print), parse.GetValue(model)), token);
        }, ct));
        return root;
    }

    public static Task<int> InvokeAsync(CliEnvironment env, string[] args, CancellationToken cancellationToken)
    {
        var root = Build(env);
        return root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = env.Out, Error = env.Error }, cancellationToken);
    }

    private static int InteractiveUnavailable(CliEnvironment env)
    {
        env.Error.WriteLine("The interactive shell is not available in this build yet; run `kimi -p \"your prompt\"` (or `kimi --help`).");
        return ExitCodes.Usage;
    }
}
