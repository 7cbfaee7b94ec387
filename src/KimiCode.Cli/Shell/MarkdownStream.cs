using System.Text;

namespace KimiCode.Cli.Shell;

/// <summary>
/// Cuts streamed Markdown into blocks that are complete (they end at a blank line, a closing code fence or a
/// heading line), so each can be rendered once and never redrawn. What is left waits for more text.
/// </summary>
internal sealed class MarkdownStream
{
    private readonly StringBuilder _pending = new();

    /// <summary>Text received but not yet taken.</summary>
    public string Pending => _pending.ToString();

    public bool IsEmpty => _pending.Length == 0;

    public void Append(string text) => _pending.Append(text);

    /// <summary>The complete blocks received so far (several at once, possibly), or null when none is complete.</summary>
    public string? TakeComplete()
    {
        var text = _pending.ToString();
        var cut = 0;
        var position = 0;
        char fenceChar = '\0';
        var fenceLength = 0;
        var sawContent = false;
        while (position < text.Length)
        {
            var end = text.IndexOf('\n', position);
            if (end < 0)
            {
                break; // an unfinished line
            }

            var line = text[position..end].TrimEnd('\r');
            position = end + 1;
            var trimmed = line.TrimStart();
            if (fenceChar != '\0')
            {
                if (IsFence(trimmed, out var closeChar, out var closeLength) && closeChar == fenceChar && closeLength >= fenceLength
                    && trimmed[closeLength..].Trim().Length == 0)
                {
                    fenceChar = '\0';
                    cut = position;
                    sawContent = false;
                }

                continue;
            }

            if (IsFence(trimmed, out var openChar, out var openLength))
            {
                fenceChar = openChar;
                fenceLength = openLength;
                sawContent = true;
                continue;
            }

            if (trimmed.Length == 0)
            {
                if (sawContent)
                {
                    cut = position;
                    sawContent = false;
                }

                continue;
            }

            sawContent = true;
            if (trimmed.StartsWith('#') && IsAtxHeading(trimmed) && line.Length - trimmed.Length < 4)
            {
                cut = position;
                sawContent = false;
            }
        }

        if (cut == 0)
        {
            return null;
        }

        _pending.Remove(0, cut);
        var taken = text[..cut];
        return taken.Trim().Length == 0 ? null : taken;
    }

    /// <summary>Everything left (at the end of the answer, or before a tool call).</summary>
    public string? TakeAll()
    {
        var text = _pending.ToString();
        _pending.Clear();
        return text.Trim().Length == 0 ? null : text;
    }

    private static bool IsFence(string trimmed, out char fenceChar, out int length)
    {
        fenceChar = '\0';
        length = 0;
        if (trimmed.Length < 3 || (trimmed[0] != '`' && trimmed[0] != '~'))
        {
            return false;
        }

        var c = trimmed[0];
        while (length < trimmed.Length && trimmed[length] == c)
        {
            length++;
        }

        if (length < 3 || (c == '`' && trimmed[length..].Contains('`', StringComparison.Ordinal)))
        {
            length = 0;
            return false;
        }

        fenceChar = c;
        return true;
    }

    private static bool IsAtxHeading(string trimmed)
    {
        var hashes = 0;
        while (hashes < trimmed.Length && trimmed[hashes] == '#')
        {
            hashes++;
        }

        return hashes is >= 1 and <= 6 && (hashes == trimmed.Length || trimmed[hashes] == ' ');
    }
}
