using System.Globalization;
using System.Text;
using KimiCode.Agent.Permissions;
using KimiCode.Agent.Secrets;
using KimiCode.Agent.Tools;

namespace KimiCode.Agent.Mentions;

/// <summary>A file the user named with <c>@path</c>, read to go with the prompt.</summary>
/// <param name="Path">The path as shown to the model and the user (relative to the working folder when inside it).</param>
/// <param name="Lines">How many lines are attached.</param>
/// <param name="TotalLines">How many lines the file has.</param>
public sealed record AttachedFile(string Path, string Content, int Lines, int TotalLines)
{
    public bool Truncated => Lines < TotalLines;
}

/// <summary>
/// The files <c>@path</c> mentions name, read for the model: the prompt keeps its text, and each text file goes
/// with it as one extra text part (<see cref="Part"/>). A mention of a folder or of nothing that exists stays plain
/// text. Files that may hold secrets (<see cref="SecretFiles"/>, <see cref="SensitivePaths"/>) and files a deny rule
/// keeps from <c>Read</c> are not attached: a notice says so and the model can still ask to read them, through the
/// permission policy. Large files are cut at <see cref="MaxLines"/> lines or <see cref="MaxChars"/> characters.
/// </summary>
public sealed record FileMentions(IReadOnlyList<AttachedFile> Files, IReadOnlyList<string> Notices)
{
    /// <summary>How an attached part starts (a front end that replays a prompt recognises the parts by it).</summary>
    public const string PartPrefix = "<attached_file path=\"";

    /// <summary>What a part starts with: text parts of a text-only message are sent joined, and the file must not run on from the prompt.</summary>
    private const string PartSeparator = "\n\n";

    public const int MaxLines = 2000;
    public const int MaxChars = 100_000;

    /// <summary>All attached files together stay under this many characters; later ones are left out with a notice.</summary>
    public const int MaxTotalChars = 300_000;

    private const int BinaryProbeBytes = 8192;

    private const string CutMarker = "[cut here:";

    /// <summary>Past this many bytes a cut file's lines are no longer counted.</summary>
    private const long CountLinesUpTo = 16L << 20;

    public static FileMentions None { get; } = new([], []);

    /// <summary>Reads the files <paramref name="mentions"/> name (absolute paths, in prompt order; repeats count once).</summary>
    /// <param name="isReadDenied">True for a file a deny rule keeps from <c>Read</c>; null when there are none.</param>
    /// <param name="secrets">Live secrets are replaced before anything is attached.</param>
    public static FileMentions Read(
        IEnumerable<string> mentions, string workDir, string? userHome, string? kimiHome, Func<string, bool>? isReadDenied, SecretRedactor secrets)
    {
        ArgumentNullException.ThrowIfNull(mentions);
        ArgumentNullException.ThrowIfNull(secrets);
        var files = new List<AttachedFile>();
        var notices = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var total = 0;
        foreach (var fullPath in mentions)
        {
            if (!File.Exists(fullPath) || !seen.Add(fullPath))
            {
                continue; // a folder, a missing file or a repeat: the mention stays text
            }

            var shown = Shown(fullPath, workDir);
            var real = WorkspacePaths.RealPath(fullPath) ?? fullPath; // a link named notes.txt may lead to .env
            if (new[] { fullPath, real }.Any(p => SecretFiles.IsSecret(p) || SensitivePaths.Why(p, userHome, kimiHome) is not null))
            {
                notices.Add($"@{shown} is not attached: it may hold secrets. Ask the model to read it if you mean to share it (that asks first).");
                continue;
            }

            if (isReadDenied?.Invoke(fullPath) == true || isReadDenied?.Invoke(real) == true)
            {
                notices.Add($"@{shown} is not attached: a deny rule keeps it from being read.");
                continue;
            }

            AttachedFile? file;
            try
            {
                file = ReadText(fullPath, shown, secrets);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                notices.Add($"@{shown} is not attached: it could not be read ({ex.Message}).");
                continue;
            }

            if (file is null)
            {
                continue; // binary (a picture goes as an image, anything else stays a name the model can look at)
            }

            if (total + file.Content.Length > MaxTotalChars)
            {
                notices.Add($"@{shown} is not attached: the mentioned files together exceed {MaxTotalChars / 1000} KB. The model can read it with its tools.");
                continue;
            }

            total += file.Content.Length;
            files.Add(file);
            if (file.Truncated)
            {
                notices.Add(string.Create(CultureInfo.InvariantCulture, $"@{shown} is large: only its first {file.Lines} lines are attached (the model can read the rest)."));
            }
        }

        return files.Count == 0 && notices.Count == 0 ? None : new FileMentions(files, notices);
    }

