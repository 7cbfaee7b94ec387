using System.Globalization;
using System.Text;
using KimiCode.Hosting;
using KimiCode.Protocol;

namespace KimiCode.Cli.Commands;

/// <summary>
/// The print-mode prompt as scripts build it: the <c>-p</c> (or positional) text, with piped stdin appended after a
/// blank line (<c>git diff | kimi -p "write a commit message"</c>); stdin alone when there is no text or the text is
/// <c>-</c>. Checked against the model's context window before anything is sent or saved.
/// </summary>
internal static class PrintPrompt
{
    /// <summary><c>-p -</c>: the prompt is stdin.</summary>
    public const string FromStdin = "-";

    /// <summary>Bytes per token of the size check: a cheap, deliberately generous estimate (English and code run at 3–4 bytes a token).</summary>
    public const int BytesPerToken = 4;

    /// <param name="allowEmpty">True when pictures are attached: they can be the whole prompt.</param>
    public static async Task<string> ReadAsync(CliEnvironment env, string? text, bool allowEmpty, CancellationToken cancellationToken)
    {
        if (text == FromStdin && !env.InputRedirected)
        {
            throw new KimiCodeException(CliErrorCodes.Usage, "`-p -` reads the prompt from stdin, but stdin is a terminal; pipe it in (`cat task.md | kimi -p -`) or give the prompt as text.");
        }

        var piped = env.InputRedirected ? await env.In.ReadToEndAsync(cancellationToken).ConfigureAwait(false) : null;
        var given = text == FromStdin ? null : text;
        var hasText = !string.IsNullOrWhiteSpace(given);
        var hasPiped = !string.IsNullOrWhiteSpace(piped);
        if (!hasText && !hasPiped && !allowEmpty)
        {
            throw new KimiCodeException(CliErrorCodes.Usage, text == FromStdin
                ? "`-p -` read an empty stdin; pipe the prompt in (`cat task.md | kimi -p -`)."
                : "No prompt. Pass one with `kimi -p \"...\"` or pipe it on stdin.");
        }

        return !hasPiped ? given ?? string.Empty
            : !hasText ? piped!
            : given!.TrimEnd() + "\n\n" + piped;
    }

    /// <summary>Refuses (<c>cli.prompt_too_large</c>) a prompt whose estimated size (UTF-8 bytes / 4) exceeds what the model can take.</summary>
    public static void EnsureFits(string prompt, PromptLimit limit)
    {
        long bytes = Encoding.UTF8.GetByteCount(prompt);
        var tokens = bytes / BytesPerToken;
        if (tokens > limit.PromptTokens)
        {
            throw new KimiCodeException(CliErrorCodes.PromptTooLarge, string.Create(CultureInfo.InvariantCulture,
                $"The prompt is {Size(bytes)} (about {tokens:N0} tokens), more than {limit.Model} can take: its context window is {limit.ContextWindowTokens:N0} tokens, {limit.PromptTokens:N0} of them for the prompt. Send a smaller part, or save it to a file and ask the agent to read the parts it needs."));
        }
    }

    private static string Size(long bytes) => bytes switch
    {
        >= 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.#} MB"),
        >= 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes"),
    };
}
