using KimiCode.Protocol;

namespace KimiCode.Config.Toml;

/// <summary>A TOML document that is not valid TOML 1.0; carries the 1-based position of the first problem.</summary>
public sealed class TomlException : KimiCodeException
{
    public TomlException(string? sourcePath, int line, int column, string what, Exception? inner = null)
        : base(ConfigErrorCodes.TomlSyntax, $"{sourcePath ?? "<config>"}:{line}:{column}: {what}", inner)
    {
        SourcePath = sourcePath;
        Line = line;
        Column = column;
        What = what;
    }

    public string? SourcePath { get; }

    /// <summary>1-based line of the problem.</summary>
    public int Line { get; }

    /// <summary>1-based column (UTF-16 code units) of the problem.</summary>
    public int Column { get; }

    /// <summary>The problem without the position prefix.</summary>
    public string What { get; }
}
