using System.Globalization;
using System.Text;
using System.Text.Json;
using KimiCode.Agent.Tools;
using Microsoft.Extensions.AI;
using ModelContextProtocol.Protocol;

namespace KimiCode.Mcp;

/// <summary>How tool results reach the model.</summary>
/// <param name="ModelSeesImages">Images go to the model only when it has <c>image_in</c>; otherwise a text notice says one was left out.</param>
/// <param name="MaxChars">Text beyond this is cut, with a notice saying how much was left out.</param>
public sealed record McpResultOptions(bool ModelSeesImages, int MaxChars = McpResultOptions.DefaultMaxChars)
{
    public const int DefaultMaxChars = 100_000;
}

/// <summary>
/// Turns an MCP <c>CallToolResult</c> into the agent's <see cref="ToolResult"/>: text blocks as text, images as
/// pictures (or a notice), embedded resources as their text (binary ones described), resource links as their URI,
/// <c>structuredContent</c> as JSON when the content does not already carry it, <c>isError</c> as a tool error.
/// </summary>
public static class McpResultContent
{
    public static ToolResult ToToolResult(CallToolResult result, McpResultOptions options)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(options);
        var text = new StringBuilder();
        var images = new List<DataContent>();
        foreach (var block in result.Content ?? [])
        {
            switch (block)
            {
                case TextContentBlock t:
                    Append(text, t.Text);
                    break;
                case ImageContentBlock image:
                    AddImage(text, images, image.DecodedData.ToArray(), image.MimeType, null, options);
                    break;
                case AudioContentBlock audio:
                    Append(text, $"[audio ({audio.MimeType}, {Size(audio.DecodedData.Length)}) left out: kimi does not pass audio to the model]");
                    break;
                case EmbeddedResourceBlock embedded:
                    AppendResource(text, images, embedded.Resource, options);
                    break;
                case ResourceLinkBlock link:
                    Append(text, $"[resource link: {link.Name} {link.Uri}{(link.MimeType is null ? "" : " (" + link.MimeType + ")")}]{(string.IsNullOrWhiteSpace(link.Description) ? "" : " " + link.Description)}");
                    break;
                default:
                    Append(text, $"[{block.Type} content left out: kimi does not understand it]");
                    break;
            }
        }

        if (result.StructuredContent is { } structured)
        {
            string json = structured.GetRawText();
            if (!text.ToString().Contains(json, StringComparison.Ordinal))
            {
                Append(text, text.Length == 0 ? json : "structuredContent: " + json);
            }
        }

        string content = Truncate(text.ToString(), options.MaxChars);
        if (content.Length == 0)
        {
            content = result.IsError == true ? "The tool failed without saying why." : "(the tool returned no content)";
        }

        return new ToolResult(content, result.IsError == true) { Images = images };
    }

    private static void AppendResource(StringBuilder text, List<DataContent> images, ResourceContents resource, McpResultOptions options)
    {
        switch (resource)
        {
            case TextResourceContents t:
                Append(text, $"[resource {t.Uri}]\n{t.Text}");
                break;
            case BlobResourceContents blob when blob.MimeType?.StartsWith("image/", StringComparison.Ordinal) == true:
                AddImage(text, images, blob.DecodedData.ToArray(), blob.MimeType, blob.Uri, options);
                break;
            case BlobResourceContents blob:
                Append(text, $"[resource {blob.Uri} ({blob.MimeType ?? "binary"}, {Size(blob.DecodedData.Length)}) left out: binary content]");
                break;
            default:
                Append(text, $"[resource {resource.Uri}]");
                break;
        }
    }

    private static void AddImage(StringBuilder text, List<DataContent> images, byte[] data, string mimeType, string? uri, McpResultOptions options)
    {
        string what = $"{mimeType}, {Size(data.Length)}{(uri is null ? "" : ", " + uri)}";
        if (!options.ModelSeesImages)
        {
            Append(text, $"[image ({what}) left out: this model cannot see images]");
            return;
        }

        images.Add(new DataContent(data, mimeType) { Name = uri is null ? "image" : Path.GetFileName(uri) });
        Append(text, $"[image ({what}) attached]");
    }

    private static void Append(StringBuilder text, string part)
    {
        if (text.Length > 0)
        {
            text.Append('\n');
        }

        text.Append(part);
    }

    private static string Truncate(string text, int maxChars)
    {
        if (text.Length <= maxChars)
        {
            return text;
        }

        return text[..maxChars] + $"\n[output truncated: {maxChars.ToString("N0", CultureInfo.InvariantCulture)} of {text.Length.ToString("N0", CultureInfo.InvariantCulture)} characters shown; ask the tool for less]";
    }

    private static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{(bytes / 1024.0).ToString("0.#", CultureInfo.InvariantCulture)} KB",
        _ => $"{(bytes / (1024.0 * 1024)).ToString("0.#", CultureInfo.InvariantCulture)} MB",
    };
}
