using KimiCode.Config;

namespace KimiCode.Agent.Skills;

/// <summary>Where skills are looked for.</summary>
/// <param name="WorkingDirectory">The session's folder; the project root is the nearest folder above it (or it) holding <c>.git</c>.</param>
/// <param name="KimiHome">The data folder (<c>KIMI_CODE_HOME</c>); its <c>skills</c> folder is a user folder.</param>
/// <param name="UserHome">The real home folder: <c>~/.agents/skills</c>, and <c>~/</c> in extra folders.</param>
/// <param name="Extra"><c>extra_skill_dirs</c> as written.</param>
public sealed record SkillFolders(string WorkingDirectory, string KimiHome, string UserHome, IReadOnlyList<string> Extra);

/// <summary>A <c>/skill:name args</c> (or built-in <c>/name args</c>) prompt: the skill, or why there is none.</summary>
public sealed record SkillInvocation(Skill? Skill, string Name, string Arguments, string? Error);

/// <summary>
/// The skills a session can use, found in this order of precedence (the first skill of a name wins; names ignore case):
/// <list type="number">
/// <item>project: <c>.kimi-code/skills</c>, then <c>.agents/skills</c> at the project root;</item>
/// <item>user: <c>$KIMI_CODE_HOME/skills</c>, then <c>~/.agents/skills</c>;</item>
/// <item>extra: each of <c>extra_skill_dirs</c>, in order;</item>
/// <item>built-in (<see cref="BuiltInSkills"/>).</item>
/// </list>
/// In a folder, <c>&lt;name&gt;/SKILL.md</c> is a skill, and so is a flat <c>&lt;name&gt;.md</c> (the folder wins over a
/// flat file of the same name). A file that cannot be read is skipped with a warning naming it.
/// </summary>
public sealed class SkillCatalog
{
    /// <summary>The command prefix of skills: <c>/skill:name</c>.</summary>
    public const string CommandPrefix = "/skill:";

    private const long MaxSkillFileBytes = 1024 * 1024;

    private readonly Dictionary<string, Skill> _byName;

