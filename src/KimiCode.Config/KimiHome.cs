namespace KimiCode.Config;

/// <summary>
/// The data folder shared with the official Node client: <c>KIMI_CODE_HOME</c>, or <c>~/.kimi-code</c>.
/// Only computes paths; <see cref="EnsureSecretDirectory"/> creates folders that hold secrets with mode 0700.
/// </summary>
public sealed class KimiHome
{
    public const string HomeVariable = "KIMI_CODE_HOME";

    public KimiHome(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
    }

    /// <summary>Resolves the folder from an environment lookup (injected so tests never touch the process environment).</summary>
    public static KimiHome Resolve(Func<string, string?> environment)
    {
        var configured = environment(HomeVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return new KimiHome(ExpandTilde(configured.Trim(), environment));
        }

        var userHome = environment("HOME");
        if (string.IsNullOrWhiteSpace(userHome))
        {
            userHome = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        }

        return new KimiHome(Path.Combine(userHome, ".kimi-code"));
    }

    public string Root { get; }

    public string ConfigFile => Path.Combine(Root, "config.toml");

    public string CredentialsDir => Path.Combine(Root, "credentials");

    public string OAuthDir => Path.Combine(Root, "oauth");

    public string DeviceIdFile => Path.Combine(Root, "device_id");

    public string SessionsDir => Path.Combine(Root, "sessions");

    public string LogsDir => Path.Combine(Root, "logs");

    /// <summary>Per-process lists of temp files in flight (<see cref="TempFileRegistry"/>), swept at start-up.</summary>
    public string InflightTempDir => Path.Combine(Root, "tmp", "inflight");

    /// <summary>Creates <paramref name="directory"/> (and the home) with owner-only permissions where the platform has them.</summary>
    public static void EnsureSecretDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return;
        }

        var info = Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        // CreateDirectory leaves an existing folder's mode alone; tighten it if someone loosened it.
        const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        if ((info.UnixFileMode & ~ownerOnly) != 0)
        {
            File.SetUnixFileMode(directory, ownerOnly);
        }
    }

    private static string ExpandTilde(string path, Func<string, string?> environment)
        => ExpandTilde(path, environment("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    /// <summary><c>~</c> and <c>~/rest</c> as <paramref name="userHome"/> and a path under it; any other path unchanged.</summary>
    public static string ExpandTilde(string path, string userHome)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path == "~" || path.StartsWith("~/", StringComparison.Ordinal))
        {
            return path.Length == 1 ? userHome : Path.Combine(userHome, path[2..]);
        }

        return path;
    }
}
