using System.Globalization;
using System.Text;
using System.Text.Json;

namespace KimiCode.Agent.Tools;

/// <summary>
/// <c>Bash</c>: runs a shell command in the working directory through <see cref="ToolContext.Commands"/>.
/// Returns the combined output (capped) and the exit code; a command past its timeout is killed with its children.
/// </summary>
public sealed class BashTool : IAgentTool
{
    /// <summary>Timeout when none is given (ms).</summary>
    public const int DefaultTimeoutMs = 60_000;

    /// <summary>The longest timeout allowed (ms).</summary>
    public const int MaxTimeoutMs = 600_000;

    /// <summary>The output shown to the model is capped at this many characters (its start and its end are kept).</summary>
    public const int MaxOutputChars = 30_000;

    private static readonly ToolParameter<string> Command = Required.String("command", "The command to run with bash.");
    private static readonly ToolParameter<int?> Timeout = Optional.Integer("timeout", 1, MaxTimeoutMs, "Timeout in milliseconds (default 60000, at most 600000).");
    private static readonly ToolParameter<string?> CommandDescription = Optional.String("description", "What the command does, in 5-10 words (shown to the user).");

    private static readonly ToolParameters Parameters = new(Command, Timeout, CommandDescription);

    /// <inheritdoc />
    public string Name => "Bash";

    /// <inheritdoc />
    public string Description => """
        Runs a command with bash in the working directory and returns its combined stdout and stderr (long output
        keeps its start and end) and the exit code. Standard input is closed, so interactive commands fail; pass
        flags such as --yes or -y. The command is killed, with everything it started, after timeout ms (default 60000,
        at most 600000). Each call starts a new shell: cd and exported variables do not carry over, so chain
        commands with && instead. Use Read, Glob, Grep, Edit and Write for files instead of cat, find, grep, sed or echo.
        """;

    /// <inheritdoc />
    public JsonElement ParametersSchema => Parameters.Schema;

    /// <inheritdoc />
    public ToolPreparation Prepare(JsonElement arguments, ToolContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!Parameters.TryParse(arguments, Name, out var args, out var error))
        {
            return ToolPreparation.Fail(error);
        }

        var command = args.Get(Command);
        var timeoutMs = args.Get(Timeout);
        var description = args.Get(CommandDescription);
        if (string.IsNullOrWhiteSpace(command))
        {
            return ToolPreparation.Fail($"{Name}: argument 'command' must not be empty.");
        }

        var timeout = TimeSpan.FromMilliseconds(timeoutMs ?? DefaultTimeoutMs);
        var title = string.IsNullOrWhiteSpace(description) ? FirstLine(command) : description.Trim();
        return ToolPreparation.Ok(new PreparedCall((progress, cancellationToken) => ExecuteAsync(context, command, timeout, progress, cancellationToken))
        {
            Title = title,
            Kind = ToolKind.Execute,
            Action = PermissionAction.Execute,
            Subject = command,
        });
    }

    private static async Task<ToolResult> ExecuteAsync(ToolContext context, string command, TimeSpan timeout, IProgress<ToolProgress>? progress, CancellationToken cancellationToken)
    {
        var request = new CommandRequest(command, context.WorkingDirectory, timeout, MaxOutputChars) { Environment = context.ChildEnvironment };
        IProgress<string>? output = progress is null ? null : new ForwardingProgress(progress);
        var result = await context.Commands.RunAsync(request, output, cancellationToken).ConfigureAwait(false);

        var text = Cap(result.Output.TrimEnd('\n'));
        var content = new StringBuilder();
        if (result.TimedOut)
        {
            var seconds = timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
            content.Append(CultureInfo.InvariantCulture, $"Command timed out: killed (with the processes it started) after {seconds} s. Pass a larger timeout (up to {MaxTimeoutMs} ms) if it needs longer, or run long-lived programs in the background with output to a file.\n");
            content.Append(text.Length == 0 ? "(no output before the timeout)" : "Output before the timeout:\n" + text);
        }
        else
        {
            content.Append(text.Length == 0 ? "(no output)" : text);
            content.Append(CultureInfo.InvariantCulture, $"\n\nExit code: {result.ExitCode}");
        }

        var display = new TerminalDisplay(command, result.Output, result.ExitCode, result.TimedOut);
        var isError = result.TimedOut || result.ExitCode != 0;
        return new ToolResult(content.ToString(), isError) { Display = display };
    }

    private static string Cap(string text)
    {
        if (text.Length <= MaxOutputChars)
        {
            return text;
        }

        var half = MaxOutputChars / 2;
        return string.Concat(
            text.AsSpan(0, half),
            $"\n\n[... {text.Length - (2 * half)} characters of output omitted ...]\n\n",
            text.AsSpan(text.Length - half));
    }

    private static string FirstLine(string command)
    {
        var line = command.Trim();
        var newline = line.IndexOf('\n', StringComparison.Ordinal);
        if (newline >= 0)
        {
            line = line[..newline] + " ...";
        }

        return line.Length > 100 ? line[..100] + "..." : line;
    }

    private sealed class ForwardingProgress(IProgress<ToolProgress> target) : IProgress<string>
    {
        public void Report(string value) => target.Report(new ToolProgress(value));
    }
}
