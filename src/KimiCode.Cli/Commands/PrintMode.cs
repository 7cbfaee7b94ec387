using KimiCode.Agent;
using KimiCode.Agent.Permissions;
using KimiCode.Agent.Skills;
using KimiCode.Agent.Tools;
using KimiCode.Config;
using KimiCode.Hosting;
using KimiCode.Protocol;
using Microsoft.Extensions.AI;

namespace KimiCode.Cli.Commands;

/// <summary>
/// <c>kimi -p</c>: runs one agent turn without asking anything (what would ask is refused unless <c>--yolo</c>
/// or a rule allows it) and exits 0 (done), 1 (failed), 2 (usage: a bad flag, no prompt, a prompt too large for the
/// model), 75 (retryable: rate limit, overload, network) or 130.
/// </summary>
internal static class PrintMode
{
    /// <summary>The <c>--output-format</c> values.</summary>
    public static readonly string[] OutputFormats = ["text", "json", "stream-json"];

    public sealed record Options
    {
        public string? Prompt { get; init; }
        public string? Model { get; init; }
        public string OutputFormat { get; init; } = "text";
        /// <summary>The mode to start in (<c>--yolo</c>, <c>--plan</c>, <c>--auto</c>); null = the config's.</summary>
        public PermissionMode? StartMode { get; init; }

        /// <summary><c>--add-dir</c> folders (absolute, existing): more workspace roots.</summary>
        public IReadOnlyList<string> AdditionalDirectories { get; init; } = [];

        /// <summary><c>--thinking</c> / <c>--no-thinking</c>; null = <c>[thinking] enabled</c>.</summary>
        public bool? Thinking { get; init; }
        public int? MaxSteps { get; init; }
        public string? WorkDir { get; init; }
        public string? SessionId { get; init; }
        public bool Continue { get; init; }

        /// <summary><c>--image FILE</c> (repeatable): pictures sent with the prompt.</summary>
        public IReadOnlyList<string> Images { get; init; } = [];

        /// <summary><c>--trust-project-mcp</c>: start the project's stdio MCP servers (print mode never asks).</summary>
        public bool TrustProjectMcp { get; init; }
    }

