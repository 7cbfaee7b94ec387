using System.Globalization;
using System.Text;

namespace KimiCode.Agent.Tools;

/// <summary>The character encodings Edit and Write keep.</summary>
internal enum TextEncodingKind
{
    Utf8,
    Utf16LittleEndian,
    Utf16BigEndian,

    /// <summary>A legacy single-byte file (not valid UTF-8): every byte decodes to one character and back.</summary>
    Windows1252,
}

/// <summary>
/// How a text file is stored, so a change keeps it: UTF-8 (with or without a byte-order mark), UTF-16 with a
/// byte-order mark, or, for bytes that are not valid UTF-8, Windows-1252, where every byte round-trips (the five
/// bytes 1252 leaves undefined map to the C1 controls of the same value).
/// </summary>
internal sealed class TextFileFormat
{
    /// <summary>What a new file is written as: UTF-8 without a byte-order mark.</summary>
    public static readonly TextFileFormat NewFile = new(TextEncodingKind.Utf8, byteOrderMark: false);

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly UnicodeEncoding StrictUtf16Le = new(bigEndian: false, byteOrderMark: false, throwOnInvalidBytes: true);
    private static readonly UnicodeEncoding StrictUtf16Be = new(bigEndian: true, byteOrderMark: false, throwOnInvalidBytes: true);

    // Windows-1252 0x80–0x9F; 0 marks the five undefined bytes (they stand for U+0081, U+008D, U+008F, U+0090, U+009D).
    private static readonly char[] HighControls =
    [
        '\u20AC', '\0', '\u201A', '\u0192', '\u201E', '\u2026', '\u2020', '\u2021', '\u02C6', '\u2030', '\u0160', '\u2039', '\u0152', '\0', '\u017D', '\0',
        '\0', '\u2018', '\u2019', '\u201C', '\u201D', '\u2022', '\u2013', '\u2014', '\u02DC', '\u2122', '\u0161', '\u203A', '\u0153', '\0', '\u017E', '\u0178',
    ];

    private TextFileFormat(TextEncodingKind kind, bool byteOrderMark)
    {
        Kind = kind;
        ByteOrderMark = byteOrderMark;
    }

    public TextEncodingKind Kind { get; }

    public bool ByteOrderMark { get; }

    /// <summary>The encoding's name as the model and the user read it.</summary>
    public string Name => Kind switch
    {
        TextEncodingKind.Utf8 => ByteOrderMark ? "UTF-8 with a byte-order mark" : "UTF-8",
        TextEncodingKind.Utf16LittleEndian => "UTF-16 LE",
        TextEncodingKind.Utf16BigEndian => "UTF-16 BE",
        _ => "Windows-1252 (it is not valid UTF-8)",
    };

    private ReadOnlySpan<byte> Preamble => Kind switch
    {
        TextEncodingKind.Utf8 when ByteOrderMark => [0xEF, 0xBB, 0xBF],
        TextEncodingKind.Utf16LittleEndian => [0xFF, 0xFE],
        TextEncodingKind.Utf16BigEndian => [0xFE, 0xFF],
        _ => [],
    };

    /// <summary>The format of a file that starts with (or is) <paramref name="bytes"/>.</summary>
    public static TextFileFormat Detect(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return new TextFileFormat(TextEncodingKind.Utf8, byteOrderMark: true);
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return new TextFileFormat(TextEncodingKind.Utf16LittleEndian, byteOrderMark: true);
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return new TextFileFormat(TextEncodingKind.Utf16BigEndian, byteOrderMark: true);
        }

