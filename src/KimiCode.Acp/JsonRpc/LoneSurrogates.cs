namespace KimiCode.Acp.JsonRpc;

/// <summary>
/// JSON (RFC 8259 §8.2) lets a string escape a lone UTF-16 surrogate (<c>"\ud800"</c>), and JavaScript editors send
/// them when a buffer holds half an emoji; System.Text.Json parses such a line but fails when the string is read. A
/// lone surrogate is replaced by <c>\ufffd</c> (U+FFFD, the replacement character) before parsing, so one broken
/// character does not reject a whole message. Well-formed pairs are left alone; malformed escapes stay for the parser
/// to reject (-32700).
/// </summary>
internal static class LoneSurrogates
{
    private static readonly byte[] Replacement = "\\ufffd"u8.ToArray();

    /// <summary><paramref name="json"/> with every lone surrogate escape replaced (same length), or itself when there is none.</summary>
    public static ReadOnlyMemory<byte> Replace(ReadOnlyMemory<byte> json)
    {
        ReadOnlySpan<byte> text = json.Span;
        int i = text.IndexOf((byte)'\\');
        if (i < 0)
        {
            return json;
        }

        byte[]? copy = null;
        for (; i < text.Length - 1; i++)
        {
            if (text[i] != (byte)'\\')
            {
                continue;
            }

            if (text[i + 1] != (byte)'u' || !TryReadUnit(text, i + 2, out int unit))
            {
                // Another escape (\", \\, \n, ...) or a malformed one: skip its second character.
                i++;
                continue;
            }

            if (unit is >= 0xD800 and <= 0xDBFF && i + 11 < text.Length && text[i + 6] == (byte)'\\' && text[i + 7] == (byte)'u'
                && TryReadUnit(text, i + 8, out int low) && low is >= 0xDC00 and <= 0xDFFF)
            {
                i += 11;
                continue;
            }

            if (unit is >= 0xD800 and <= 0xDFFF)
            {
                copy ??= json.ToArray();
                Replacement.CopyTo(copy.AsSpan(i));
            }

            i += 5;
        }

        return copy ?? json;
    }

    private static bool TryReadUnit(ReadOnlySpan<byte> text, int start, out int unit)
    {
        unit = 0;
        if (start + 4 > text.Length)
        {
            return false;
        }

        for (int k = start; k < start + 4; k++)
        {
            int digit = text[k] switch
            {
                >= (byte)'0' and <= (byte)'9' => text[k] - '0',
                >= (byte)'a' and <= (byte)'f' => text[k] - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => text[k] - 'A' + 10,
                _ => -1,
            };
            if (digit < 0)
            {
                return false;
            }

            unit = (unit << 4) | digit;
        }

        return true;
    }
}
