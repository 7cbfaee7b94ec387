using System.Globalization;
using KimiCode.Protocol;

namespace KimiCode.Config;

/// <summary>
/// The agent settings of the official keys, each overridden by its official environment variable, read in this one
/// place: <c>[loop_control] max_steps_per_turn</c> (<c>KIMI_LOOP_MAX_STEPS_PER_TURN</c>) and <c>reserved_context_size</c>,
/// <c>[thinking] effort</c> / <c>keep</c> (<c>KIMI_MODEL_THINKING_EFFORT</c>, <c>KIMI_MODEL_THINKING_KEEP</c>),
/// <c>[identity]</c> (<c>KIMI_CODE_IDENTITY_NAME</c>, <c>KIMI_CODE_IDENTITY_SLUG</c>), <c>[image]</c>
/// (<c>KIMI_IMAGE_MAX_EDGE_PX</c>, <c>KIMI_IMAGE_READ_BYTE_BUDGET</c>) and the sampling variables
/// <c>KIMI_MODEL_TEMPERATURE</c>, <c>KIMI_MODEL_TOP_P</c>, <c>KIMI_MODEL_MAX_COMPLETION_TOKENS</c>.
/// </summary>
public sealed record AgentSettings
{
    /// <summary>Steps per turn when config.toml does not say.</summary>
    public const int DefaultMaxStepsPerTurn = 100;

    /// <summary>The values of <c>keep</c> that turn preserved thinking off (the official list).</summary>
    public static readonly IReadOnlyList<string> KeepOffValues = ["0", "false", "no", "off", "none", "null"];

    /// <summary>Model calls per turn; null = unlimited (<c>0</c> in the file or the variable).</summary>
    public int? MaxStepsPerTurn { get; init; } = DefaultMaxStepsPerTurn;

    /// <summary>Tokens kept free for the answer (compaction trigger); null = the agent's default.</summary>
    public int? ReservedContextSize { get; init; }

    /// <summary><c>[thinking] effort</c>: asked for when the model lists it in <c>support_efforts</c>.</summary>
    public string? ThinkingEffort { get; init; }

    /// <summary><c>KIMI_MODEL_THINKING_EFFORT</c>: sent as is, whatever the model declares (the official override).</summary>
    public string? ForcedThinkingEffort { get; init; }

    /// <summary>The preserved-thinking value sent as <c>thinking.keep</c> while thinking is on; null = off. Default <c>all</c>.</summary>
    public string? ThinkingKeep { get; init; } = "all";

    /// <summary>The name the agent calls itself; null = the built-in name.</summary>
    public string? IdentityName { get; init; }

    /// <summary>The identity's machine name: <c>slug</c>, or derived from the name (lower case, other runs folded to <c>-</c>).</summary>
    public string? IdentitySlug { get; init; }

    /// <summary><c>[image] max_edge_px</c> (<c>KIMI_IMAGE_MAX_EDGE_PX</c>): no picture with a longer edge reaches the model.</summary>
    public long ImageMaxEdgePx { get; init; } = ImageConfig.DefaultMaxEdgePx;

    /// <summary><c>[image] read_byte_budget</c> (<c>KIMI_IMAGE_READ_BYTE_BUDGET</c>): the largest file <c>ReadMediaFile</c> sends.</summary>
    public long ImageReadByteBudget { get; init; } = ImageConfig.DefaultReadByteBudget;

    /// <summary><c>KIMI_MODEL_TEMPERATURE</c> (Kimi providers only).</summary>
    public float? Temperature { get; init; }

    /// <summary><c>KIMI_MODEL_TOP_P</c> (Kimi providers only).</summary>
    public float? TopP { get; init; }

    /// <summary><c>KIMI_MODEL_MAX_COMPLETION_TOKENS</c> (Kimi providers only); null = no cap (0 or negative disables it).</summary>
    public int? MaxCompletionTokens { get; init; }

