using System.Text;

namespace KimiCode.Agent.Prompts;

/// <summary>An instruction file (<c>AGENTS.md</c>, <c>agents.md</c>, <c>.kimi-code/AGENTS.md</c>): instructions for coding agents.</summary>
/// <param name="Path">Absolute path of the file.</param>
/// <param name="Content">The text, trimmed, cut at <see cref="MaxBytes"/> with a note.</param>
/// <param name="Truncated">Whether the file was longer than <see cref="MaxBytes"/> and cut.</param>
public sealed record AgentsFile(string Path, string Content, bool Truncated = false)
{
    /// <summary>The file name the agent looks for.</summary>
    public const string FileName = "AGENTS.md";

    /// <summary>The lower-case spelling, read when a folder has no <see cref="FileName"/>.</summary>
    public const string LowerCaseFileName = "agents.md";

    /// <summary>
    /// Longest file kept, in UTF-8 bytes: the official client's recommended maximum for instructions (32 KiB). It only
    /// warns past it; we cut the file there with a note, so one runaway file cannot fill the context window.
    /// </summary>
    public const int MaxBytes = 32 * 1024;

    /// <summary>
    /// The instruction files that apply to <paramref name="workingDirectory"/>, in the official order (a later file takes
    /// precedence): <c>{kimiHome}/AGENTS.md</c>; <c>{userHome}/.agents/AGENTS.md</c> (or <c>agents.md</c>); then for
    /// each folder from the project root (the nearest ancestor holding <c>.git</c>; without one, the working directory
    /// alone) down to the working directory, <c>.kimi-code/AGENTS.md</c> and <c>AGENTS.md</c> (or <c>agents.md</c>).
    /// Empty, missing and unreadable files are skipped; a file is listed once.
    /// </summary>
    /// <param name="kimiHome">The data folder (<c>KIMI_CODE_HOME</c>); null skips the global Kimi file.</param>
    /// <param name="userHome">The user's home folder; null skips <c>~/.agents</c>.</param>
    public static IReadOnlyList<AgentsFile> Discover(string workingDirectory, string? kimiHome = null, string? userHome = null)
    {
        var found = new List<AgentsFile>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (kimiHome is not null)
        {
            TryAdd(System.IO.Path.Combine(kimiHome, FileName), found, seen);
        }

        if (userHome is not null)
        {
            AddFirst(System.IO.Path.Combine(userHome, ".agents"), found, seen);
        }

        foreach (string directory in ProjectDirectories(workingDirectory))
        {
            TryAdd(System.IO.Path.Combine(directory, ".kimi-code", FileName), found, seen);
            AddFirst(directory, found, seen);
        }

        return found;
    }

    /// <summary>From the project root down to <paramref name="workingDirectory"/>; just it outside a repository.</summary>
    private static List<string> ProjectDirectories(string workingDirectory)
    {
        string current = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(workingDirectory));
        var chain = new List<string>();
        for (string? directory = current; directory is not null; directory = System.IO.Path.GetDirectoryName(directory))
        {
            chain.Add(directory);
            string git = System.IO.Path.Combine(directory, ".git");
            if (Directory.Exists(git) || File.Exists(git))
            {
                chain.Reverse();
                return chain;
            }
        }

        return [current];
    }

    /// <summary><c>AGENTS.md</c> in <paramref name="directory"/>, or else <c>agents.md</c>.</summary>
    private static void AddFirst(string directory, List<AgentsFile> found, HashSet<string> seen)
    {
        if (!TryAdd(System.IO.Path.Combine(directory, FileName), found, seen))
        {
            TryAdd(System.IO.Path.Combine(directory, LowerCaseFileName), found, seen);
        }
    }

    private static bool TryAdd(string path, List<AgentsFile> found, HashSet<string> seen)
    {
        if (seen.Contains(path) || Read(path) is not { } file)
        {
            return false;
        }

        seen.Add(path);
        found.Add(file);
        return true;
    }

    /// <summary>The file, trimmed and cut at <see cref="MaxBytes"/>; null when missing, empty or unreadable.</summary>
    internal static AgentsFile? Read(string path)
    {
        try
        {
            if (!File.Exists(path))
            {
                return null;
            }

            string content = File.ReadAllText(path).Trim();
            if (content.Length == 0)
            {
                return null;
            }

            if (Encoding.UTF8.GetByteCount(content) <= MaxBytes)
            {
                return new AgentsFile(path, content);
            }

            return new AgentsFile(path, Cut(content) + $"\n[... cut: {path} is longer than {MaxBytes / 1024} KB; the rest was not read]", Truncated: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // An unreadable instructions file must not stop the agent.
            return null;
        }
    }

    /// <summary>The longest prefix of <paramref name="content"/> within <see cref="MaxBytes"/>, never splitting a character.</summary>
    private static string Cut(string content)
    {
        int length = 0, bytes = 0;
        foreach (var rune in content.EnumerateRunes())
        {
            if (bytes + rune.Utf8SequenceLength > MaxBytes)
            {
                break;
            }

            bytes += rune.Utf8SequenceLength;
            length += rune.Utf16SequenceLength;
        }

        return content[..length];
    }
}