    /// <summary>The text part that carries <paramref name="file"/> to the model.</summary>
    public static string Part(AttachedFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var text = new StringBuilder(file.Content.Length + 200);
        text.Append(PartSeparator).Append(PartPrefix).Append(file.Path).Append('"');
        text.Append(CultureInfo.InvariantCulture, $" lines=\"{file.Lines}\"");
        text.Append(">\n").Append(file.Content);
        if (file.Content.Length > 0 && file.Content[^1] != '\n')
        {
            text.Append('\n');
        }

        if (file.Truncated)
        {
            text.Append(CultureInfo.InvariantCulture, $"{CutMarker} the file goes on; read the rest with the Read tool from line_offset {file.Lines + 1}]\n");
        }

        return text.Append("</attached_file>").ToString();
    }

    /// <summary>
    /// The file a text part made by <see cref="Part"/> carries (its path and line counts; the content is left out), or
    /// null for any other text: front ends that replay a prompt show the file as one line.
    /// </summary>
    public static AttachedFile? FromPart(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = text.StartsWith(PartSeparator, StringComparison.Ordinal) ? text[PartSeparator.Length..] : text;
        if (!text.StartsWith(PartPrefix, StringComparison.Ordinal) || !text.EndsWith("</attached_file>", StringComparison.Ordinal))
        {
            return null;
        }

        var pathEnd = text.IndexOf('"', PartPrefix.Length);
        const string LinesAttribute = " lines=\"";
        if (pathEnd < 0 || string.CompareOrdinal(text, pathEnd + 1, LinesAttribute, 0, LinesAttribute.Length) != 0)
        {
            return null;
        }

        var linesStart = pathEnd + 1 + LinesAttribute.Length;
        var linesEnd = text.IndexOf('"', linesStart);
        if (linesEnd < 0 || !int.TryParse(text.AsSpan(linesStart, linesEnd - linesStart), NumberStyles.None, CultureInfo.InvariantCulture, out var lines))
        {
            return null;
        }

        var cut = text.Contains("\n" + CutMarker, StringComparison.Ordinal);
        return new AttachedFile(text[PartPrefix.Length..pathEnd], string.Empty, lines, cut ? lines + 1 : lines);
    }

    /// <summary>The file's text (cut to the limits), or null when it is binary.</summary>
    private static AttachedFile? ReadText(string fullPath, string shown, SecretRedactor secrets)
    {
        using var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var probe = new byte[BinaryProbeBytes];
        var read = stream.ReadAtLeast(probe, probe.Length, throwOnEndOfStream: false);
        if (Array.IndexOf(probe, (byte)0, 0, read) >= 0)
        {
            return null;
        }

        stream.Position = 0;
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var content = new StringBuilder();
        var lines = 0;
        var total = 0;
        var full = false;
        while (reader.ReadLine() is { } line)
        {
            total++;
            full = full || lines >= MaxLines || content.Length + line.Length >= MaxChars;
            if (!full)
            {
                content.Append(line).Append('\n');
                lines++;
            }
            else if (stream.Position > CountLinesUpTo)
            {
                total = Math.Max(total, lines + 1); // a huge file: not worth reading through to count its lines
                break;
            }
        }

        return new AttachedFile(shown, secrets.Redact(content.ToString()), lines, total);
    }

    private static string Shown(string fullPath, string workDir)
    {
        var relative = Path.GetRelativePath(workDir, fullPath);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative)
            ? fullPath
            : relative.Replace(Path.DirectorySeparatorChar, '/');
    }
}