    /// <summary>
    /// The settings for <paramref name="config"/> under <paramref name="environment"/>. A variable that cannot be used
    /// throws <see cref="ConfigErrorCodes.Invalid"/> naming it and the fix.
    /// </summary>
    public static AgentSettings Resolve(KimiConfig config, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(environment);
        var loop = config.LoopControl;
        long? steps = EnvLong(environment, "KIMI_LOOP_MAX_STEPS_PER_TURN", 0, int.MaxValue) ?? loop.MaxStepsPerTurn;
        string? name = NonBlank(environment("KIMI_CODE_IDENTITY_NAME")) ?? config.Identity.Name;
        string? slug = NonBlank(environment("KIMI_CODE_IDENTITY_SLUG")) ?? config.Identity.Slug;
        long? maxTokens = EnvLong(environment, "KIMI_MODEL_MAX_COMPLETION_TOKENS", long.MinValue, long.MaxValue);
        return new AgentSettings
        {
            MaxStepsPerTurn = steps switch
            {
                null => DefaultMaxStepsPerTurn,
                0 => null,
                _ => (int)Math.Min(steps.Value, int.MaxValue),
            },
            ReservedContextSize = loop.ReservedContextSize is { } reserved ? (int)Math.Min(reserved, int.MaxValue) : null,
            ThinkingEffort = config.Thinking.Effort,
            ForcedThinkingEffort = NonBlank(environment("KIMI_MODEL_THINKING_EFFORT"))?.ToLowerInvariant(),
            ThinkingKeep = Keep(environment("KIMI_MODEL_THINKING_KEEP"), Keep(config.Thinking.Keep, "all")),
            IdentityName = name,
            IdentitySlug = slug is not null ? Slug(slug) : name is not null ? Slug(name) : null,
            ImageMaxEdgePx = EnvLong(environment, "KIMI_IMAGE_MAX_EDGE_PX", 1, long.MaxValue) ?? PositiveOr(config.Image.MaxEdgePx, ImageConfig.DefaultMaxEdgePx),
            ImageReadByteBudget = EnvLong(environment, "KIMI_IMAGE_READ_BYTE_BUDGET", 1, long.MaxValue) ?? PositiveOr(config.Image.ReadByteBudget, ImageConfig.DefaultReadByteBudget),
            Temperature = EnvFloat(environment, "KIMI_MODEL_TEMPERATURE"),
            TopP = EnvFloat(environment, "KIMI_MODEL_TOP_P"),
            MaxCompletionTokens = maxTokens is > 0 ? (int)Math.Min(maxTokens.Value, int.MaxValue) : null,
        };
    }

    /// <summary>
    /// The effort to ask <paramref name="model"/> for while thinking is on (the official rule): <c>KIMI_MODEL_THINKING_EFFORT</c>
    /// as is; else, for a model with <c>support_efforts</c>, <c>[thinking] effort</c> when listed, otherwise the model's
    /// <c>default_effort</c>; a model without <c>support_efforts</c> gets plain "on" (null).
    /// </summary>
    public string? EffortFor(ModelConfig? model)
    {
        if (ForcedThinkingEffort is not null)
        {
            return ForcedThinkingEffort;
        }

        if (model is null || model.SupportEfforts.Count == 0)
        {
            return null;
        }

        return ThinkingEffort is not null && model.SupportEfforts.Contains(ThinkingEffort, StringComparer.OrdinalIgnoreCase)
            ? ThinkingEffort
            : model.DefaultEffort;
    }

    /// <summary>The official slug rule: lower case, every run of characters other than ASCII letters and digits folded to <c>-</c>; <c>agent</c> when nothing is left.</summary>
    public static string Slug(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var text = new System.Text.StringBuilder();
        foreach (char c in name.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                text.Append(c);
            }
            else if (text.Length > 0 && text[^1] != '-')
            {
                text.Append('-');
            }
        }

        string slug = text.ToString().TrimEnd('-');
        return slug.Length == 0 ? "agent" : slug;
    }

    /// <summary>A blank <paramref name="raw"/> falls through to <paramref name="fallback"/>; an off-value turns keep off (null).</summary>
    private static string? Keep(string? raw, string? fallback)
    {
        var value = NonBlank(raw);
        return value is null ? fallback : KeepOffValues.Contains(value.ToLowerInvariant()) ? null : value;
    }

    private static long PositiveOr(long? value, long fallback) => value is > 0 ? value.Value : fallback;

    private static string? NonBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static long? EnvLong(Func<string, string?> environment, string name, long min, long max)
    {
        var text = NonBlank(environment(name));
        if (text is null)
        {
            return null;
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        throw new KimiCodeException(ConfigErrorCodes.Invalid,
            $"environment: {name}=\"{text}\" is not a whole number{(min >= 0 ? $" of {min} or more" : string.Empty)}; fix or unset it");
    }

    private static float? EnvFloat(Func<string, string?> environment, string name)
    {
        var text = NonBlank(environment(name));
        if (text is null)
        {
            return null;
        }

        if (float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && float.IsFinite(value))
        {
            return value;
        }

        throw new KimiCodeException(ConfigErrorCodes.Invalid, $"environment: {name}=\"{text}\" is not a number (e.g. 0.3); fix or unset it");
    }
}
