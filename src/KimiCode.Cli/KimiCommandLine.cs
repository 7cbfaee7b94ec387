using System.CommandLine;
using System.Reflection;
using KimiCode.Cli.Commands;

namespace KimiCode.Cli;

/// <summary>The <c>kimi</c> command tree.</summary>
internal static class KimiCommandLine
{
    /// <summary>What <c>kimi --version</c> prints: the informational version, as System.CommandLine's own option prints it.</summary>
    public static string Version =>
        typeof(KimiCommandLine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(KimiCommandLine).Assembly.GetName().Version?.ToString()
        ?? "unknown";

    /// <summary>True for exactly <c>kimi --version</c>, which Program answers without building the tree (any other use of the option goes through the tree and its validation).</summary>
    public static bool IsVersionRequest(string[] args) => args is ["--version"];

    public static RootCommand Build(CliEnvironment env)
    {
        var print = new Option<string?>("--print", "-p")
        {
            Description = "Run one prompt non-interactively and exit (the prompt may also come on stdin). Never asks: actions that would ask are refused unless --yolo or a rule allows them.",
            Arity = ArgumentArity.ZeroOrOne,
            HelpName = "prompt",
        };
        var model = new Option<string?>("--model", "-m") { Description = "Model alias from config.toml (default: default_model).", HelpName = "alias" };
        var outputFormat = new Option<string>("--output-format") { Description = "Print-mode output: text (the final answer) or stream-json (one JSON message per line).", DefaultValueFactory = _ => "text" };
        outputFormat.AcceptOnlyFromAmong("text", "stream-json");
        var yolo = new Option<bool>("--yolo") { Description = "Run every tool call without asking (deny rules still apply)." };
        var maxSteps = new Option<int?>("--max-steps") { Description = "Stop a turn after this many model calls (default: [loop_control] max_steps_per_turn or 100).", HelpName = "n" };
        maxSteps.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1)
            {
                result.AddError("--max-steps must be at least 1.");
            }
        });
        var workDir = new Option<string?>("--work-dir", "-w") { Description = "Working directory for the agent (default: the current folder).", HelpName = "dir" };
        var session = new Option<string?>("--session", "-S") { Description = "Resume the session with this id.", HelpName = "id" };
        var continueLatest = new Option<bool>("--continue", "-C") { Description = "Continue the latest session of the working directory." };
        var image = new Option<string[]>("--image") { Description = "With -p: send this picture (PNG, JPEG, GIF, WebP) with the prompt; repeatable. The model needs \"image_in\".", HelpName = "file", Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false };
        var root = new RootCommand("kimi: a coding agent for the Kimi Code service (Moonshot AI's coding plan).")
        {
            print, model, outputFormat, yolo, maxSteps, workDir, session, continueLatest, image, Debug,
        };
        root.Subcommands.Add(LoginCommand.Create(env));
        root.Subcommands.Add(LogoutCommand.Create(env));
        root.Subcommands.Add(AuthCommand.Create(env));
        root.Subcommands.Add(AcpCommand.Create(env));
        root.Subcommands.Add(DoctorCommand.Create(env));
        root.SetAction((parse, ct) =>
        {
            if (parse.GetResult(print) is null && !env.InputRedirected)
            {
                if (parse.GetResult(image) is not null)
                {
                    env.Error.WriteLine($"error: --image works with -p; in the shell, put @path/to/picture.png in the prompt. [{KimiCode.Hosting.CliErrorCodes.Usage}]");
                    return Task.FromResult(ExitCodes.Usage);
                }

                // The shell handles Ctrl-C itself: it cancels the running turn, and twice exits.
                return GuardedAction.RunAsync(env, token => Shell.InteractiveShell.RunAsync(env, new Shell.ShellOptions
                {
                    Model = parse.GetValue(model),
                    Yolo = parse.GetValue(yolo),
                    MaxSteps = parse.GetValue(maxSteps),
                    WorkDir = parse.GetValue(workDir),
                    SessionId = parse.GetValue(session),
                    Continue = parse.GetValue(continueLatest),
                }, token), ct, handleInterrupts: false);
            }

            return GuardedAction.RunAsync(env, token => PrintMode.RunAsync(env, new PrintMode.Options
            {
                Prompt = parse.GetValue(print),
                Model = parse.GetValue(model),
                OutputFormat = parse.GetValue(outputFormat)!,
                Yolo = parse.GetValue(yolo),
                MaxSteps = parse.GetValue(maxSteps),
                WorkDir = parse.GetValue(workDir),
                SessionId = parse.GetValue(session),
                Continue = parse.GetValue(continueLatest),
                Images = parse.GetValue(image) ?? [],
            }, token), ct);
        });
        return root;
    }

    /// <summary><c>--debug</c>, on every command: the log's debug lines, echoed to stderr (never stdout).</summary>
    private static readonly Option<bool> Debug = new("--debug")
    {
        Description = "Log debug detail to stderr as well as to {home}/logs/kimi.log (requests, credentials, retries, tool calls; never a secret).",
        Recursive = true,
    };

    public static Task<int> InvokeAsync(CliEnvironment env, string[] args, CancellationToken cancellationToken)
    {
        var root = Build(env);
        var parsed = root.Parse(args);
        if (env.Log is { } log && parsed.GetValue(Debug))
        {
            log.Debug = true;
        }

        return parsed.InvokeAsync(new InvocationConfiguration
        {
            Output = env.Out,
            Error = env.Error,
            ProcessTerminationTimeout = null, // Ctrl-C is ours: GuardedAction cancels cleanly, the shell handles its own
        }, cancellationToken);
    }
}
