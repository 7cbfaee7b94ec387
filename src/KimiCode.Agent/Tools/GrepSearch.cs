using System.Text;
using System.Text.RegularExpressions;

namespace KimiCode.Agent.Tools;

/// <summary>What Grep reports.</summary>
public enum GrepOutputMode
{
    /// <summary>Matching lines (with context lines when asked).</summary>
    Content,

    /// <summary>Paths of files with at least one match.</summary>
    FilesWithMatches,

    /// <summary>Matching-line counts per file.</summary>
    Count,
}

/// <summary>One search: <see cref="Root"/> is an absolute folder, or a file when <see cref="RootIsFile"/>.</summary>
internal sealed record GrepQuery(
    string Pattern,
    string Root,
    bool RootIsFile,
    string? Glob,
    bool IgnoreCase,
    GrepOutputMode Mode,
    int Before,
    int After,
    SecretFilter? Secrets = null);

/// <summary>
/// Which files a Grep or Glob folder search leaves out: secret files (<see cref="SecretFiles"/>) the <c>glob</c> (Glob's
/// pattern) does not name, and files a deny rule keeps from Read (<see cref="ToolContext.IsReadDenied"/>); and the
/// ones it left out, for the note in the result. They are never read, so the result cannot tell whether they would
/// have matched.
/// </summary>
internal sealed class SecretFilter(string? glob, Func<string, bool>? isReadDenied = null)
{
    /// <summary>Full paths of the files left out (secret, or denied by a permission rule), in walk order.</summary>
    public List<string> Skipped { get; } = [];

    /// <summary>True when the search must leave out the file at <paramref name="fullPath"/>: a secret file the glob does not name, or one a deny rule keeps from Read.</summary>
    public bool Skips(string fullPath)
        => (SecretFiles.IsSecret(fullPath) && !SecretFiles.IsNamedBy(glob, Path.GetFileName(fullPath))) || isReadDenied?.Invoke(fullPath) == true;

    /// <summary>The secret files left out, for the note (files a deny rule hides are not named).</summary>
    public IReadOnlyList<string> SkippedSecrets => Skipped.Where(SecretFiles.IsSecret).ToList();

    /// <summary>True when the glob names a secret file, so no name-wide exclusion may apply.</summary>
    public bool GlobNamesASecret => SecretFiles.NamesASecret(glob);

    /// <summary>Walks <paramref name="root"/> as the search would (ignore rules, glob) and records the secret files it must leave out, without reading any.</summary>
    public void Collect(string root, CancellationToken cancellationToken)
    {
        Skipped.Clear();
        var options = new WalkOptions { RespectGitIgnore = true, Filter = BuiltInGrep.CreateFilter(glob) };
        foreach (var file in FileWalker.EnumerateFiles(root, options, cancellationToken))
        {
            if (Skips(file.FullName))
            {
                Skipped.Add(file.FullName);
            }
        }
    }
}

/// <summary>
/// A line of a file: a match or a context line. <see cref="Text"/> has no line terminator but may end in <c>\r</c>;
/// <see cref="OnlyStartSearched"/>: the built-in engine met a line longer than <see cref="BuiltInGrep.MaxLineChars"/>,
/// matched only its start and <see cref="Text"/> is that start.
/// </summary>
internal sealed record GrepLine(int Number, string Text, bool IsMatch, bool OnlyStartSearched = false)
{
    /// <summary>Characters of a line kept for output: what <see cref="GrepTool"/> shows (it cuts at <see cref="GrepTool.MaxLineLength"/>, after dropping a final <c>\r</c>) plus two, so it still sees that a line was cut.</summary>
    public const int KeptChars = GrepTool.MaxLineLength + 2;

    /// <summary>
    /// Most lines kept per file in content mode: every output line takes at least 3 of <see cref="GrepTool.MaxOutputChars"/>,
    /// so more are never shown; with <see cref="KeptChars"/> this bounds one file's results.
    /// </summary>
    public const int MaxPerFile = GrepTool.MaxOutputChars / 3;

    /// <summary>A line for output, its text cut to <see cref="KeptChars"/>.</summary>
    public static GrepLine Of(int number, string text, bool isMatch, bool onlyStartSearched = false)
        => new(number, text.Length > KeptChars ? text[..KeptChars] : text, isMatch, onlyStartSearched);
}

/// <summary>The results for one file. <see cref="Lines"/> is filled only in <see cref="GrepOutputMode.Content"/> mode.</summary>
internal sealed record GrepFileMatches(string FullPath, int MatchingLines, IReadOnlyList<GrepLine> Lines);

/// <summary>A search engine failed in a way the model should hear about.</summary>
internal sealed class GrepSearchException(string message) : Exception(message);

/// <summary>
/// The search both engines implement: files in <c>rg --sort path</c> order; <c>.gitignore</c>/<c>.rgignore</c> rules of
/// the tree and its ancestors up to the repository root; hidden files searched; <c>.git</c>, symbolic links and
/// binary files (a NUL byte anywhere) skipped; secret files left out unless named (<see cref="SecretFilter"/>); a glob (gitignore syntax, relative to the searched folder) picks files
/// and, as in ripgrep, a file it picks is searched even if an ignore rule matches it (<c>!glob</c> excludes instead).
/// Lines end at <c>\n</c>; the pattern is matched against each line (a line over <see cref="MaxLineChars"/>
/// characters: against its start, and the rest is skipped unread into memory).
/// </summary>
internal static class BuiltInGrep
{
    /// <summary>How long one regular-expression match may take before the search gives up.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How much of a file is checked for NUL bytes before searching: ripgrep's first read buffer (64 KB), so a file
    /// both engines see as binary is skipped even when the search would stop at an earlier first match.
    /// </summary>
    private const int BinarySniffBytes = 64 * 1024;

