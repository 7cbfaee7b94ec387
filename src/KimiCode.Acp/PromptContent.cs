using System.Text;
using KimiCode.Acp.JsonRpc;
using KimiCode.Acp.Schema;
using Microsoft.Extensions.AI;

namespace KimiCode.Acp;

/// <summary>Turns an ACP prompt into what the agent takes: text, images, and references or embedded context as text.</summary>
internal static class PromptContent
{
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
                    Separate(text).Append("<context ref=\"").Append(embedded.Resource.Uri).Append("\">\n").Append(body).Append("\n</context>\n");
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

    /// <summary>The prompt's text alone (for slash commands and titles).</summary>
    public static string TextOf(IReadOnlyList<ContentBlock> prompt) =>
        string.Concat(prompt.OfType<TextBlock>().Select(t => t.Text));

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