        return System.Text.Unicode.Utf8.IsValid(bytes) ? NewFile : new TextFileFormat(TextEncodingKind.Windows1252, byteOrderMark: false);
    }

    /// <summary>Decodes a whole file (byte-order mark left out); false when the bytes are not valid in this encoding.</summary>
    public bool TryDecode(ReadOnlySpan<byte> bytes, out string text)
    {
        var body = bytes.StartsWith(Preamble) ? bytes[Preamble.Length..] : bytes;
        try
        {
            text = Kind switch
            {
                TextEncodingKind.Utf8 => StrictUtf8.GetString(body),
                TextEncodingKind.Utf16LittleEndian => StrictUtf16Le.GetString(body),
                TextEncodingKind.Utf16BigEndian => StrictUtf16Be.GetString(body),
                _ => DecodeWindows1252(body),
            };
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = "";
            return false;
        }
    }

    /// <summary>
    /// Encodes <paramref name="text"/> (with the byte-order mark, if the file has one). False, with the characters
    /// the encoding cannot hold described, when it cannot be written in this encoding.
    /// </summary>
    public bool TryEncode(string text, out byte[] bytes, out string unencodable)
    {
        ArgumentNullException.ThrowIfNull(text);
        var missing = new List<int>();
        foreach (var rune in EnumerateScalars(text))
        {
            if (!CanEncode(rune) && !missing.Contains(rune) && missing.Count < 5)
            {
                missing.Add(rune);
            }
        }

        if (missing.Count > 0)
        {
            bytes = [];
            unencodable = string.Join(", ", missing.Select(Describe));
            return false;
        }

        var body = Kind switch
        {
            TextEncodingKind.Utf8 => StrictUtf8.GetBytes(text),
            TextEncodingKind.Utf16LittleEndian => StrictUtf16Le.GetBytes(text),
            TextEncodingKind.Utf16BigEndian => StrictUtf16Be.GetBytes(text),
            _ => EncodeWindows1252(text),
        };
        bytes = [.. Preamble, .. body];
        unencodable = "";
        return true;
    }

    /// <summary>The scalar values of <paramref name="text"/>; a lone surrogate comes out as its own value (which no encoding holds).</summary>
    private static IEnumerable<int> EnumerateScalars(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                yield return char.ConvertToUtf32(text[i], text[i + 1]);
                i++;
            }
            else
            {
                yield return text[i];
            }
        }
    }

    private bool CanEncode(int scalar)
    {
        if (scalar is >= 0xD800 and <= 0xDFFF)
        {
            return false; // a lone surrogate
        }

        return Kind != TextEncodingKind.Windows1252 || Windows1252Byte(scalar) >= 0;
    }

    private static string Describe(int scalar)
    {
        var code = "U+" + scalar.ToString("X4", CultureInfo.InvariantCulture);
        return scalar is >= 0xD800 and <= 0xDFFF || scalar < 0x20 ? code : $"'{char.ConvertFromUtf32(scalar)}' ({code})";
    }

    private static string DecodeWindows1252(ReadOnlySpan<byte> bytes)
    {
        return string.Create(bytes.Length, bytes.ToArray(), static (chars, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var b = source[i];
                chars[i] = b is >= 0x80 and <= 0x9F && HighControls[b - 0x80] != '\0' ? HighControls[b - 0x80] : (char)b;
            }
        });
    }

    private static byte[] EncodeWindows1252(string text)
    {
        var bytes = new byte[text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            bytes[i] = (byte)Windows1252Byte(text[i]);
        }

        return bytes;
    }

    /// <summary>The byte of <paramref name="scalar"/> in Windows-1252, or -1.</summary>
    private static int Windows1252Byte(int scalar)
    {
        if (scalar is < 0x80 or (>= 0xA0 and <= 0xFF))
        {
            return scalar;
        }

        if (scalar is >= 0x80 and <= 0x9F)
        {
            return HighControls[scalar - 0x80] == '\0' ? scalar : -1;
        }

        var index = Array.IndexOf(HighControls, (char)scalar);
        return scalar <= 0xFFFF && index >= 0 ? 0x80 + index : -1;
    }
}

/// <summary>Line endings: which one a text uses, and putting it on text the model wrote.</summary>
internal static class LineEndings
{
    /// <summary>"\r\n" when most line breaks of <paramref name="text"/> are CRLF, "\n" when most are LF, null when it has none.</summary>
    public static string? Dominant(string text)
    {
        var crlf = 0;
        var lf = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                if (i > 0 && text[i - 1] == '\r')
                {
                    crlf++;
                }
                else
                {
                    lf++;
                }
            }
        }

        return crlf == 0 && lf == 0 ? null : crlf > lf ? "\r\n" : "\n";
    }

    /// <summary>Every line break of <paramref name="text"/> (LF or CRLF) made <paramref name="ending"/>; unchanged when it is null.</summary>
    public static string Apply(string text, string? ending)
    {
        if (ending is null || !text.Contains('\n', StringComparison.Ordinal))
        {
            return text;
        }

        var lf = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        return ending == "\n" ? lf : lf.Replace("\n", ending, StringComparison.Ordinal);
    }
}
