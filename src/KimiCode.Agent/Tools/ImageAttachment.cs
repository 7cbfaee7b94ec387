using Microsoft.Extensions.AI;

namespace KimiCode.Agent.Tools;

/// <summary>
/// How big an image may be to reach the model. kimi cannot downscale (no image library that stays AOT-clean and free
/// of known decoder flaws is available), so a bigger image is refused with a message that says both sizes.
/// </summary>
/// <param name="MaxEdgePx">Longest edge in pixels (<c>[image] max_edge_px</c>).</param>
/// <param name="MaxBytes">File size in bytes.</param>
/// <param name="MaxBytesSource">Where <paramref name="MaxBytes"/> comes from, named in refusals (e.g. <c>[image] read_byte_budget</c>).</param>
public sealed record ImageLimits(long MaxEdgePx, long MaxBytes, string MaxBytesSource)
{
    /// <summary>The byte limit of an image the user attaches (the prompt, <c>-p --image</c>); <c>read_byte_budget</c> is for the model's own reads.</summary>
    public const long UserAttachmentMaxBytes = 5L * 1024 * 1024;

    /// <summary>Limits of an image the model reads for itself (<c>ReadMediaFile</c>).</summary>
    public static ImageLimits ForModelReads(long maxEdgePx, long readByteBudget) => new(maxEdgePx, readByteBudget, "[image] read_byte_budget");

    /// <summary>Limits of an image the user attaches.</summary>
    public static ImageLimits ForUserAttachments(long maxEdgePx) => new(maxEdgePx, UserAttachmentMaxBytes, "the limit for attached images");
}

/// <summary>An image file loaded for the model, or why it was not.</summary>
/// <param name="Image">The picture (its <see cref="AIContent"/> name is the file name); null on failure.</param>
/// <param name="Info">Format and size; null when the file is not an image.</param>
/// <param name="Error">A one-line reason that says what to do instead; null on success.</param>
public sealed record LoadedImage(DataContent? Image, ImageInfo? Info, string? Error)
{
    /// <summary>True when the file exists but is none of PNG, JPEG, GIF, WebP.</summary>
    public bool NotAnImage { get; init; }
}

/// <summary>Reads an image file for the model: format by magic bytes, dimensions from the header, limits checked before the whole file is read.</summary>
public static class ImageAttachment
{
    private const int HeaderBytes = 64 * 1024;

    /// <summary>Loads <paramref name="fullPath"/> (an absolute path; <paramref name="shown"/> is how messages name it).</summary>
    public static LoadedImage Load(string fullPath, string shown, ImageLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (Directory.Exists(fullPath))
        {
            return Failed($"'{shown}' is a directory, not an image file.");
        }

        var file = new FileInfo(fullPath);
        if (!file.Exists)
        {
            return Failed($"'{shown}' does not exist; check the path.");
        }

        try
        {
            long length = file.Length;
            if (length == 0)
            {
                return Failed($"'{shown}' is empty, so it holds no image.");
            }

            ImageInfo? info = ImageProbe.ProbeFile(fullPath, HeaderBytes);
            if (info is null)
            {
                return new LoadedImage(null, null, $"'{shown}' is not a PNG, JPEG, GIF or WebP image (judged by its content, not its name).") { NotAnImage = true };
            }

            if (length > limits.MaxBytes || info.LongestEdge > limits.MaxEdgePx)
            {
                return new LoadedImage(null, info, TooBig(shown, info, length, limits));
            }

            if (!info.HasSize)
            {
                return new LoadedImage(null, info, $"'{shown}' starts like a {Format(info)} image but its header does not give its size (the file may be damaged); re-save it and try again.");
            }

            byte[] bytes = File.ReadAllBytes(fullPath);
            return new LoadedImage(new DataContent(bytes, info.MediaType) { Name = Path.GetFileName(fullPath) }, info, null);
        }
        catch (UnauthorizedAccessException)
        {
            return Failed($"Permission denied reading '{shown}'.");
        }
        catch (IOException ex)
        {
            return Failed($"Could not read '{shown}': {ex.Message}");
        }
    }

    /// <summary>How the transcript shows an attached picture: <c>[image: name.png 120 KB]</c>.</summary>
    public static string Label(DataContent image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return $"[image: {image.Name ?? ImageName(image.MediaType)} {FileProbe.FormatSize(image.Data.Length)}]";
    }

    /// <summary>e.g. <c>PNG, 640x480 px, 12 KB</c>.</summary>
    public static string Describe(ImageInfo info, long bytes)
    {
        ArgumentNullException.ThrowIfNull(info);
        return info.HasSize ? $"{Format(info)}, {info.Width}x{info.Height} px, {FileProbe.FormatSize(bytes)}" : $"{Format(info)}, {FileProbe.FormatSize(bytes)}";
    }

    private static string TooBig(string shown, ImageInfo info, long length, ImageLimits limits)
    {
        string size = info.HasSize ? $"{info.Width}x{info.Height} px and {FileProbe.FormatSize(length)}" : FileProbe.FormatSize(length);
        return $"'{shown}' is too big to send ({size}); images may be at most {limits.MaxEdgePx} px on the longest edge ([image] max_edge_px) "
            + $"and {FileProbe.FormatSize(limits.MaxBytes)} ({limits.MaxBytesSource}). kimi does not downscale images: make a smaller copy "
            + $"(for example `magick '{shown}' -resize {limits.MaxEdgePx}x{limits.MaxEdgePx}> -quality 85 small.jpg`) and use that.";
    }

    private static string Format(ImageInfo info) => info.MediaType["image/".Length..].ToUpperInvariant();

    private static string ImageName(string mediaType) => "image." + mediaType[(mediaType.IndexOf('/', StringComparison.Ordinal) + 1)..];

    private static LoadedImage Failed(string error) => new(null, null, error);
}
