using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace KimiCode.Agent.Tools;

/// <summary>
/// <c>Grep</c>: searches file contents with a regular expression. Uses ripgrep (<c>rg</c>) when it is on
/// <c>PATH</c>, otherwise a built-in engine with the same rules (see <c>docs/agent-tools.md</c>).
/// </summary>
public sealed class GrepTool : IAgentTool
{
    /// <summary>The output stops before it grows past this many characters.</summary>
    public const int MaxOutputChars = 30_000;

    /// <summary>Longer lines are cut in content output.</summary>
    public const int MaxLineLength = 500;

    private const int MaxContextLines = 100;

    private static readonly ToolParameter<string> Pattern = Required.String("pattern", "The regular expression to search for in file contents, e.g. \"log.*Error\" or \"function\\\\s+\\\\w+\". Escape regex characters for a literal search.");
    private static readonly ToolParameter<string?> SearchPath = Optional.String("path", "The file or folder to search (default: the working directory).");
    private static readonly ToolParameter<string?> FileGlob = Optional.String("glob", "Only search files matching this glob (gitignore syntax, relative to path), e.g. \"*.cs\" or \"src/**/*.{ts,tsx}\"; prefix with ! to exclude.");
    private static readonly ToolParameter<string?> OutputMode = Optional.StringEnum("output_mode", ["content", "files_with_matches", "count"], "\"files_with_matches\" (default) lists matching files, \"content\" shows matching lines, \"count\" gives matching-line counts per file.");
    private static readonly ToolParameter<bool?> IgnoreCase = Optional.Boolean("-i", "Case-insensitive search.");
    private static readonly ToolParameter<bool?> LineNumbers = Optional.Boolean("-n", "Show line numbers (content mode; default true).");
    private static readonly ToolParameter<int?> After = Optional.Integer("-A", 0, MaxContextLines, "Lines of context after each match (content mode).");
    private static readonly ToolParameter<int?> Before = Optional.Integer("-B", 0, MaxContextLines, "Lines of context before each match (content mode).");
    private static readonly ToolParameter<int?> Around = Optional.Integer("-C", 0, MaxContextLines, "Lines of context before and after each match (content mode).");
    private static readonly ToolParameter<int?> HeadLimit = Optional.Integer("head_limit", 0, int.MaxValue, "Only the first N output lines (content), files (files_with_matches) or entries (count); 0 means no limit.");

    private static readonly ToolParameters Parameters = new(Pattern, SearchPath, FileGlob, OutputMode, IgnoreCase, LineNumbers, After, Before, Around, HeadLimit);

    private readonly string? _ripgrep;

    /// <summary>Uses <c>rg</c> from <c>PATH</c> when there is one.</summary>
    public GrepTool()
        : this(RipgrepSearch.FindOnPath())
    {
    }

    /// <summary>Uses the <c>rg</c> at <paramref name="ripgrepPath"/>, or only the built-in engine when null.</summary>
    public GrepTool(string? ripgrepPath)
    {
        _ripgrep = ripgrepPath;
    }

    /// <summary>The ripgrep executable in use, or null when the built-in engine searches.</summary>
    public string? RipgrepPath => _ripgrep;

    /// <inheritdoc />
    public string Name => "Grep";

    /// <inheritdoc />
    public string Description => """
        Searches file contents with a regular expression (ripgrep syntax; one line at a time). Respects .gitignore,
        skips binary files and .git, searches hidden files. Files that usually hold secrets (.env, private keys,
        credential files) are left out unless named by path or glob (e.g. glob ".env"). output_mode: "files_with_matches" (default) lists the
        files, "content" shows matching lines as path:line:text (context with -A/-B/-C), "count" counts matching
        lines per file. Filter files with glob (e.g. "*.cs"), limit output with head_limit. Always use this tool to
        search contents instead of running grep or rg in Bash.
        """;

    /// <inheritdoc />
    public JsonElement ParametersSchema => Parameters.Schema;

    /// <inheritdoc />
    public ToolPreparation Prepare(JsonElement arguments, ToolContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!Parameters.TryParse(arguments, Name, out var args, out var error))
        {
            return ToolPreparation.Fail(error);
        }