    public static async Task<int> RunAsync(CliEnvironment env, Options options, CancellationToken cancellationToken)
    {
        var prompt = await PrintPrompt.ReadAsync(env, options.Prompt, allowEmpty: options.Images.Count > 0, cancellationToken).ConfigureAwait(false);
        var workDir = Path.GetFullPath(options.WorkDir ?? env.CurrentDirectory);
        await using var factory = new AgentSessionFactory(env.Host);
        prompt = ExpandSkill(prompt, factory.LoadSkills(workDir));
        PrintPrompt.EnsureFits(prompt, factory.PromptLimit(options.Model)); // before the session exists: nothing saved, --continue unharmed
        List<AIContent> contents = string.IsNullOrEmpty(prompt) ? [] : [new TextContent(prompt)];
        if (options.Images.Count > 0)
        {
            // Checked before the session opens: a refused picture sends nothing and saves nothing.
            if (Attach(env, factory.Config, options, contents) is { } refusal)
            {
                await env.Error.WriteLineAsync($"error: {GuardedAction.OneLine(refusal)} [{CliErrorCodes.Usage}]").ConfigureAwait(false);
                return ExitCodes.Usage;
            }
        }

        var resume = SessionsCommand.ResumeTarget(factory.Store, options.SessionId, options.Continue, workDir);

        var session = await factory.CreateAsync(new AgentLaunch
        {
            WorkingDirectory = workDir,
            ModelAlias = options.Model,
            Mode = options.StartMode,
            Thinking = options.Thinking,
            AdditionalDirectories = options.AdditionalDirectories,
            Prompter = new RejectingPermissionPrompter(request => RefusedLine(env, request)),
            ResumeSessionId = resume,
            MaxStepsPerTurn = options.MaxSteps,
            TrustProjectMcp = options.TrustProjectMcp,
        }, cancellationToken).ConfigureAwait(false);

        IPrintRenderer renderer = options.OutputFormat switch
        {
            "stream-json" => new StreamJsonRenderer(env.Out, session),
            "json" => new JsonResultRenderer(env.Out),
            _ => new TextRenderer(env.Out, env.ErrorIsTerminal ? env.Error : null),
        };
        AgentError? error = null;
        var stop = StopReason.Error;
        await foreach (var e in session.RunTurnAsync(contents, cancellationToken).ConfigureAwait(false))
        {
            switch (e)
            {
                case AgentError failure:
                    error = failure;
                    break;
                case TurnEnded ended:
                    stop = ended.Reason;
                    break;
                case RetryScheduled retry:
                    // Always, terminal or not: a script's log shows why the run is waiting.
                    await env.Error.WriteLineAsync("kimi: " + RetryStatus.Text(retry, retry.Delay)).ConfigureAwait(false);
                    await env.Error.FlushAsync(cancellationToken).ConfigureAwait(false);
                    break;
            }

            await renderer.OnEventAsync(e).ConfigureAwait(false);
        }

        await session.EndAsync().ConfigureAwait(false);
        var exit = stop switch
        {
            StopReason.EndTurn => ExitCodes.Success,
            StopReason.Cancelled => ExitCodes.Cancelled,
            _ when error is { Retryable: true } => ExitCodes.Retryable,
            _ => ExitCodes.Failure,
        };
        await renderer.CompleteAsync(stop, error, session.Id, exit).ConfigureAwait(false);
        if (exit != ExitCodes.Success)
        {
            var message = error is not null ? $"error: {GuardedAction.OneLine(error.Message)} [{error.Code}]"
                : stop switch
                {
                    StopReason.MaxSteps => "error: the turn stopped at the step limit; raise it with --max-steps or split the task. [agent.max_steps]",
                    StopReason.RepeatedToolCall => "error: the model kept repeating the same tool call, so the turn was stopped. [agent.repeated_tool_call]",
                    StopReason.MaxTokens => "error: the answer was cut at the model's output limit (max_tokens); ask for a shorter answer or split the task. [agent.max_tokens]",
                    StopReason.Refusal => "error: the model's content filter stopped the answer (refusal); rephrase the request. [agent.refusal]",
                    StopReason.Cancelled => "Cancelled.",
                    _ => "error: the turn failed. [agent.error]",
                };
            await env.Error.WriteLineAsync(message).ConfigureAwait(false);
        }

        return exit;
    }

    /// <summary>A prompt starting with <c>/skill:name</c> (or a built-in's <c>/name</c>, such as <c>/init</c>) becomes the skill's text; others stay as given.</summary>
    private static string ExpandSkill(string prompt, SkillCatalog skills) => skills.ParseCommand(prompt) switch
    {
        null => prompt,
        { Skill: { } skill, Arguments: var arguments } => SkillPrompt.ForUser(skill, arguments),
        { Error: var error } => throw new KimiCodeException(CliErrorCodes.UnknownSkill, error ?? "Unknown skill."),
    };

    /// <summary>Adds the <c>--image</c> files to <paramref name="contents"/>; the reason when one cannot be sent (a text-only model, too big, not an image).</summary>
    private static string? Attach(CliEnvironment env, KimiConfig config, Options options, List<AIContent> contents)
    {
        if (!ImageInput.SeesImages(config, options.Model))
        {
            return $"--image: {ImageInput.CannotSeeImages(config, options.Model)} Pick one with --model, or drop --image.";
        }

        var limits = ImageInput.UserLimits(config, env.GetVariable);
        foreach (var file in options.Images)
        {
            var loaded = ImageAttachment.Load(Path.GetFullPath(file, env.CurrentDirectory), file, limits);
            if (loaded.Image is not { } image)
            {
                return "--image: " + loaded.Error;
            }

            contents.Add(image);
        }

        return null;
    }

    /// <summary>One stderr line per call nobody could approve: what was not run and how to allow it next time.</summary>
    private static void RefusedLine(CliEnvironment env, PermissionRequest request)
    {
        var title = GuardedAction.OneLine(request.Title);
        if (title.Length > 120)
        {
            title = title[..119] + "…";
        }

        env.Error.WriteLine(
            $"kimi: not run: {request.ToolName} ({title}) needs approval, and nobody can approve tool calls in print mode. Allow it with --yolo, or with an allow rule in config.toml ([[permission.rules]] decision = \"allow\", pattern = \"{request.ToolName}(...)\").");
        env.Error.Flush();
    }
}
