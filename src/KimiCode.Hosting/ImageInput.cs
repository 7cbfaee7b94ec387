using KimiCode.Agent.Tools;
using KimiCode.Config;

namespace KimiCode.Hosting;

/// <summary>
/// Which models may be sent pictures (<c>image_in</c> in <c>[models.*] capabilities</c>), the one wording every front
/// end uses to refuse a picture for a model that cannot see it, and the limits of pictures the user attaches.
/// </summary>
public static class ImageInput
{
    /// <summary>Whether the model <paramref name="alias"/> (null: <c>default_model</c>) takes images.</summary>
    public static bool SeesImages(KimiConfig config, string? alias)
    {
        ArgumentNullException.ThrowIfNull(config);
        alias ??= config.DefaultModel;
        return alias is not null && config.Models.TryGetValue(alias, out ModelConfig? model) && model.SeesImages;
    }

    /// <summary>
    /// One sentence: the model cannot see images and which configured models can, e.g.
    /// <c>model 'a' cannot see images (its capabilities in config.toml lack "image_in"); models that can: b, c.</c>
    /// </summary>
    public static string CannotSeeImages(KimiConfig config, string? alias)
    {
        ArgumentNullException.ThrowIfNull(config);
        alias ??= config.DefaultModel ?? "(none)";
        var able = config.Models.Values.Where(m => m.SeesImages).Select(m => m.Alias).Order(StringComparer.Ordinal).ToList();
        string which = able.Count > 0
            ? $"models that can: {string.Join(", ", able)}."
            : $"no configured model lists \"{ModelConfig.ImageInCapability}\" (run `kimi login` again to refresh the model list).";
        return $"model '{alias}' cannot see images (its capabilities in config.toml lack \"{ModelConfig.ImageInCapability}\"); {which}";
    }

    /// <summary>The limits of a picture the user attaches (the prompt, <c>-p --image</c>): <c>[image] max_edge_px</c> (or its variable) and 5 MB.</summary>
    public static ImageLimits UserLimits(KimiConfig config, Func<string, string?> environment) =>
        ImageLimits.ForUserAttachments(AgentSettings.Resolve(config, environment).ImageMaxEdgePx);
}