    /// <summary>
    /// A longer line is matched on its first this many characters; the rest is read past without being kept, so
    /// memory does not grow with the longest line (content output shows only <see cref="GrepTool.MaxLineLength"/> anyway).
    /// </summary>
    public const int MaxLineChars = 64 * 1024;

    public static Regex CreateRegex(string pattern, bool ignoreCase)
        => new(pattern, RegexOptions.CultureInvariant | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None), MatchTimeout);

    public static IEnumerable<GrepFileMatches> Search(GrepQuery query, CancellationToken cancellationToken)
    {
        var regex = CreateRegex(query.Pattern, query.IgnoreCase);
        if (query.RootIsFile)
        {
            if (new FileInfo(query.Root).Length > 0 && SearchFile(query.Root, regex, query, cancellationToken) is { } single)
            {
                yield return single;
            }

            yield break;
        }

        var options = new WalkOptions { RespectGitIgnore = true, Filter = CreateFilter(query.Glob) };
        query.Secrets?.Skipped.Clear();
        foreach (var file in FileWalker.EnumerateFiles(query.Root, options, cancellationToken))
        {
            if (query.Secrets is { } secrets && secrets.Skips(file.FullName))
            {
                secrets.Skipped.Add(file.FullName);
                continue;
            }

            // Empty files cannot match; skipping them also keeps FIFOs and devices (size 0) from blocking the search.
            if (file.Length == 0)
            {
                continue;
            }

            if (SearchFile(file.FullName, regex, query, cancellationToken) is { } result)
            {
                yield return result;
            }
        }
    }

    /// <summary>The walk filter for a Grep <c>glob</c> argument, as ripgrep's <c>--glob</c> behaves.</summary>
    internal static Func<string, bool, WalkVerdict>? CreateFilter(string? glob)
    {
        if (string.IsNullOrEmpty(glob))
        {
            return null;
        }

        var exclude = glob.StartsWith('!');
        var pattern = GlobPattern.ParseFloating(exclude ? glob[1..] : glob);
        if (exclude)
        {
            return (relative, _) => pattern.IsMatch(relative) ? WalkVerdict.Exclude : WalkVerdict.Default;
        }

        return (relative, isDirectory) => pattern.IsMatch(relative)
            ? WalkVerdict.Include
            : isDirectory ? WalkVerdict.Default : WalkVerdict.Exclude;
    }

    private static GrepFileMatches? SearchFile(string path, Regex regex, GrepQuery query, CancellationToken cancellationToken)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 4096, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        using (stream)
        {
            var start = new byte[BinarySniffBytes];
            var read = stream.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
            if (FileProbe.LooksBinary(start.AsSpan(0, read)))
            {
                return null;
            }

            stream.Position = 0;
            using var reader = new StreamReader(stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024);
            var lines = new BoundedLineReader(reader, MaxLineChars, cancellationToken: cancellationToken);
            var output = new List<GrepLine>();
            var before = new Queue<GrepLine>();
            var afterRemaining = 0;
            var matching = 0;
            var number = 0;
            while (lines.TryReadLine(out var line, out var truncated))
            {
                number++;
                if ((number & 0x3FF) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                if (output.Count >= GrepLine.MaxPerFile && afterRemaining == 0)
                {
                    break; // content mode: the output could not show more of this file
                }

                if (line.Contains('\0', StringComparison.Ordinal))
                {
                    return null; // binary after all
                }

                bool isMatch;
                try
                {
                    isMatch = regex.IsMatch(line);
                }
                catch (RegexMatchTimeoutException)
                {
                    throw new GrepSearchException($"The pattern took too long to match a line of '{path}'. Simplify the pattern (avoid nested repetition such as (a+)+) or narrow the search with path or glob.");
                }

                if (isMatch)
                {
                    matching++;
                    if (query.Mode == GrepOutputMode.FilesWithMatches)
                    {
                        return new GrepFileMatches(path, 1, []);
                    }

                    if (query.Mode == GrepOutputMode.Content)
                    {
                        output.AddRange(before);
                        before.Clear();
                        output.Add(GrepLine.Of(number, line, true, truncated));
                        afterRemaining = query.After;
                    }
                }
                else if (query.Mode == GrepOutputMode.Content)
                {
                    if (afterRemaining > 0)
                    {
                        output.Add(GrepLine.Of(number, line, false, truncated));
                        afterRemaining--;
                    }
                    else if (query.Before > 0)
                    {
                        before.Enqueue(GrepLine.Of(number, line, false, truncated));
                        if (before.Count > query.Before)
                        {
                            before.Dequeue();
                        }
                    }
                }
            }

            return matching == 0 ? null : new GrepFileMatches(path, matching, output);
        }
    }
}