    private SkillCatalog(Dictionary<string, Skill> byName, IReadOnlyList<string> warnings)
    {
        _byName = byName;
        Skills = [.. byName.Values.OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase)];
        Warnings = warnings;
    }

    /// <summary>Only the built-in skills.</summary>
    public static SkillCatalog BuiltInOnly { get; } = FromSkills(BuiltInSkills.All, []);

    /// <summary>Every usable skill, by name.</summary>
    public IReadOnlyList<Skill> Skills { get; }

    /// <summary>One line per skipped file, naming it and saying what to fix.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>The skills the model may load with the <c>Skill</c> tool.</summary>
    public IEnumerable<Skill> ModelInvocable => Skills.Where(s => s.ModelInvocable);

    /// <summary>Looks in every skill folder of <paramref name="folders"/>.</summary>
    public static SkillCatalog Discover(SkillFolders folders)
    {
        ArgumentNullException.ThrowIfNull(folders);
        var root = ProjectRoot(folders.WorkingDirectory);
        var tiers = new List<(SkillSource, string)>
        {
            (SkillSource.Project, Path.Combine(root, ".kimi-code", "skills")),
            (SkillSource.Project, Path.Combine(root, ".agents", "skills")),
            (SkillSource.User, Path.Combine(folders.KimiHome, "skills")),
            (SkillSource.User, Path.Combine(folders.UserHome, ".agents", "skills")),
        };
        tiers.AddRange(folders.Extra.Where(e => !string.IsNullOrWhiteSpace(e)).Select(e => (SkillSource.Extra, ExtraFolder(e, root, folders.UserHome))));

        var found = new List<Skill>();
        var warnings = new List<string>();
        foreach (var (source, folder) in tiers.DistinctBy(t => t.Item2, StringComparer.Ordinal))
        {
            found.AddRange(ReadFolder(folder, source, warnings));
        }

        return FromSkills([.. found, .. BuiltInSkills.All], warnings);
    }

    /// <summary>The skill called <paramref name="name"/> (any case), or null.</summary>
    public Skill? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>
    /// Reads a prompt that invokes a skill: <c>/skill:name args</c>, or <c>/name args</c> for a built-in such as
    /// <c>/init</c>. Null when the prompt is something else (it goes to the model as written).
    /// </summary>
    public SkillInvocation? ParseCommand(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var text = prompt.TrimStart();
        string rest;
        if (text.StartsWith(CommandPrefix, StringComparison.Ordinal))
        {
            rest = text[CommandPrefix.Length..];
        }
        else if (text.StartsWith('/') && BuiltInSkills.All.Any(b => IsCommand(text[1..], b.Name)))
        {
            rest = text[1..];
        }
        else
        {
            return null;
        }

        var end = 0;
        while (end < rest.Length && !char.IsWhiteSpace(rest[end]))
        {
            end++;
        }

        var name = rest[..end];
        var arguments = rest[end..].Trim();
        if (name.Length == 0)
        {
            return new SkillInvocation(null, name, arguments, $"Name the skill after {CommandPrefix}, e.g. {CommandPrefix}{(Skills.Count > 0 ? Skills[0].Name : "review")}; {Listing()}.");
        }

        return Find(name) is { } skill
            ? new SkillInvocation(skill, skill.Name, arguments, null)
            : new SkillInvocation(null, name, arguments, $"There is no skill named \"{name}\"; {Listing()}.");
    }

    /// <summary>
    /// The slash commands the skills make, without the slash: <c>skill:name</c> for each user, project or extra skill,
    /// and the plain name of each built-in (<c>init</c>), which runs whichever skill of that name won.
    /// </summary>
    public IEnumerable<(string Command, Skill Skill)> Commands()
    {
        foreach (var skill in Skills.Where(s => s.Source != SkillSource.BuiltIn))
        {
            yield return (CommandPrefix[1..] + skill.Name, skill);
        }

        foreach (var builtIn in BuiltInSkills.All)
        {
            if (Find(builtIn.Name) is { } winner)
            {
                yield return (builtIn.Name, winner);
            }
        }
    }

    /// <summary>"the skills are a, b, c" (or how to add one), for messages.</summary>
    public string Listing() => Skills.Count == 0
        ? "there are no skills; add one as .kimi-code/skills/<name>/SKILL.md"
        : "the skills are " + string.Join(", ", Skills.Select(s => s.Name));

    private static bool IsCommand(string text, string name) =>
        text.StartsWith(name, StringComparison.Ordinal) && (text.Length == name.Length || char.IsWhiteSpace(text[name.Length]));

    private static SkillCatalog FromSkills(IEnumerable<Skill> skills, IReadOnlyList<string> warnings)
    {
        var byName = new Dictionary<string, Skill>(StringComparer.OrdinalIgnoreCase);
        foreach (var skill in skills)
        {
            byName.TryAdd(skill.Name, skill);
        }

        return new SkillCatalog(byName, warnings);
    }

    /// <summary>The nearest folder at or above <paramref name="workingDirectory"/> holding <c>.git</c>; the working directory when none does.</summary>
    public static string ProjectRoot(string workingDirectory)
    {
        for (var folder = new DirectoryInfo(workingDirectory); folder is not null; folder = folder.Parent)
        {
            var git = Path.Combine(folder.FullName, ".git");
            if (Directory.Exists(git) || File.Exists(git))
            {
                return folder.FullName;
            }
        }

        return workingDirectory;
    }

    private static string ExtraFolder(string written, string root, string userHome)
        => Path.GetFullPath(KimiHome.ExpandTilde(written, userHome), root);

    private static List<Skill> ReadFolder(string folder, SkillSource source, List<string> warnings)
    {
        var skills = new List<Skill>();
        if (!Directory.Exists(folder))
        {
            return skills;
        }

        var folderNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        IEnumerable<string> entries;
        try
        {
            entries = [.. Directory.EnumerateFileSystemEntries(folder).Order(StringComparer.Ordinal)];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            warnings.Add($"skill folder {folder} skipped: {ex.Message}");
            return skills;
        }

        foreach (var entry in entries.Where(Directory.Exists))
        {
            var file = Path.Combine(entry, "SKILL.md");
            if (File.Exists(file) && Read(file, null, source, warnings) is { } skill)
            {
                skills.Add(skill);
                folderNames.Add(Path.GetFileName(entry));
            }
        }

        foreach (var file in entries.Where(e => e.EndsWith(".md", StringComparison.OrdinalIgnoreCase) && File.Exists(e)))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            if (!folderNames.Contains(name) && Read(file, name, source, warnings) is { } skill)
            {
                skills.Add(skill);
            }
        }

        return skills;
    }

    private static Skill? Read(string file, string? flatName, SkillSource source, List<string> warnings)
    {
        string text;
        try
        {
            if (new FileInfo(file).Length > MaxSkillFileBytes)
            {
                warnings.Add($"skill {file} skipped: it is larger than 1 MB; shorten it");
                return null;
            }

            text = File.ReadAllText(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            warnings.Add($"skill {file} skipped: {ex.Message}");
            return null;
        }

        var (skill, problem) = SkillFile.Parse(text, flatName, file, source);
        if (skill is null)
        {
            warnings.Add($"skill {file} skipped: {problem}; fix the file to use it");
        }

        return skill;
    }
}
