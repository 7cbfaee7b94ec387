using System.Text;

namespace KimiCode.Config.Toml;

/// <summary>Entry points of the TOML 1.0 reader.</summary>
public static class TomlDocument
{
    /// <summary>Parses TOML text into an ordered table tree; throws <see cref="TomlException"/> with file:line:col on any error.</summary>
    public static TomlTable Parse(string text, string? sourcePath = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new TomlParser(text, sourcePath, statements: null).Parse();
    }

    /// <summary>Parses UTF-8 bytes; invalid UTF-8 is a <see cref="TomlException"/> like any other syntax error.</summary>
    public static TomlTable Parse(ReadOnlySpan<byte> utf8, string? sourcePath = null)
        => Parse(DecodeUtf8(utf8, sourcePath), sourcePath);

    internal static string DecodeUtf8(ReadOnlySpan<byte> utf8, string? sourcePath)
    {
        try
        {
            return StrictUtf8.GetString(utf8);
        }
        catch (DecoderFallbackException ex)
        {
            var offset = Math.Max(0, ex.Index);
            var before = utf8[..Math.Min(offset, utf8.Length)];
            var line = before.Count((byte)'\n') + 1;
            var column = offset - before.LastIndexOf((byte)'\n');
            throw new TomlException(sourcePath, line, column, "the file is not valid UTF-8", ex);
        }
    }

    internal static TomlTable Parse(string text, string? sourcePath, List<TomlStatement> statements)
        => new TomlParser(text, sourcePath, statements).Parse();

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
