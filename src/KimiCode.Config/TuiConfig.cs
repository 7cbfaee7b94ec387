using KimiCode.Config.Toml;

namespace KimiCode.Config;

/// <summary>
/// <c>tui.toml</c> beside config.toml: the terminal-UI preferences the official client keeps apart from the agent's
/// settings. This client reads <c>[notifications]</c> (<c>enabled</c>, <c>notification_condition</c>, and its own
/// <c>after_seconds</c>). As in the official client, a file that cannot be read never stops the shell: the defaults
/// are used and <see cref="Problem"/> says what was wrong.
/// </summary>
public sealed record TuiConfig
{
    public const string FileName = "tui.toml";

    /// <summary>A turn that ran at least this long counts as long (<c>after_seconds</c>'s default).</summary>
    public const int DefaultNotifyAfterSeconds = 10;

    /// <summary><c>[notifications] enabled</c> (default true).</summary>
    public bool NotificationsEnabled { get; init; } = true;

    /// <summary><c>notification_condition = "always"</c>: every turn's end and every approval; the default (<c>unfocused</c>) only after a long turn.</summary>
    public bool NotifyAlways { get; init; }

    /// <summary><c>[notifications] after_seconds</c>: how long a turn must have run before it notifies under <c>unfocused</c>.</summary>
    public int NotifyAfterSeconds { get; init; } = DefaultNotifyAfterSeconds;

    /// <summary>Why the file was not used (one line, ending with the <c>config.*</c> code), or null.</summary>
    public string? Problem { get; init; }

    /// <summary>Reads <c>{home}/tui.toml</c>; a missing file gives the defaults.</summary>
    public static TuiConfig Load(KimiHome home)
    {
        ArgumentNullException.ThrowIfNull(home);
        var path = Path.Combine(home.Root, FileName);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (FileNotFoundException)
        {
            return new TuiConfig();
        }
        catch (DirectoryNotFoundException)
        {
            return new TuiConfig();
        }
        catch (IOException ex)
        {
            return Unusable($"{path} cannot be read ({ex.Message}); fix its permissions", ConfigErrorCodes.Invalid);
        }
        catch (UnauthorizedAccessException ex)
        {
            return Unusable($"{path} cannot be read ({ex.Message}); fix its permissions", ConfigErrorCodes.Invalid);
        }

        try
        {
            return Read(TomlDocument.Parse(text, path), path);
        }
        catch (TomlException ex)
        {
            return Unusable(ex.Message, ex.Code);
        }
    }

    private static TuiConfig Unusable(string what, string code) => new() { Problem = $"{what}; the shell uses the default UI settings. [{code}]" };

    private static TuiConfig Read(TomlTable document, string path)
    {
        if (!document.TryGet<object>("notifications", out var section))
        {
            return new TuiConfig();
        }

        if (section is not TomlTable notifications)
        {
            return Invalid(path, "[notifications] must be a table");
        }

        var config = new TuiConfig();
        if (notifications.TryGet<object>("enabled", out var enabled))
        {
            if (enabled is not bool on)
            {
                return Invalid(path, "[notifications] enabled must be true or false");
            }

            config = config with { NotificationsEnabled = on };
        }

        if (notifications.TryGet<object>("notification_condition", out var condition))
        {
            if (condition is not ("unfocused" or "always"))
            {
                return Invalid(path, "[notifications] notification_condition must be \"unfocused\" or \"always\"");
            }

            config = config with { NotifyAlways = condition is "always" };
        }

        if (notifications.TryGet<object>("after_seconds", out var after))
        {
            if (after is not long seconds || seconds is < 0 or > 86400)
            {
                return Invalid(path, "[notifications] after_seconds must be a whole number of seconds from 0 to 86400");
            }

            config = config with { NotifyAfterSeconds = (int)seconds };
        }

        return config;
    }

    private static TuiConfig Invalid(string path, string what) => Unusable($"{path}: {what}", ConfigErrorCodes.Invalid);
}
