using KimiCode.Config;

namespace KimiCode.Agent.Subagents;

/// <summary>Where agent files are looked for.</summary>
/// <param name="WorkingDirectory">The session's folder; the project root is the nearest folder above it (or it) holding <c>.git</c>.</param>
/// <param name="KimiHome">The data folder (<c>KIMI_CODE_HOME</c>); its <c>agents</c> folder is a user folder.</param>
/// <param name="UserHome">The real home folder: <c>~/.agents/agents</c>, and <c>~/</c> in extra folders.</param>
/// <param name="Extra"><c>extra_agent_dirs</c> as written.</param>
public sealed record AgentFolders(string WorkingDirectory, string KimiHome, string UserHome, IReadOnlyList<string> Extra);

/// <summary>
/// The agents a session can start, found in this order of precedence (the first agent of a name wins), as the official
/// client orders them:
/// <list type="number">
/// <item>project: <c>.kimi-code/agents</c>, then <c>.agents/agents</c> at the project root;</item>
/// <item>extra: each of <c>extra_agent_dirs</c>, in order;</item>
/// <item>user: <c>$KIMI_CODE_HOME/agents</c>, then <c>~/.agents/agents</c>;</item>
/// <item>built-in (<c>coder</c>, <c>explore</c>, <c>plan</c>): a file of a built-in's name replaces it only with <c>override: true</c>.</item>
/// </list>
/// Each folder is searched recursively for <c>*.md</c> files. A file that cannot be used is skipped with a warning naming it.
/// </summary>
public sealed class AgentCatalog
{
    private const long MaxAgentFileBytes = 1024 * 1024;
    private readonly Dictionary<string, AgentProfile> _byName;

    private AgentCatalog(Dictionary<string, AgentProfile> byName, IReadOnlyList<string> warnings)
    {
        _byName = byName;
        Agents = [.. byName.Values.OrderBy(a => a.Source == AgentSource.BuiltIn ? 0 : 1).ThenBy(a => a.Name, StringComparer.Ordinal)];
        Warnings = warnings;
    }

    /// <summary>Only the built-in agents.</summary>
    public static AgentCatalog BuiltInOnly { get; } = FromProfiles([], []);

    /// <summary>Every usable agent: the built-ins first, then the files' agents by name.</summary>
    public IReadOnlyList<AgentProfile> Agents { get; }

    /// <summary>One line per skipped file, naming it and saying what to fix.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>The agent called <paramref name="name"/> (exact name), or null.</summary>
    public AgentProfile? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>What the main agent may start: the built-ins and every agent file's agent.</summary>
    public IReadOnlyList<string> MainAllowlist => [.. Agents.Select(a => a.Name)];

    /// <summary>What an agent started as <paramref name="profile"/> may start in turn (empty: it gets no <c>Agent</c> tool).</summary>
    public IReadOnlyList<string> AllowlistOf(AgentProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        IReadOnlyList<string> names = profile.Subagents ?? AgentProfile.DefaultSubagents;
        return names.Contains("*", StringComparer.Ordinal) ? MainAllowlist : [.. names.Where(_byName.ContainsKey)];
    }

    /// <summary>Looks in every agent folder of <paramref name="folders"/>.</summary>
    public static AgentCatalog Discover(AgentFolders folders)
    {
        ArgumentNullException.ThrowIfNull(folders);
        var root = Skills.SkillCatalog.ProjectRoot(folders.WorkingDirectory);
        var tiers = new List<(AgentSource Source, string Folder)>
        {
            (AgentSource.Project, Path.Combine(root, ".kimi-code", "agents")),
            (AgentSource.Project, Path.Combine(root, ".agents", "agents")),
        };
        tiers.AddRange(folders.Extra.Where(e => !string.IsNullOrWhiteSpace(e))
            .Select(e => (AgentSource.Extra, Path.GetFullPath(KimiHome.ExpandTilde(e, folders.UserHome), root))));
        tiers.Add((AgentSource.User, Path.Combine(folders.KimiHome, "agents")));
        tiers.Add((AgentSource.User, Path.Combine(folders.UserHome, ".agents", "agents")));

        var found = new List<AgentProfile>();
        var warnings = new List<string>();
        foreach (var (source, folder) in tiers.DistinctBy(t => t.Folder, StringComparer.Ordinal))
        {
            found.AddRange(ReadFolder(folder, source, warnings));
        }

        return FromProfiles(found, warnings);
    }

    private static AgentCatalog FromProfiles(List<AgentProfile> files, List<string> warnings)
    {
        var byName = new Dictionary<string, AgentProfile>(StringComparer.Ordinal);
        foreach (var profile in files)
        {
            if (BuiltInAgents.All.Any(b => b.Name == profile.Name) && !profile.Override)
            {
                warnings.Add($"agent {profile.Path} skipped: \"{profile.Name}\" is a built-in agent; add override: true to its front matter to replace it, or rename it");
                continue;
            }

            byName.TryAdd(profile.Name, profile);
        }

        foreach (var builtIn in BuiltInAgents.All)
        {
            byName.TryAdd(builtIn.Name, builtIn);
        }

        return new AgentCatalog(byName, warnings);
    }

    private static List<AgentProfile> ReadFolder(string folder, AgentSource source, List<string> warnings)
    {
        var profiles = new List<AgentProfile>();
        if (!Directory.Exists(folder))
        {
            return profiles;
        }

        List<string> files;
        try
        {
            files = [.. Directory.EnumerateFiles(folder, "*.md", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true })
                .Order(StringComparer.Ordinal)];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            warnings.Add($"agent folder {folder} skipped: {ex.Message}");
            return profiles;
        }

        foreach (var file in files)
        {
            string text;
            try
            {
                if (new FileInfo(file).Length > MaxAgentFileBytes)
                {
                    warnings.Add($"agent {file} skipped: it is larger than 1 MB; shorten it");
                    continue;
                }

                text = File.ReadAllText(file);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                warnings.Add($"agent {file} skipped: {ex.Message}");
                continue;
            }

            var (profile, problem) = AgentFile.Parse(text, file, source);
            if (profile is null)
            {
                warnings.Add($"agent {file} skipped: {problem}; fix the file to use it");
                continue;
            }

            profiles.Add(profile);
        }

        return profiles;
    }
}
