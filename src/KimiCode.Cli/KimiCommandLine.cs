using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Reflection;
using KimiCode.Agent.Permissions;
using KimiCode.Cli.Commands;
using KimiCode.Hosting;

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
            Description = "Run one prompt non-interactively and exit. Piped stdin is appended to the prompt (`-p -`: the prompt is stdin). Never asks: actions that would ask are refused unless --yolo or a rule allows them.",
            Arity = ArgumentArity.ZeroOrOne,
            HelpName = "prompt",
        };
        NotBlank(print, "a prompt, or `-` to read it from stdin", dashAllowed: true);
        var prompt = new Argument<string[]>("prompt")
        {
            Description = "A first prompt: the shell starts with it (with -p or piped stdin: print mode runs it). Quote it.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        prompt.Validators.Add(result =>
        {
            // An unknown flag would otherwise become part of the prompt (`kimi --no-such-flag`).
            if (result.Tokens.FirstOrDefault(t => t.Value.Length > 1 && t.Value[0] == '-') is { } flag)
            {
                result.AddError($"Unrecognized option '{flag.Value}'");
            }
        });
        var model = new Option<string?>("--model", "-m") { Description = "Model alias from config.toml (default: default_model).", HelpName = "alias" };
        NotBlank(model, "a model alias from config.toml");
        var outputFormat = new Option<string?>("--output-format") { Description = "Print-mode output: text (the final answer, default), json (one JSON object at the end) or stream-json (one JSON message per line).", HelpName = "text|json|stream-json" };
        outputFormat.AcceptOnlyFromAmong(PrintMode.OutputFormats);
        var yolo = new Option<bool>("--yolo", "-y") { Description = "Run every tool call without asking (deny rules still apply)." };
        var maxSteps = new Option<int?>("--max-steps") { Description = "Stop a turn after this many model calls (default: [loop_control] max_steps_per_turn or 100).", HelpName = "n", CustomParser = PositiveInt };
        var workDir = new Option<string?>("--work-dir", "-w") { Description = "Working directory for the agent (default: the current folder).", HelpName = "dir" };
        NotBlank(workDir, "a folder");
        var session = new Option<string?>("--session", "-S", "--resume", "-r")
        {
            Description = "Resume a session: its id or the start of one (`kimi sessions list` shows them); without one, the shell offers a picker.",
            HelpName = "id",
            Arity = ArgumentArity.ZeroOrOne,
        };
        NotBlank(session, "a session id");
        var continueLatest = new Option<bool>("--continue", "-c", "-C") { Description = "Continue the latest session of the working directory." };
        var image = new Option<string[]>("--image") { Description = "With -p: send this picture (PNG, JPEG, GIF, WebP) with the prompt; repeatable. The model needs \"image_in\".", HelpName = "file", Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false };
        var trustProjectMcp = new Option<bool>("--trust-project-mcp") { Description = "Start the stdio MCP servers of the project's .kimi-code/mcp.json without asking (they run code from the folder)." };
        var thinking = new Option<bool>("--thinking") { Description = "Ask the model to think before it answers (overrides [thinking] enabled)." };
        var noThinking = new Option<bool>("--no-thinking") { Description = "Ask the model not to think (overrides [thinking] enabled)." };
        var plan = new Option<bool>("--plan") { Description = "Start in plan mode: the agent reads and plans; edits and commands are refused until you leave it (/plan)." };
        var addDir = new Option<string[]>("--add-dir") { Description = "Add a folder to the workspace: the agent works there as in the working folder (repeatable).", HelpName = "dir", Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false };
        var auto = new Option<bool>("--auto") { Description = "Start in auto mode: nothing asks; calls a rule or a safety check would ask about are refused." };
        var root = new RootCommand("kimi: a coding agent for the Kimi Code service (Moonshot AI's coding plan).")
        {
            print, model, outputFormat, yolo, plan, auto, thinking, noThinking, maxSteps, workDir, addDir, session, continueLatest, image, trustProjectMcp, Debug, prompt,
        };
        root.Subcommands.Add(LoginCommand.Create(env));
        root.Subcommands.Add(LogoutCommand.Create(env));
        root.Subcommands.Add(AuthCommand.Create(env));
        root.Subcommands.Add(AcpCommand.Create(env));
        root.Subcommands.Add(DoctorCommand.Create(env));
        root.Subcommands.Add(SessionsCommand.Create(env));
        root.Subcommands.Add(McpCommand.Create(env));
        root.SetAction((parse, ct) =>
        {
            var words = parse.GetValue(prompt) ?? [];
            var positional = words.Length > 0 ? string.Join(' ', words) : null;
            var printText = parse.GetValue(print);
            var printMode = parse.GetResult(print) is not null || env.InputRedirected;
            if (Conflict(parse, printText, positional, session, continueLatest, outputFormat, printMode) is { } problem)
            {
                return Task.FromResult(UsageError(env, problem, "kimi"));
            }

            if ((OneOf(parse, yolo, plan, auto) ?? OneOf(parse, thinking, noThinking)) is { } twice)
            {
                return Task.FromResult(UsageError(env, twice, "kimi"));
            }

            PermissionMode? startMode = parse.GetValue(yolo) ? PermissionMode.Yolo
                : parse.GetValue(plan) ? PermissionMode.Plan
                : parse.GetValue(auto) ? PermissionMode.Auto
                : null;
            bool? thinkingChoice = parse.GetValue(thinking) ? true : parse.GetValue(noThinking) ? false : null;
            var extraDirs = new List<string>();
            foreach (var dir in parse.GetValue(addDir) ?? [])
            {
                var full = Path.GetFullPath(dir, env.CurrentDirectory);
                if (!Directory.Exists(full))
                {
                    return Task.FromResult(UsageError(env, $"--add-dir '{dir}' is not an existing folder; create it or leave it out.", "kimi"));
                }

                extraDirs.Add(full);
            }

            if (!printMode)
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
                    StartMode = startMode,
                    Thinking = thinkingChoice,
                    AdditionalDirectories = extraDirs,
                    MaxSteps = parse.GetValue(maxSteps),
                    WorkDir = parse.GetValue(workDir),
                    SessionId = parse.GetValue(session),
                    PickSession = parse.GetResult(session) is not null && parse.GetValue(session) is null,
                    Continue = parse.GetValue(continueLatest),
                    InitialPrompt = positional,
                    TrustProjectMcp = parse.GetValue(trustProjectMcp),
                }, token), ct, handleInterrupts: false);
            }

            return GuardedAction.RunAsync(env, token => PrintMode.RunAsync(env, new PrintMode.Options
            {
                Prompt = printText ?? positional,
                Model = parse.GetValue(model),
                OutputFormat = parse.GetValue(outputFormat) ?? "text",
                StartMode = startMode,
                Thinking = thinkingChoice,
                AdditionalDirectories = extraDirs,
                MaxSteps = parse.GetValue(maxSteps),
                WorkDir = parse.GetValue(workDir),
                SessionId = parse.GetValue(session),
                Continue = parse.GetValue(continueLatest),
                Images = parse.GetValue(image) ?? [],
                TrustProjectMcp = parse.GetValue(trustProjectMcp),
            }, token), ct);
        });
        return root;
    }

    /// <summary>Flags that exclude each other (<c>--yolo</c>/<c>--plan</c>/<c>--auto</c>, <c>--thinking</c>/<c>--no-thinking</c>): the problem when more than one is given.</summary>
    private static string? OneOf(ParseResult parse, params Option<bool>[] options)
    {
        var given = options.Where(o => parse.GetValue(o)).Select(o => o.Name).ToList();
        return given.Count > 1 ? $"{string.Join(" and ", given)} exclude each other; give one." : null;
    }

    /// <summary>Combinations the parser cannot see: two prompts, two sessions, an output format without print mode.</summary>
    private static string? Conflict(ParseResult parse, string? printText, string? positional,
        Option<string?> session, Option<bool> continueLatest, Option<string?> outputFormat, bool printMode)
    {
        if (printText is not null && positional is not null)
        {
            return $"Two prompts: -p \"{Shorten(printText)}\" and \"{Shorten(positional)}\"; give one (quote a prompt with spaces: kimi -p \"fix the tests\").";
        }

        if (parse.GetResult(session) is not null && parse.GetValue(continueLatest))
        {
            return "--session and --continue both pick the session to resume; give one of them.";
        }

        if (printMode && parse.GetResult(session) is not null && parse.GetValue(session) is null)
        {
            return "--session (-r) without an id opens a picker, which needs the shell; give an id or the start of one (`kimi sessions list` shows them), or use --continue.";
        }

        if (!printMode && parse.GetResult(outputFormat) is not null)
        {
            return "--output-format only applies to print mode; add -p \"prompt\" (or pipe the prompt on stdin).";
        }

        return null;
    }

    private static string Shorten(string text)
    {
        var line = GuardedAction.OneLine(text);
        return line.Length > 40 ? line[..39] + "…" : line;
    }

    /// <summary>A whole number from 1 to <see cref="int.MaxValue"/>; anything else is a parse error naming the option (never an exception).</summary>
    private static int? PositiveInt(ArgumentResult result)
    {
        var name = (result.Parent as OptionResult)?.Option.Name ?? result.Argument.Name;
        if (result.Tokens.Count == 0)
        {
            result.AddError($"{name} needs a number; pass a whole number from 1 to {int.MaxValue}.");
            return null;
        }

        var text = result.Tokens[0].Value;
        if (!int.TryParse(text, NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out var value) || value < 1)
        {
            result.AddError($"{name} takes a whole number from 1 to {int.MaxValue}, not \"{Shorten(text)}\".");
            return null;
        }

        return value;
    }

    /// <summary>
    /// An option that takes text rejects an empty or blank value (<c>--model ""</c>) instead of passing it on and, unless
    /// <paramref name="dashAllowed"/>, a value that is another flag (<c>--model= -p x</c> hands "-p" to --model).
    /// </summary>
    private static void NotBlank(Option<string?> option, string what, bool dashAllowed = false) => option.Validators.Add(result =>
    {
        if (result.Tokens.Count == 0)
        {
            return;
        }

        var value = result.Tokens[0].Value;
        if (string.IsNullOrWhiteSpace(value))
        {
            result.AddError($"{option.Name} needs {what}; the value given is empty.");
        }
        else if (!dashAllowed && value.Length > 1 && value[0] == '-')
        {
            result.AddError($"{option.Name} needs {what}, not the flag \"{value}\"; put the value right after {option.Name}.");
        }
    });

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
        if (parsed.Errors.Count > 0 && !AsksForHelp(parsed))
        {
            // One line that names the problem; help only on --help (24 lines of usage would bury it).
            return Task.FromResult(UsageError(env, Describe(parsed.Errors[0]), CommandPath(parsed.CommandResult)));
        }

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

    /// <summary>The parser's message, led by the option it is about when it does not name it (<c>Argument 'xml' not recognized</c>).</summary>
    private static string Describe(ParseError error)
    {
        var option = error.SymbolResult switch
        {
            OptionResult o => o.Option.Name,
            ArgumentResult { Parent: OptionResult o } => o.Option.Name,
            _ => null,
        };
        var message = error.Message.Replace("\t", string.Empty, StringComparison.Ordinal);
        return option is not null && !message.Contains(option, StringComparison.Ordinal) ? $"{option}: {message}" : message;
    }

    private static bool AsksForHelp(ParseResult parsed) => parsed.Action is System.CommandLine.Help.HelpAction;

    private static string CommandPath(CommandResult command) =>
        command.Parent is CommandResult parent ? CommandPath(parent) + " " + command.Command.Name : "kimi";

    private static int UsageError(CliEnvironment env, string message, string command)
    {
        var line = GuardedAction.OneLine(message).TrimEnd('.');
        env.Error.WriteLine($"error: {line}. See `{command} --help`. [{CliErrorCodes.Usage}]");
        env.Error.Flush();
        return ExitCodes.Usage;
    }
}
