using KimiCode.Agent.Tools;

namespace KimiCode.Agent.Permissions;

/// <summary>
/// Paths whose change can run code or hand over credentials, so a write to them always asks (except in yolo
/// mode), whatever the allow rules and session grants say: anything in a <c>.git</c> folder at any depth (and a
/// <c>.git</c> file), the agent's and the editors' project folders (<c>.kimi-code</c>, <c>.agents</c>,
/// <c>.vscode</c>, <c>.idea</c>), shell startup files (<c>.bashrc</c>, <c>.profile</c>, <c>.zshrc</c>, ...,
/// <c>.config/fish/</c>) and <c>.envrc</c> anywhere, the user's <c>~/.ssh/</c>, <c>~/.gitconfig</c> and
/// <c>~/.config/git/</c>, and the kimi data folder. Names are compared ignoring case (case-insensitive file systems
/// would otherwise let <c>.GIT/config</c> through). Callers check the path as written and the resolved real path.
/// </summary>
public static class SensitivePaths
{
    private static readonly Dictionary<string, string> Folders = new(StringComparer.OrdinalIgnoreCase)
    {
        [".git"] = "git may run commands from it (hooks, core.fsmonitor)",
        [".kimi-code"] = "it configures the agent",
        [".agents"] = "it configures the agent (skills, instructions)",
        [".vscode"] = "the editor may run tasks and commands from it",
        [".idea"] = "the editor may run tasks and commands from it",
    };

    private static readonly HashSet<string> ShellStartupFiles = new(StringComparer.OrdinalIgnoreCase)
    {
        ".bashrc", ".bash_profile", ".bash_login", ".bash_logout", ".profile", ".zshrc", ".zshenv", ".zprofile",
        ".zlogin", ".zlogout", ".cshrc", ".tcshrc", ".kshrc", ".login", ".logout",
    };

    /// <summary>True when a write to <paramref name="fullPath"/> must ask (see the class summary).</summary>
    /// <param name="fullPath">An absolute path.</param>
    /// <param name="userHome">The user's home folder, or null to skip the home checks.</param>
    /// <param name="kimiHome">The kimi data folder (<c>KIMI_CODE_HOME</c>, default <c>~/.kimi-code</c>), or null.</param>
    public static bool IsSensitive(string fullPath, string? userHome = null, string? kimiHome = null)
        => Why(fullPath, userHome, kimiHome) is not null;

    /// <summary>Why a write to <paramref name="fullPath"/> is sensitive (a clause for a one-line message), or null when it is not.</summary>
    public static string? Why(string fullPath, string? userHome = null, string? kimiHome = null)
    {
        ArgumentNullException.ThrowIfNull(fullPath);
        if (!string.IsNullOrEmpty(kimiHome) && IsUnder(fullPath, kimiHome))
        {
            return "the kimi data folder holds credentials and settings";
        }

        if (!string.IsNullOrEmpty(userHome))
        {
            if (IsUnder(fullPath, Path.Combine(userHome, ".ssh")))
            {
                return "ssh keys and authorized_keys grant logins";
            }

            if (IsUnder(fullPath, Path.Combine(userHome, ".gitconfig")) || IsUnder(fullPath, Path.Combine(userHome, ".config", "git")))
            {
                return "git may run commands from its configuration";
            }
        }

        var segments = fullPath.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < segments.Length; i++)
        {
            if (Folders.TryGetValue(segments[i], out var why))
            {
                return why;
            }

            if (i + 1 < segments.Length && segments[i].Equals(".config", StringComparison.OrdinalIgnoreCase) && segments[i + 1].Equals("fish", StringComparison.OrdinalIgnoreCase))
            {
                return "the shell runs it at startup";
            }
        }

        if (segments.Length > 0)
        {
            var name = segments[^1];
            if (ShellStartupFiles.Contains(name))
            {
                return "the shell runs it at startup";
            }

            if (name.Equals(".envrc", StringComparison.OrdinalIgnoreCase))
            {
                return "direnv runs it on entering the folder";
            }
        }

        return null;
    }

    private static bool IsUnder(string path, string root)
    {
        root = WorkspacePaths.Normalize(root);
        return path.StartsWith(root, StringComparison.OrdinalIgnoreCase)
            && (path.Length == root.Length || root.EndsWith(Path.DirectorySeparatorChar) || path[root.Length] == Path.DirectorySeparatorChar);
    }
}
