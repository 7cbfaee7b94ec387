using System.Text;
using System.Text.Json;
using KimiCode.Agent.Tools;

namespace KimiCode.Agent.Plans;

/// <summary>
/// <c>AskUserQuestion</c>: 1-4 multiple-choice questions (2-4 options each, one or several picks) the user answers
/// through <see cref="IUserQuestions.AskAsync"/>, always with an "Other" free-text answer the front end adds. The result
/// is the official JSON, <c>{"answers":{question: answer}}</c>. Nobody to ask (print mode): an error telling the model
/// to ask in its reply instead, as the official client answers a client without questions.
/// </summary>
public sealed class AskUserQuestionTool : IAgentTool
{
    /// <summary>What the model is told when nobody can answer (print mode).</summary>
    public const string Unsupported = "Nobody can answer questions here (print mode, kimi -p). Do NOT call this tool again. Ask the user directly in your text response instead.";

    private const string DismissedNote = "User dismissed the question without answering.";

    private static readonly ToolParameter<string> OptionLabel = Required.NonEmptyString("label", "What the user picks (1-5 words); append \"(Recommended)\" to the one you recommend and list it first.");
    private static readonly ToolParameter<string?> OptionDescription = Optional.String("description", "Its trade-offs or consequences, briefly.");
    private static readonly ToolParameter<string> Question = Required.NonEmptyString("question", "One specific question, ending with '?'.");
    private static readonly ToolParameter<string?> Header = Optional.String("header", "A short tag for the question (at most 12 characters, e.g. 'Auth').");
    private static readonly ToolParameter<IReadOnlyList<ToolArguments>> Options = Required.Array(
        "options", new ToolParameters(OptionLabel, OptionDescription), 2, 4,
        "2-4 distinct options. Do not add an 'Other' option: the user can always write their own answer.");

    private static readonly ToolParameter<bool> MultiSelect = Optional.Boolean("multi_select", false, "Whether the user may pick several options.");
    private static readonly ToolParameter<IReadOnlyList<ToolArguments>> Questions = Required.Array(
        "questions", new ToolParameters(Question, Header, Options, MultiSelect), 1, 4, "The questions (1-4); group related ones in one call.");

    private static readonly ToolParameters Parameters = new(Questions);

    /// <inheritdoc />
    public string Name => "AskUserQuestion";

    /// <inheritdoc />
    public string Description => """
        Asks the user 1-4 multiple-choice questions when their answer really changes what you do next: a preference
        between valid approaches, a missing requirement, an ambiguous instruction. Not for what you can find out
        yourself, trivial choices, or plan approval (ExitPlanMode does that). The user can always answer in their own
        words ("Other"), so do not add such an option. The result is JSON: "answers" maps each question to the chosen
        label (labels joined by ", " for multi_select) or the user's own text; empty "answers" with a "note" means the user
        dismissed it: decide yourself from the context, do not take it as the recommended option and do not ask again.
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

        var questions = args.Get(Questions).Select(q => new UserQuestion(
            q.Get(Question).Trim(),
            q.Get(Header)?.Trim() ?? "",
            q.Get(Options).Select(o => new ChoiceOption(o.Get(OptionLabel).Trim(), o.Get(OptionDescription)?.Trim() ?? "")).ToArray(),
            q.Get(MultiSelect))).ToArray();
        if (Duplicate(questions) is { } duplicate)
        {
            return ToolPreparation.Fail($"AskUserQuestion: {duplicate}. Question texts must be unique, and option labels unique within a question; rephrase and call it again.");
        }

        var asker = context.Questions;
        PreparedCall? call = null;
        call = new PreparedCall((_, ct) => AskAsync(asker, call!.CallId, questions, ct))
        {
            Title = questions.Length == 1 ? questions[0].Question : $"{questions[0].Question} (+{questions.Length - 1} more)",
            Kind = ToolKind.Other,
            Action = PermissionAction.None,
        };
        return ToolPreparation.Ok(call);
    }

    private static string? Duplicate(UserQuestion[] questions)
    {
        var texts = new HashSet<string>(StringComparer.Ordinal);
        foreach (var question in questions)
        {
            if (!texts.Add(question.Question))
            {
                return $"the question \"{question.Question}\" is asked twice";
            }

            var labels = new HashSet<string>(StringComparer.Ordinal);
            if (question.Options.FirstOrDefault(o => !labels.Add(o.Label)) is { } option)
            {
                return $"the option \"{option.Label}\" appears twice in \"{question.Question}\"";
            }
        }

        return null;
    }

    private static async Task<ToolResult> AskAsync(IUserQuestions? asker, string callId, UserQuestion[] questions, CancellationToken cancellationToken)
    {
        if (asker is null)
        {
            return ToolResult.Error(Unsupported);
        }

        IReadOnlyDictionary<string, string>? answers;
        try
        {
            answers = await asker.AskAsync(callId, questions, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            answers = null;
        }

        cancellationToken.ThrowIfCancellationRequested();
        return ToolResult.Success(Json(answers is null ? [] : questions.Where(q => answers.ContainsKey(q.Question)).Select(q => (q.Question, answers[q.Question])).ToArray()));
    }

    /// <summary><c>{"answers":{...}}</c>, with the dismissal note when there are none.</summary>
    private static string Json((string Question, string Answer)[] answers)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("answers");
            foreach (var (question, answer) in answers)
            {
                writer.WriteString(question, answer);
            }

            writer.WriteEndObject();
            if (answers.Length == 0)
            {
                writer.WriteString("note", DismissedNote);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
