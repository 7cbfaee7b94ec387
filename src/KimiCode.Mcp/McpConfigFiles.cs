using KimiCode.Config;

namespace KimiCode.Mcp;

/// <summary>
/// The two <c>mcp.json</c> files: <c>$KIMI_CODE_HOME/mcp.json</c> (user) and <c>.kimi-code/mcp.json</c> in the
/// working directory (project). A project entry replaces a user entry of the same name. A file that is missing is
/// empty; a malformed file or entry gives one problem line each (code <c>config.invalid</c>) and is skipped.
/// </summary>
public static class McpConfigFiles
{
    public const string FileName = "mcp.json";

    /// <summary>The user-level file.</summary>
    public static string UserFile(string kimiHome) => Path.Combine(kimiHome, FileName);

    /// <summary>The project-level file of <paramref name="workingDirectory"/>.</summary>
    public static string ProjectFile(string workingDirectory) => Path.Combine(workingDirectory, ".kimi-code", FileName);

    /// <summary>Both files merged (project wins by name), in user order then the project's new names.</summary>
    public static McpServerList Load(string kimiHome, string workingDirectory)
    {
        var user = ReadFile(UserFile(kimiHome), McpServerOrigin.User);
        var project = ReadFile(ProjectFile(workingDirectory), McpServerOrigin.Project);
        return Merge(user, project);
    }

    /// <summary><paramref name="over"/>'s servers replace <paramref name="under"/>'s of the same name.</summary>
    public static McpServerList Merge(McpServerList under, McpServerList over)
    {
        ArgumentNullException.ThrowIfNull(under);
        ArgumentNullException.ThrowIfNull(over);
        var byName = new OrderedDictionary<string, McpServerConfig>(StringComparer.Ordinal);
        foreach (var server in under.Servers.Concat(over.Servers))
        {
            byName[server.Name] = server;
        }

        return new McpServerList([.. byName.Values], [.. under.Problems, .. over.Problems]);
    }

    /// <summary>One file; missing = empty.</summary>
    public static McpServerList ReadFile(string path, McpServerOrigin origin)
    {
        string text;
        try
        {
            if (!File.Exists(path))
            {
                return McpServerList.Empty;
            }

            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new McpServerList([], [$"{path}: cannot be read ({ex.Message}); no server in it is started"]);
        }

        return McpConfigReader.ReadFile(text, path, origin);
    }

    /// <summary>A problem line as users see it: <c>[config.invalid] …</c>.</summary>
    public static string Format(string problem) => $"[{ConfigErrorCodes.Invalid}] {problem}";
}
