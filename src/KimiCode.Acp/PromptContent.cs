using System.Text;
using KimiCode.Acp.JsonRpc;
using KimiCode.Acp.Schema;
using Microsoft.Extensions.AI;

namespace KimiCode.Acp;

/// <summary>Turns an ACP prompt into what the agent takes: text, images, and references or embedded context as text.</summary>
internal static class PromptContent
{
    private const string ContextOpen = "<context ref=\"";
    private const string MimeTypeAttribute = " mimeType=\"";
    private const string ContextClose = "\n</context>\n";

    public static IReadOnlyList<AIContent> ToAgentContent(IReadOnlyList<ContentBlock> prompt)
    {
        if (prompt.Count == 0)
        {
            throw AcpException.InvalidParams("Invalid params for session/prompt: \"prompt\" must hold at least one content block.");
        }

        var contents = new List<AIContent>(prompt.Count);
        var text = new StringBuilder();
        void FlushText()
        {
            if (text.Length > 0)
            {
                contents.Add(new TextContent(text.ToString()));
                text.Clear();
            }
        }

        for (int i = 0; i < prompt.Count; i++)
        {
            switch (prompt[i])
            {
                case TextBlock block:
                    text.Append(block.Text);
                    break;
                case ResourceLinkBlock link:
                    // The agent reads linked files itself (Read tool); give it the path or URI.
                    Separate(text).Append("[@").Append(link.Name).Append("](").Append(link.Uri).Append(')');
                    break;
                case EmbeddedResourceBlock { Resource.Text: { } body } embedded:
                    // A content item of its own, so a replay can give the editor back the block it sent.
                    bool newline = text.Length > 0 && !char.IsWhiteSpace(text[^1]);
                    FlushText();
                    contents.Add(new TextContent((newline ? "\n" : "") + ContextWrapper(embedded.Resource.Uri, embedded.Resource.MimeType, body)));
                    break;
                case EmbeddedResourceBlock { Resource: { Blob: { } blob, MimeType: { } mime } } embedded when mime.StartsWith("image/", StringComparison.OrdinalIgnoreCase):
                    FlushText();
                    contents.Add(new DataContent(Decode(blob, i), mime) { Name = embedded.Resource.Uri });
                    break;
                case EmbeddedResourceBlock embedded:
                    Separate(text).Append("[binary resource ").Append(embedded.Resource.Uri).Append(" (").Append(embedded.Resource.MimeType ?? "unknown type").Append(") not included]");
                    break;
                case ImageBlock image:
                    FlushText();
                    contents.Add(new DataContent(Decode(image.Data, i), image.MimeType));
                    break;
                case AudioBlock:
                    throw AcpException.InvalidParams($"Invalid params for session/prompt: prompt[{i}] is audio, which kimi does not accept (promptCapabilities.audio is false). Send text or images.");
                default:
                    throw AcpException.InvalidParams($"Invalid params for session/prompt: prompt[{i}] is not a content block.");
            }
        }

        FlushText();
        return contents;
    }

    /// <summary>
    /// A recorded prompt as the blocks to replay (<c>session/load</c>): text, images, and embedded text resources
    /// read back from their <c>&lt;context&gt;</c> wrapper. Links stay the text the model saw.
    /// </summary>
    public static IReadOnlyList<ContentBlock> ToBlocks(IReadOnlyList<AIContent> contents)
    {
        var blocks = new List<ContentBlock>(contents.Count);
        foreach (AIContent content in contents)
        {
            switch (content)
            {
                case TextContent { Text: { } text } when TryReadContext(text) is { } resource:
                    blocks.Add(resource);
                    break;
                case TextContent { Text: { Length: > 0 } text }:
                    blocks.Add(new TextBlock { Text = text });
                    break;
                case DataContent data when data.HasTopLevelMediaType("image"):
                    blocks.Add(new ImageBlock { Data = Convert.ToBase64String(data.Data.Span), MimeType = data.MediaType });
                    break;
            }
        }

        return blocks;
    }

    /// <summary>The prompt's text alone (for slash commands and titles).</summary>
    public static string TextOf(IReadOnlyList<ContentBlock> prompt) =>
        string.Concat(prompt.OfType<TextBlock>().Select(t => t.Text));

    /// <summary>How the model sees an embedded text resource: <c>&lt;context ref="uri" mimeType="…"&gt;\nbody\n&lt;/context&gt;\n</c>.</summary>
    private static string ContextWrapper(string uri, string? mimeType, string body)
    {
        var wrapper = new StringBuilder(body.Length + uri.Length + 48).Append(ContextOpen).Append(Attribute(uri)).Append('"');
        if (mimeType is not null)
        {
            wrapper.Append(MimeTypeAttribute).Append(Attribute(mimeType)).Append('"');
        }

        return wrapper.Append(">\n").Append(body).Append(ContextClose).ToString();
    }

    /// <summary>The resource block a <see cref="ContextWrapper"/> item came from; null for any other text.</summary>
    private static EmbeddedResourceBlock? TryReadContext(string text)
    {
        string wrapper = text.StartsWith('\n') ? text[1..] : text;
        if (!wrapper.StartsWith(ContextOpen, StringComparison.Ordinal) || !wrapper.EndsWith(ContextClose, StringComparison.Ordinal))
        {
            return null;
        }

        int uriEnd = wrapper.IndexOf('"', ContextOpen.Length);
        if (uriEnd < 0)
        {
            return null;
        }

        string uri = wrapper[ContextOpen.Length..uriEnd];
        string? mimeType = null;
        int headerEnd = uriEnd + 1;
        if (wrapper.AsSpan(headerEnd).StartsWith(MimeTypeAttribute, StringComparison.Ordinal))
        {
            int mimeEnd = wrapper.IndexOf('"', headerEnd + MimeTypeAttribute.Length);
            if (mimeEnd < 0)
            {
                return null;
            }

            mimeType = Unescape(wrapper[(headerEnd + MimeTypeAttribute.Length)..mimeEnd]);
            headerEnd = mimeEnd + 1;
        }

        if (!wrapper.AsSpan(headerEnd).StartsWith(">\n", StringComparison.Ordinal) || headerEnd + 2 > wrapper.Length - ContextClose.Length)
        {
            return null;
        }

        string body = wrapper[(headerEnd + 2)..^ContextClose.Length];
        return new EmbeddedResourceBlock { Resource = new EmbeddedResourceContents { Uri = Unescape(uri), Text = body, MimeType = mimeType } };
    }

    private static string Attribute(string value) => value.Replace("&", "&amp;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal);

    private static string Unescape(string value) => value.Replace("&quot;", "\"", StringComparison.Ordinal).Replace("&amp;", "&", StringComparison.Ordinal);

    private static StringBuilder Separate(StringBuilder text)
    {
        if (text.Length > 0 && !char.IsWhiteSpace(text[^1]))
        {
            text.Append(' ');
        }

        return text;
    }

    private static byte[] Decode(string base64, int index)
    {
        try
        {
            return Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw AcpException.InvalidParams($"Invalid params for session/prompt: prompt[{index}] data is not valid base64.");
        }
    }
}
