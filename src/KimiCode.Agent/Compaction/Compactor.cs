using System.Globalization;
using System.Text;
using KimiCode.Agent.Loop;
using Microsoft.Extensions.AI;

namespace KimiCode.Agent.Compaction;

/// <summary>
/// Decides when the history must shrink and summarises its older part with the model. The last two user
/// turns stay verbatim; the cut is always at a user prompt, so a tool call is never separated from its result.
/// </summary>
internal static class Compactor
{
    /// <summary>Compact when the estimate reaches this share of the window.</summary>
    public const double Threshold = 0.85;

    /// <summary>User turns kept verbatim.</summary>
    public const int KeptUserTurns = 2;

    private const int MaxToolResultChars = 2_000;
    private const int MaxArgumentChars = 500;

    public const string Instruction = """
        You compact the history of a conversation between a user and a coding agent so that the agent can
        continue the work with a much shorter context. Write a summary that lets the agent carry on without
        the original messages. Include, as applicable:
        1. The user's requests and goals, in their own words where it matters, and any constraints or preferences.
        2. Decisions made and why; approaches that were tried and failed.
        3. Files read, created or changed (with paths) and what was changed; important code facts
           (names, signatures, commands, error messages) needed later.
        4. The current state: what is done, what is in progress, what remains, open questions.
        Be factual and specific; do not invent anything. Write plain text or Markdown, no preamble.
        """;

    /// <summary>Tokens reserved for the answer: <paramref name="reserved"/>, but never more than a quarter of the window.</summary>
    public static long ReservedFor(int windowTokens, int reserved) => Math.Max(0, Math.Min(reserved, windowTokens / 4));

    public static bool ShouldCompact(long estimatedTokens, int windowTokens, int reservedTokens)
    {
        if (windowTokens <= 0)
        {
            return false;
        }

        return estimatedTokens >= Threshold * windowTokens
            || windowTokens - estimatedTokens < ReservedFor(windowTokens, reservedTokens);
    }

    /// <summary>
    /// Where the kept part starts: the start of the second-to-last user turn. 0 means there is nothing
    /// older to summarise.
    /// </summary>
    public static int FindCut(IReadOnlyList<ChatMessage> history)
    {
        var prompts = new List<int>();
        for (int i = 0; i < history.Count; i++)
        {
            if (HistoryContent.IsUserPrompt(history[i]))
            {
                prompts.Add(i);
            }
        }

        return prompts.Count < KeptUserTurns ? 0 : prompts[^KeptUserTurns];
    }

    /// <summary>True when <paramref name="older"/> holds something a new summary would fold in (not just an earlier summary).</summary>
    public static bool HasNewMaterial(IEnumerable<ChatMessage> older) => older.Any(m => !HistoryContent.IsSummary(m));

    /// <summary>Asks the model (no tools) for a summary of <paramref name="older"/>; returns its text (possibly empty).</summary>
    /// <param name="focus">The user's word on what the summary must keep (<c>/compact keep the API design</c>); null = none.</param>
    public static async Task<string> SummariseAsync(IChatClient client, IReadOnlyList<ChatMessage> older, int windowTokens, CancellationToken cancellationToken, string? focus = null)
    {
        // A plain-text transcript, not the raw messages: no tool declarations are needed, huge tool
        // outputs can be cut, and the request cannot be rejected for tool-call pairing.
        int maxChars = (int)Math.Clamp(windowTokens * 4L / 2, 8_000, 1_000_000);
        string transcript = Transcript(older, maxChars);
        ChatMessage[] messages =
        [
            new(ChatRole.System, Instruction),
            new(ChatRole.User, "Here is the conversation so far:\n\n" + transcript + "\n\n"
                + (focus is null ? string.Empty : "The user asks that the summary focus on this: " + focus + "\n\n")
                + "Write the summary now."),
        ];
        ChatResponse response = await client.GetResponseAsync(messages, new ChatOptions(), cancellationToken);
        return response.Text.Trim();
    }

    /// <summary>The messages as readable text, cut to the last <paramref name="maxChars"/> characters.</summary>
    public static string Transcript(IReadOnlyList<ChatMessage> messages, int maxChars)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var text = new StringBuilder();
        foreach (ChatMessage message in messages)
        {
            if (HistoryContent.IsSummary(message))
            {
                text.Append("## Summary of the earlier conversation\n").Append(message.Text[HistoryContent.SummaryPrefix.Length..]).Append("\n\n");
                continue;
            }

            if (message.Role == ChatRole.User && HistoryContent.IsUserPrompt(message))
            {
                text.Append("## User\n").Append(message.Text).Append("\n\n");
            }
            else if (message.Role == ChatRole.Assistant)
            {
                text.Append("## Assistant\n");
                string answer = string.Concat(message.Contents.OfType<TextContent>().Select(t => t.Text));
                if (answer.Length > 0)
                {
                    text.Append(answer).Append('\n');
                }

                foreach (FunctionCallContent call in message.Contents.OfType<FunctionCallContent>())
                {
                    names[call.CallId] = call.Name;
                    text.Append(CultureInfo.InvariantCulture, $"[calls {call.Name} {Cut(HistoryContent.ArgumentsJson(call), MaxArgumentChars)}]\n");
                }

                text.Append('\n');
            }

            foreach (FunctionResultContent result in message.Contents.OfType<FunctionResultContent>())
            {
                string name = names.GetValueOrDefault(result.CallId, "tool");
                text.Append(CultureInfo.InvariantCulture, $"## Result of {name}\n")
                    .Append(Cut(result.Result as string ?? "", MaxToolResultChars))
                    .Append("\n\n");
            }
        }

        if (text.Length > maxChars)
        {
            return "[... the earliest part of the conversation is omitted ...]\n\n" + text.ToString(text.Length - maxChars, maxChars);
        }

        return text.ToString();
    }

    private static string Cut(string value, int max) =>
        value.Length <= max ? value : string.Create(CultureInfo.InvariantCulture, $"{value[..max]}[... {value.Length - max} more characters]");
}
