using System.Text.Json;

namespace KimiCode.Agent.Tools;

/// <summary>
/// <c>ReadMediaFile</c> (the official name and <c>path</c> parameter): shows the model a PNG, JPEG, GIF or WebP image,
/// recognised by its content. Offered only for a model with <c>image_in</c>. The picture travels as an
/// <c>image_url</c> part of the tool message, as the official client sends it; an image over <c>[image]
/// max_edge_px</c> or <c>read_byte_budget</c> is refused with both sizes (kimi cannot downscale). Permission-wise it
/// is a read: <c>Read(...)</c> rules cover it, and a read outside the workspace asks.
/// </summary>
public sealed class ReadMediaFileTool : IAgentTool
{
    /// <summary>The tool's name.</summary>
    public const string ToolName = "ReadMediaFile";

    private static readonly ToolParameter<string> FilePath = Required.String("path", "The image file: an absolute path, or one relative to the working directory.");
    private static readonly ToolParameters Parameters = new(FilePath);

    private readonly ImageLimits _limits;

    /// <summary>A tool that refuses images larger than <paramref name="limits"/>.</summary>
    public ReadMediaFileTool(ImageLimits limits)
    {
        _limits = limits ?? throw new ArgumentNullException(nameof(limits));
    }

    /// <inheritdoc />
    public string Name => ToolName;

    /// <inheritdoc />
    public string Description => $"""
        Shows you an image file (PNG, JPEG, GIF or WebP, recognised by its content) so you can see it: screenshots,
        diagrams, UI mock-ups, rendered output. Images may be at most {_limits.MaxEdgePx} px on the longest edge and
        {FileProbe.FormatSize(_limits.MaxBytes)}; a bigger one is refused (not downscaled): make a smaller copy with Bash
        and read that. Use Read for text files. After generating or editing an image with a command, read it back
        before relying on it. Read several images in one response when you need them all.
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

        var path = WorkspacePaths.Resolve(args.Get(FilePath), "path", context.WorkingDirectory, out var pathError);
        if (path is null)
        {
            return ToolPreparation.Fail($"{Name}: {pathError}");
        }

        return ToolPreparation.Ok(new PreparedCall((_, _) => Task.FromResult(Execute(path)))
        {
            Title = $"Read image {path.Subject}",
            Kind = ToolKind.Read,
            Action = PermissionAction.Read,
            Subject = path.Subject,
            Locations = [path.FullPath],
        });
    }

    private ToolResult Execute(ResolvedPath path)
    {
        LoadedImage loaded = ImageAttachment.Load(path.FullPath, path.Subject, _limits);
        if (loaded.Image is not { } image || loaded.Info is not { } info)
        {
            string hint = loaded.NotAnImage ? " Use Read for text files, or Bash for other binary formats." : "";
            return ToolResult.Error((loaded.Error ?? $"Could not read '{path.Subject}'.") + hint);
        }

        return new ToolResult($"Image '{path.Subject}' ({ImageAttachment.Describe(info, image.Data.Length)}) is attached below.", false)
        {
            Images = [image],
        };
    }
}
