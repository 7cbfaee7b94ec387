using System.Text.Json;
using KimiCode.Acp.JsonRpc;
using KimiCode.Acp.Schema;
using KimiCode.Agent.Permissions;
using KimiCode.Auth;
using KimiCode.Config;
using KimiCode.Hosting;

namespace KimiCode.Acp;

/// <summary>
/// What the editor can choose per session, shown as <c>configOptions</c> (model, mode, thinking) and, for modes,
/// also the legacy <c>modes</c> way.
/// </summary>
/// <param name="ModelAlias">A key of <c>[models]</c> in config.toml.</param>
/// <param name="Mode">The approval mode.</param>
/// <param name="ThinkingChosen">Thinking as the editor set it; null keeps <c>[thinking] enabled</c>.</param>
/// <param name="ThinkingDefault">Thinking when the editor has not chosen (config, else on).</param>
/// <param name="ContextWindow">The model's context window in tokens.</param>
internal sealed record SessionSettings(string ModelAlias, PermissionMode Mode, bool? ThinkingChosen, bool ThinkingDefault, long ContextWindow)
{
    public const string ModelOptionId = "model";
    public const string ModeOptionId = "mode";
    public const string ThinkingOptionId = "thinking";
    public const long DefaultContextWindow = 262_144;

    private static readonly (PermissionMode Mode, string Name, string Description)[] ModeTable =
    [
        (PermissionMode.Default, "Default", "Reads run freely; file edits and shell commands ask first."),
        (PermissionMode.AcceptEdits, "Accept edits", "File edits in the workspace run without asking; shell commands ask."),
        (PermissionMode.Plan, "Plan", "Read-only: file edits and shell commands are refused."),
        (PermissionMode.Yolo, "YOLO", "Nothing asks (deny rules in config.toml still apply); edits outside the workspace still ask."),
        (PermissionMode.Auto, "Auto", "Never asks: deny rules still deny, and edits outside the workspace or to sensitive files are refused."),
    ];

    public bool Thinking => ThinkingChosen ?? ThinkingDefault;

    /// <summary>Whether the model <paramref name="alias"/> takes images.</summary>
    public static bool SeesImages(KimiConfig config, string? alias) => ImageInput.SeesImages(config, alias);

    /// <summary>
    /// Refuses (-32602) a prompt with a picture (an image block, or an embedded resource holding an image) when this
    /// session's model cannot see images: dropping it silently would answer a question about a picture nobody saw.
    /// </summary>
    public void RequireContentSupport(KimiConfig config, IReadOnlyList<ContentBlock> prompt)
    {
        if (prompt.Any(IsPicture) && !SeesImages(config, ModelAlias))
        {
            throw AcpException.InvalidParams(
                $"Invalid params for session/prompt: {ImageInput.CannotSeeImages(config, ModelAlias)} Send the prompt without the image, or switch the model option.");
        }
    }

    private static bool IsPicture(ContentBlock block) => block is ImageBlock
        || (block is EmbeddedResourceBlock { Resource: { Blob: not null, MimeType: { } mime } } && mime.StartsWith("image/", StringComparison.OrdinalIgnoreCase));

    /// <summary>The settings a new session starts with: the resolved model, the config's mode and thinking.</summary>
    public static SessionSettings Initial(KimiConfig config, ResolvedCredential credential)
    {
        PermissionMode mode = PermissionPolicy.ConfiguredMode(config.Permissions);
        return new SessionSettings(
            credential.ModelAlias ?? config.DefaultModel ?? "",
            mode,
            null,
            config.Thinking.Enabled ?? true,
            credential.Model?.MaxContextSize ?? DefaultContextWindow);
    }

