namespace KimiCode.Agent.Prompts;

/// <summary>An <c>AGENTS.md</c> file: project instructions for coding agents.</summary>
/// <param name="Path">Absolute path of the file.</param>
public sealed record AgentsFile(string Path, string Content)
{
    /// <summary>The file name the agent looks for.</summary>
    public const string FileName = "AGENTS.md";

    /// <summary>Longest file content kept (characters); the rest is cut with a note.</summary>
    public const int MaxLength = 32 * 1024;

    /// <summary>
    /// The <c>AGENTS.md</c> files that apply to <paramref name="workingDirectory"/>, root first: from the
    /// repository root (the nearest ancestor holding <c>.git</c>) down to the working directory; outside a
    /// repository only the working directory's own file. Unreadable files are skipped.
    /// </summary>
    public static IReadOnlyList<AgentsFile> Discover(string workingDirectory)
    {
        string current = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(workingDirectory));
        var chain = new List<string>();
        string? root = null;
        for (string? directory = current; directory is not null; directory = System.IO.Path.GetDirectoryName(directory))
        {
            chain.Add(directory);
            string git = System.IO.Path.Combine(directory, ".git");
            if (Directory.Exists(git) || File.Exists(git))
            {
                root = directory;
                break;
            }
        }

        IEnumerable<string> directories = root is null ? [current] : Enumerable.Reverse(chain);
        var files = new List<AgentsFile>();
        foreach (string directory in directories)
        {
            string path = System.IO.Path.Combine(directory, FileName);
            try
            {
                if (!File.Exists(path))
                {
                    continue;
                }

                string content = File.ReadAllText(path);
                if (content.Length > MaxLength)
                {
                    content = content[..MaxLength] + "\n[... cut: the file is longer than " + MaxLength + " characters]";
                }

                files.Add(new AgentsFile(path, content));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // An unreadable instructions file must not stop the agent.
            }
        }

        return files;
    }
}
