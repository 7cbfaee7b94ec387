namespace KimiCode.Config;

/// <summary>One <c>[models."alias"]</c> table.</summary>
public sealed record ModelConfig
{
    /// <summary>The alias (the key under <c>models</c>), e.g. <c>kimi-code/kimi-for-coding</c>.</summary>
    public string Alias { get; init; } = string.Empty;

    /// <summary><c>provider</c>: the name of a <c>[providers."name"]</c> table.</summary>
    public string? Provider { get; init; }

    /// <summary><c>model</c>: the model id sent to the provider.</summary>
    public string? Model { get; init; }

    /// <summary><c>max_context_size</c> in tokens.</summary>
    public long? MaxContextSize { get; init; }

    /// <summary><c>capabilities</c>, e.g. thinking, tool_use.</summary>
    public IReadOnlyList<string> Capabilities { get; init; } = [];

    /// <summary>The capability of a model that takes images (the official name).</summary>
    public const string ImageInCapability = "image_in";

    /// <summary>True when <see cref="Capabilities"/> lists <c>image_in</c>: the model may be sent pictures.</summary>
    public bool SeesImages => Capabilities.Contains(ImageInCapability, StringComparer.Ordinal);

    /// <summary><c>display_name</c>.</summary>
    public string? DisplayName { get; init; }

    /// <summary><c>support_efforts</c> (or its <c>overrides</c> value): thinking efforts the model accepts; empty = thinking is plain on/off.</summary>
    public IReadOnlyList<string> SupportEfforts { get; init; } = [];

    /// <summary><c>default_effort</c> (or its <c>overrides</c> value): the effort used when <c>[thinking] effort</c> is unset or not supported.</summary>
    public string? DefaultEffort { get; init; }

    /// <summary>1-based line where the model is defined (0 when not from the file).</summary>
    public int Line { get; init; }
}
