using ColorCode;
using ColorCode.Parsing;
using Style = Spectre.Console.Style;
using StyleDictionary = ColorCode.Styling.StyleDictionary;
using System.Text.RegularExpressions;
using Spectre.Console;

namespace KimiCode.Cli.Shell;

/// <summary>
/// Syntax colours for a code block, from ColorCode (its language definitions are regular expressions: no
/// reflection, nothing loaded until the first block with a known language is shown). The answer is a style per
/// character of the code (null: plain), or null when the language is unknown or colouring failed.
/// </summary>
internal static class CodeColours
{
    private static readonly Lock Gate = new();
    private static Colourer? _colourer;

    public static Style?[]? Styles(string code, string? language)
    {
        if (string.IsNullOrWhiteSpace(language) || code.Length == 0 || code.Length > 200_000)
        {
            return null;
        }

        try
        {
            lock (Gate)
            {
                if (Languages.FindById(Alias(language.Trim().ToLowerInvariant())) is not { } found)
                {
                    return null;
                }

                _colourer ??= new Colourer();
                return _colourer.Colour(code, found);
            }
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or RegexMatchTimeoutException or NullReferenceException)
        {
            return null; // colours are a nicety: the code is shown plain
        }
    }

    private static string Alias(string language) => language switch
    {
        "cs" or "c#" => "c#",
        "csharp" => "c#",
        "js" or "javascript" or "jsx" => "javascript",
        "ts" or "typescript" or "tsx" => "typescript",
        "ps1" or "pwsh" or "powershell" => "powershell",
        "py" => "python",
        "c++" or "cc" or "hpp" => "cpp",
        "xml" or "csproj" or "props" or "xaml" => "xml",
        "md" => "markdown",
        "fs" or "f#" => "fsharp",
        _ => language,
    };

    private static Style? ScopeStyle(string name) => name switch
    {
        _ when name.Contains("Comment", StringComparison.Ordinal) => new Style(Color.Grey),
        _ when name.Contains("String", StringComparison.Ordinal) || name.Contains("Attribute Value", StringComparison.Ordinal) => new Style(Color.Green),
        _ when name.Contains("Keyword", StringComparison.Ordinal) || name.Contains("Operator", StringComparison.Ordinal) => new Style(Color.Magenta1),
        _ when name.Contains("Number", StringComparison.Ordinal) => new Style(Color.Yellow),
        _ when name.Contains("Class Name", StringComparison.Ordinal) || name.Contains("Type", StringComparison.Ordinal) || name.Contains("Name", StringComparison.Ordinal) => new Style(Color.Aqua),
        _ => null,
    };

    private sealed class Colourer() : CodeColorizerBase(StyleDictionary.DefaultDark, null)
    {
        private string _code = string.Empty;
        private Style?[] _styles = [];
        private int _position;
        private bool _lost;

        public Style?[]? Colour(string code, ILanguage language)
        {
            _code = code;
            _styles = new Style?[code.Length];
            _position = 0;
            _lost = false;
            languageParser.Parse(code, language, Write);
            return _lost ? null : _styles;
        }

        /// <summary>Called once per fragment of the code, in order; scope indexes count from the fragment's start.</summary>
        protected override void Write(string parsedSourceCode, IList<Scope> scopes)
        {
            if (_lost)
            {
                return;
            }

            // Where each fragment character is in the code (the parser may add carriage returns).
            var map = new int[parsedSourceCode.Length];
            for (var i = 0; i < parsedSourceCode.Length; i++)
            {
                if (_position < _code.Length && _code[_position] == parsedSourceCode[i])
                {
                    map[i] = _position++;
                }
                else if (parsedSourceCode[i] == '\r')
                {
                    map[i] = -1;
                }
                else
                {
                    _lost = true; // cannot line the fragment up with the code: show it plain
                    return;
                }
            }

            foreach (var scope in scopes)
            {
                Paint(scope, map);
            }
        }

        private void Paint(Scope scope, int[] map)
        {
            if (ScopeStyle(scope.Name) is { } style)
            {
                var end = Math.Min(map.Length, scope.Index + scope.Length);
                for (var i = Math.Max(0, scope.Index); i < end; i++)
                {
                    if (map[i] >= 0)
                    {
                        _styles[map[i]] = style;
                    }
                }
            }

            foreach (var child in scope.Children)
            {
                Paint(child, map); // inner scopes win
            }
        }
    }
}