    /// <summary>The same settings with another model; the model must exist and have a usable credential.</summary>
    public SessionSettings WithModel(string alias, KimiConfig config, Func<string?, ResolvedCredential> resolve)
    {
        if (!config.Models.TryGetValue(alias, out ModelConfig? model))
        {
            throw AcpException.InvalidParams(
                $"Invalid params for session/set_config_option: no model '{alias}' in config.toml; use one of {string.Join(", ", config.Models.Keys)}.");
        }

        ResolvedCredential credential = resolve(alias);
        if (!credential.IsUsable)
        {
            throw AcpException.InvalidParams($"Model '{alias}' cannot be used: {credential.Problem}");
        }

        return this with { ModelAlias = alias, ContextWindow = model.MaxContextSize ?? DefaultContextWindow };
    }

    public static string ModeId(PermissionMode mode) => PermissionPolicy.FormatMode(mode);

    public static PermissionMode ParseModeId(string modeId)
    {
        foreach ((PermissionMode mode, _, _) in ModeTable)
        {
            if (ModeId(mode) == modeId)
            {
                return mode;
            }
        }

        throw AcpException.InvalidParams($"Invalid params: unknown mode '{modeId}'; use one of {string.Join(", ", ModeTable.Select(m => ModeId(m.Mode)))}.");
    }

    public static SessionModeState ModeState(PermissionMode current) => new()
    {
        CurrentModeId = ModeId(current),
        AvailableModes = [.. ModeTable.Select(m => new SessionMode { Id = ModeId(m.Mode), Name = m.Name, Description = m.Description })],
    };

    /// <summary>The full option list; thinking is a switch when the client takes boolean options, else a select.</summary>
    public IReadOnlyList<SessionConfigOption> Options(KimiConfig config, bool booleanOptions)
    {
        var models = config.Models.Values
            .Select(m => new ConfigOptionValue { Value = m.Alias, Name = m.DisplayName ?? m.Alias, Description = m.Model is { } id ? $"{m.Provider} · {id}" : m.Provider })
            .ToList();
        if (!models.Any(m => m.Value == ModelAlias))
        {
            models.Insert(0, new ConfigOptionValue { Value = ModelAlias, Name = ModelAlias });
        }

        SessionConfigOption thinking = booleanOptions
            ? new BooleanConfigOption
            {
                Id = ThinkingOptionId,
                Name = "Thinking",
                Description = "Let the model think before it answers.",
                Category = ConfigOptionCategory.ThoughtLevel,
                CurrentValue = Thinking,
            }
            : new SelectConfigOption
            {
                Id = ThinkingOptionId,
                Name = "Thinking",
                Description = "Let the model think before it answers.",
                Category = ConfigOptionCategory.ThoughtLevel,
                CurrentValue = Thinking ? "on" : "off",
                Options = [new ConfigOptionValue { Value = "on", Name = "On" }, new ConfigOptionValue { Value = "off", Name = "Off" }],
            };
        return
        [
            new SelectConfigOption { Id = ModelOptionId, Name = "Model", Category = ConfigOptionCategory.Model, CurrentValue = ModelAlias, Options = models },
            new SelectConfigOption
            {
                Id = ModeOptionId,
                Name = "Mode",
                Description = "When kimi asks before acting.",
                Category = ConfigOptionCategory.Mode,
                CurrentValue = ModeId(Mode),
                Options = [.. ModeTable.Select(m => new ConfigOptionValue { Value = ModeId(m.Mode), Name = m.Name, Description = m.Description })],
            },
            thinking,
        ];
    }

    public static string ReadString(string configId, JsonElement value) =>
        value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw AcpException.InvalidParams($"Invalid params for session/set_config_option: the value of '{configId}' must be a string (a value id), not {JsonRpcRequest.Describe(value.ValueKind)}.");

    public static bool ReadBoolean(string configId, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.String when value.ValueEquals("on"u8) => true,
        JsonValueKind.String when value.ValueEquals("off"u8) => false,
        _ => throw AcpException.InvalidParams($"Invalid params for session/set_config_option: the value of '{configId}' must be true/false or \"on\"/\"off\"."),
    };
}