        var pattern = args.Get(Pattern);
        var rawPath = args.Get(SearchPath);
        var glob = args.Get(FileGlob);
        var ignoreCase = args.Get(IgnoreCase) ?? false;
        var lineNumbers = args.Get(LineNumbers) ?? true;
        var after = args.Get(After);
        var before = args.Get(Before);
        var around = args.Get(Around);
        var headLimit = args.Get(HeadLimit);
        if (pattern.Length == 0)
        {
            return ToolPreparation.Fail($"{Name}: argument 'pattern' must not be empty.");
        }

        var mode = args.Get(OutputMode) switch
        {
            "content" => GrepOutputMode.Content,
            "count" => GrepOutputMode.Count,
            _ => GrepOutputMode.FilesWithMatches,
        };

        try
        {
            _ = BuiltInGrep.CreateRegex(pattern, ignoreCase);
        }
        catch (ArgumentException ex)
        {
            return ToolPreparation.Fail($"{Name}: argument 'pattern' is not a valid regular expression ({ex.Message}). For a literal search, escape characters such as ( ) [ ] {{ }} . * + ? | \\ with a backslash.");
        }

        if (glob is not null && (glob.Length == 0 || !GlobPattern.TryParse(glob.TrimStart('!'), floating: true, out _, out _)))
        {
            return ToolPreparation.Fail($"{Name}: argument 'glob' is not a valid glob; use for example \"*.cs\" or \"src/**/*.{{ts,tsx}}\".");
        }

        var path = WorkspacePaths.Resolve(string.IsNullOrEmpty(rawPath) ? "." : rawPath, "path", context.WorkingDirectory, out var pathError);
        if (path is null)
        {
            return ToolPreparation.Fail($"{Name}: {pathError}");
        }

        var contextLines = mode == GrepOutputMode.Content;
        var options = new GrepOptions(
            mode,
            lineNumbers,
            contextLines ? before ?? around ?? 0 : 0,
            contextLines ? after ?? around ?? 0 : 0,
            headLimit is null or 0 ? null : headLimit);
        var title = new StringBuilder("Grep \"").Append(pattern).Append('"');
        if (path.Subject != ".")
        {
            title.Append(" in ").Append(path.Subject);
        }

        if (glob is not null)
        {
            title.Append(" (").Append(glob).Append(')');
        }

