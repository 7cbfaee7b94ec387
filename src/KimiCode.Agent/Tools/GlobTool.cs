using System.Text;
using System.Text.Json;

namespace KimiCode.Agent.Tools;

/// <summary>
/// <c>Glob</c>: files whose path (relative to the searched folder) matches a glob, newest first. Skips <c>.git</c>,
/// symbolic links and secret files (<see cref="SecretFiles"/>) the pattern does not name; returns at most
/// <see cref="MaxResults"/> paths.
/// </summary>
public sealed class GlobTool : IAgentTool
{
    /// <summary>At most this many paths are returned.</summary>
    public const int MaxResults = 1000;

    private static readonly ToolParameter<string> Pattern = Required.String("pattern", "The glob to match file paths against, relative to path, e.g. \"**/*.cs\" or \"src/**/*.{ts,tsx}\".");
    private static readonly ToolParameter<string?> SearchPath = Optional.String("path", "The folder to search in (default: the working directory).");

    private static readonly ToolParameters Parameters = new(Pattern, SearchPath);

    /// <inheritdoc />
    public string Name => "Glob";

    /// <inheritdoc />
    public string Description => """
        Finds files by name with a glob pattern, matched against the path relative to the searched folder:
        `*` and `?` match within one folder level, `**` any number of levels, `{a,b}` alternatives, `[abc]` classes.
        "*.cs" matches only the top level; use "**/*.cs" for all levels. Returns matching file paths, most recently
        modified first (at most 1000). Skips .git, and files that usually hold secrets (.env, private keys,
        credential files) unless the pattern names them (e.g. "**/.env"). Use Grep to search file contents.
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
        if (string.IsNullOrWhiteSpace(pattern))
        {
            return ToolPreparation.Fail($"{Name}: argument 'pattern' must not be empty; for example \"**/*.cs\".");
        }

        // An absolute pattern ("/repo/src/**/*.cs") is split into the folder and the part with wildcards.
        if (Path.IsPathRooted(pattern))
        {
            var (prefix, rest) = SplitStaticPrefix(pattern);
            if (rawPath is not null && !string.IsNullOrEmpty(rawPath))
            {
                return ToolPreparation.Fail($"{Name}: give either an absolute pattern or a path, not both; make the pattern relative to path.");
            }

            rawPath = prefix.Length == 0 ? "/" : prefix;
            pattern = rest.Length == 0 ? "*" : rest;
        }

        if (pattern.Split('/').Contains(".."))
        {
            return ToolPreparation.Fail($"{Name}: argument 'pattern' must not contain '..'; give the folder to search in path instead.");
        }

        if (!GlobPattern.TryParse(pattern, floating: false, out var glob, out var globError))
        {
            return ToolPreparation.Fail($"{Name}: argument 'pattern' is not a valid glob: {globError}.");
        }

        var path = WorkspacePaths.Resolve(string.IsNullOrEmpty(rawPath) ? "." : rawPath, "path", context.WorkingDirectory, out var pathError);
        if (path is null)
        {
            return ToolPreparation.Fail($"{Name}: {pathError}");
        }

        var title = path.Subject == "." ? $"Glob {pattern}" : $"Glob {pattern} in {path.Subject}";
        return ToolPreparation.Ok(new PreparedCall((_, cancellationToken) => Task.Run(() => Execute(context, path, pattern, glob!, cancellationToken), cancellationToken))
        {
            Title = title,
            Kind = ToolKind.Search,
            Action = PermissionAction.Read,
            Subject = path.Subject,
            Locations = [path.FullPath],
        });
    }

    private static ToolResult Execute(ToolContext context, ResolvedPath path, string pattern, GlobPattern glob, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(path.FullPath))
        {
            return File.Exists(path.FullPath)
                ? ToolResult.Error($"path '{path.Subject}' is a file; Glob searches a folder. Give its folder as path, or use Read.")
                : ToolResult.Error($"The folder '{path.Subject}' does not exist. Check path, or omit it to search the working directory.");
        }

        // Start the walk below the pattern's literal folder part, and stop at the pattern's depth when it has no "**".
        var (prefix, _) = SplitStaticPrefix(pattern);
        var start = prefix.Length == 0 ? path.FullPath : Path.GetFullPath(Path.Combine(path.FullPath, prefix));
        if (!Directory.Exists(start))
        {
            return ToolResult.Success($"No files found matching \"{pattern}\".");
        }

        int? maxDepth = pattern.Contains("**", StringComparison.Ordinal)
            ? null
            : Math.Max(0, pattern.Split('/').Length - 1 - (prefix.Length == 0 ? 0 : prefix.Split('/').Length));

        var matches = new List<(FileInfo File, DateTime Modified)>();
        var hidden = new SecretFilter(pattern, context.IsReadDenied);
        foreach (var file in FileWalker.EnumerateFiles(start, new WalkOptions { MaxDepth = maxDepth }, cancellationToken))
        {
            var relative = Path.GetRelativePath(path.FullPath, file.FullName).Replace(Path.DirectorySeparatorChar, '/');
            if (!glob.IsMatch(relative))
            {
                continue;
            }

            if (hidden.Skips(file.FullName))
            {
                hidden.Skipped.Add(file.FullName); // secret files are named in the note; ones a deny rule hides are not
                continue;
            }

            matches.Add((file, file.LastWriteTimeUtc));
        }

        var skipped = hidden.SkippedSecrets.Order(StringComparer.Ordinal).ToList();
        var note = skipped.Count == 0 ? "" : "\n" + SecretFiles.Note(skipped, context.WorkingDirectory, "Glob") + "\n";
        if (matches.Count == 0)
        {
            return ToolResult.Success($"No files found matching \"{pattern}\".{note}");
        }

        matches.Sort(static (a, b) =>
        {
            var byTime = b.Modified.CompareTo(a.Modified);
            return byTime != 0 ? byTime : string.CompareOrdinal(a.File.FullName, b.File.FullName);
        });

        var output = new StringBuilder();
        foreach (var (file, _) in matches.Take(MaxResults))
        {
            output.Append(WorkspacePaths.Display(file.FullName, context.WorkingDirectory)).Append('\n');
        }

        if (matches.Count > MaxResults)
        {
            output.Append($"\n(Results are truncated: showing the {MaxResults} most recently modified of {matches.Count} files. Use a more specific pattern or path.)\n");
        }

        output.Append(note);

        return ToolResult.Success(output.ToString());
    }

    /// <summary>Splits a glob into its leading folders without wildcards and the rest.</summary>
    internal static (string Prefix, string Remainder) SplitStaticPrefix(string pattern)
    {
        var segments = pattern.Split('/');
        var count = 0;
        while (count < segments.Length - 1 && !GlobPattern.HasWildcards(segments[count]))
        {
            count++;
        }

        var prefix = string.Join('/', segments[..count]);
        if (pattern.StartsWith('/') && count > 0 && prefix.Length == 0)
        {
            prefix = "/";
        }
        else if (pattern.StartsWith('/') && !prefix.StartsWith('/'))
        {
            prefix = "/" + prefix;
        }

        return (prefix, string.Join('/', segments[count..]));
    }
}