        return ToolPreparation.Ok(new PreparedCall((_, cancellationToken) => ExecuteAsync(context, path, pattern, glob, ignoreCase, options, cancellationToken))
        {
            Title = title.ToString(),
            Kind = ToolKind.Search,
            Action = PermissionAction.Read,
            Subject = path.Subject,
            Locations = [path.FullPath],
        });
    }

    private sealed record GrepOptions(GrepOutputMode Mode, bool LineNumbers, int Before, int After, int? HeadLimit);

    private async Task<ToolResult> ExecuteAsync(ToolContext context, ResolvedPath path, string pattern, string? glob, bool ignoreCase, GrepOptions options, CancellationToken cancellationToken)
    {
        var isFile = File.Exists(path.FullPath);
        if (!isFile && !Directory.Exists(path.FullPath))
        {
            return ToolResult.Error($"The path '{path.Subject}' does not exist. Check it, or omit path to search the working directory.");
        }

        // A file given as path is named, so searched whatever it is; a folder search leaves secret files out.
        var secrets = isFile ? null : new SecretFilter(glob, context.IsReadDenied);
        var query = new GrepQuery(pattern, path.FullPath, isFile, glob, ignoreCase, options.Mode, options.Before, options.After, secrets);
        try
        {
            if (_ripgrep is not null)
            {
                secrets?.Collect(path.FullPath, cancellationToken);
            }

            if (_ripgrep is not null && RipgrepSearch.CanExcludeExactly(query))
            {
                try
                {
                    return await FormatAsync(RipgrepSearch.SearchAsync(_ripgrep, query, context.ChildEnvironment, cancellationToken), options, context.WorkingDirectory, secrets, cancellationToken).ConfigureAwait(false);
                }
                catch (GrepSearchException)
                {
                    // rg refused (e.g. a look-around its regex dialect lacks): the built-in engine answers instead.
                }
            }

            return await Task.Run(
                () => FormatAsync(BuiltInGrep.Search(query, cancellationToken).ToAsyncEnumerable(), options, context.WorkingDirectory, secrets, cancellationToken),
                cancellationToken).ConfigureAwait(false);
        }
        catch (GrepSearchException ex)
        {
            return ToolResult.Error(ex.Message);
        }
    }

    /// <summary>Formats results the same way whichever engine produced them.</summary>
    private static async Task<ToolResult> FormatAsync(
        IAsyncEnumerable<GrepFileMatches> results, GrepOptions options, string workingDirectory, SecretFilter? secrets, CancellationToken cancellationToken)
    {
        var output = new StringBuilder();
        var shown = 0;
        var files = 0;
        var totalLines = 0;
        var stopped = false;
        var cutByChars = false;
        var separators = options.Before > 0 || options.After > 0;
        string? previousFile = null;
        var previousLine = 0;

        bool Emit(string line)
        {
            if (options.HeadLimit is { } limit && shown >= limit)
            {
                stopped = true;
                return false;
            }

            if (output.Length + line.Length + 1 > MaxOutputChars)
            {
                stopped = true;
                cutByChars = true;
                return false;
            }

            output.Append(line).Append('\n');
            shown++;
            return true;
        }

        await foreach (var file in results.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            files++;
            totalLines += file.MatchingLines;
            if (stopped)
            {
                if (options.Mode == GrepOutputMode.Content)
                {
                    break; // content mode does not need totals: stop the search
                }

                continue;
            }

            var display = WorkspacePaths.Display(file.FullPath, workingDirectory);
            switch (options.Mode)
            {
                case GrepOutputMode.FilesWithMatches:
                    Emit(display);
                    break;

                case GrepOutputMode.Count:
                    Emit(display + ":" + file.MatchingLines.ToString(CultureInfo.InvariantCulture));
                    break;

                default:
                    foreach (var line in file.Lines)
                    {
                        if (separators && previousFile is not null && (previousFile != file.FullPath || line.Number != previousLine + 1) && !Emit("--"))
                        {
                            break;
                        }

                        if (!Emit(FormatLine(display, line, options.LineNumbers)))
                        {
                            break;
                        }

                        previousFile = file.FullPath;
                        previousLine = line.Number;
                    }

                    break;
            }
        }

        var shownSecrets = secrets?.SkippedSecrets ?? [];
        var note = shownSecrets.Count > 0 ? "\n" + SecretFiles.Note(shownSecrets, workingDirectory, "Grep") + "\n" : "";
        if (files == 0)
        {
            return ToolResult.Success((options.Mode == GrepOutputMode.FilesWithMatches ? "No files found" : "No matches found") + note);
        }

        switch (options.Mode)
        {
            case GrepOutputMode.FilesWithMatches:
                output.Insert(0, $"Found {files} file{(files == 1 ? "" : "s")}\n");
                if (stopped)
                {
                    output.Append(CultureInfo.InvariantCulture, $"\n(Showing {shown} of {files} files. {NarrowHint(cutByChars)})\n");
                }

                break;

            case GrepOutputMode.Count:
                if (stopped)
                {
                    output.Append(CultureInfo.InvariantCulture, $"\n(Showing {shown} of {files} files. {NarrowHint(cutByChars)})\n");
                }

                output.Append(CultureInfo.InvariantCulture, $"\nFound {totalLines} matching line{(totalLines == 1 ? "" : "s")} in {files} file{(files == 1 ? "" : "s")}.\n");
                break;

            default:
                if (stopped)
                {
                    output.Append(CultureInfo.InvariantCulture, $"\n(Output stopped after {shown} lines. {NarrowHint(cutByChars)})\n");
                }

                break;
        }

        output.Append(note);
        return ToolResult.Success(output.ToString());
    }

    private static string NarrowHint(bool cutByChars) => cutByChars
        ? $"The output is limited to {MaxOutputChars} characters: narrow the search with path, glob or a more specific pattern."
        : "Raise head_limit or narrow the search with path, glob or a more specific pattern to see more.";

    private static string FormatLine(string display, GrepLine line, bool lineNumbers)
    {
        var text = line.Text.EndsWith('\r') ? line.Text[..^1] : line.Text;
        if (line.OnlyStartSearched)
        {
            text = text[..Math.Min(text.Length, MaxLineLength)]
                + string.Create(CultureInfo.InvariantCulture, $" [... line cut; only its first {BuiltInGrep.MaxLineChars:N0} characters were searched]");
        }
        else if (text.Length > MaxLineLength)
        {
            text = text[..MaxLineLength] + " [... line cut]";
        }

        var separator = line.IsMatch ? ':' : '-';
        return lineNumbers
            ? string.Concat(display, separator.ToString(), line.Number.ToString(CultureInfo.InvariantCulture), separator.ToString(), text)
            : string.Concat(display, separator.ToString(), text);
    }
}
