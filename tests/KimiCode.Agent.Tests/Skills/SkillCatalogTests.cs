using KimiCode.Agent.Skills;
using KimiCode.Agent.Tests.Support;

namespace KimiCode.Agent.Tests.Skills;

/// <summary>Skill discovery, front matter and precedence, on real folders.</summary>
public sealed class SkillCatalogTests : IDisposable
{
    private readonly TempFolder _folder = new("kimi-skill-tests");

    private string Project => _folder.Folder("project");

    private string KimiHome => _folder.Folder("kimi-home");

    private string UserHome => _folder.Folder("home");

    public void Dispose() => _folder.Dispose();

    private static string Write(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private static string SkillMd(string name, string description, string body = "Body.") =>
        $"---\nname: {name}\ndescription: {description}\n---\n{body}\n";

    private SkillCatalog Discover(params string[] extra) => SkillCatalog.Discover(new SkillFolders(Project, KimiHome, UserHome, extra));

    [Fact]
    public void Discover_UserAndProjectSkillSameName_ProjectWins()
    {
        Write(Path.Combine(KimiHome, "skills", "review", "SKILL.md"), SkillMd("review", "user review"));
        Write(Path.Combine(Project, ".kimi-code", "skills", "review", "SKILL.md"), SkillMd("review", "project review"));

        Skill skill = Discover().Find("REVIEW")!;

        Assert.Equal("project review", skill.Description);
        Assert.Equal(SkillSource.Project, skill.Source);
    }

    [Fact]
    public void Discover_AllTiers_PrecedenceProjectUserExtraBuiltIn()
    {
        Write(Path.Combine(UserHome, ".agents", "skills", "init.md"), SkillMd("init", "user init"));
        Write(Path.Combine(UserHome, "team", "deploy.md"), SkillMd("deploy", "extra deploy"));
        Write(Path.Combine(UserHome, ".agents", "skills", "deploy.md"), SkillMd("deploy", "user deploy"));
        Write(Path.Combine(Project, "extra-in-project", "lint.md"), SkillMd("lint", "extra lint"));
        Write(Path.Combine(Project, ".agents", "skills", "lint", "SKILL.md"), SkillMd("lint", "project lint"));

        SkillCatalog catalog = Discover("~/team", "extra-in-project");

        Assert.Equal("user init", catalog.Find("init")!.Description); // user beats built-in
        Assert.Equal("user deploy", catalog.Find("deploy")!.Description); // user beats extra
        Assert.Equal("project lint", catalog.Find("lint")!.Description); // project beats extra
    }

    [Fact]
    public void Discover_ProjectRootIsNearestGitFolder_SkillsFoundFromASubfolder()
    {
        Directory.CreateDirectory(Path.Combine(Project, ".git"));
        Write(Path.Combine(Project, ".kimi-code", "skills", "fmt.md"), "Format the code.\n");
        string sub = Directory.CreateDirectory(Path.Combine(Project, "src", "deep")).FullName;

        SkillCatalog catalog = SkillCatalog.Discover(new SkillFolders(sub, KimiHome, UserHome, []));

        Skill skill = catalog.Find("fmt")!;
        Assert.Equal("Format the code.", skill.Description); // flat file: name from the file, description from the first line
    }

    [Fact]
    public void Discover_FolderAndFlatFileSameName_FolderWins()
    {
        string skills = Path.Combine(Project, ".kimi-code", "skills");
        Write(Path.Combine(skills, "x", "SKILL.md"), SkillMd("x", "from the folder"));
        Write(Path.Combine(skills, "x.md"), SkillMd("x", "from the flat file"));

        Assert.Equal("from the folder", Discover().Find("x")!.Description);
    }

    [Theory]
    [InlineData("---\nname: broken\n", "no closing --- line")]
    [InlineData("---\nname: broken\n---\nbody\n", "needs both name and description")]
    [InlineData("---\nname: broken\ndescription: d\ntype: macro\n---\nbody\n", "type \"macro\" is not prompt, inline or flow")]
    [InlineData("---\nname: broken\ndescription: \"unclosed\n---\nbody\n", "quoted value that is not closed")]
    [InlineData("---\nname: broken\n  description: d\n---\nbody\n", "indented where a key was expected")]
    public void Discover_BrokenSkillFile_SkippedWithWarningNamingItOthersKept(string text, string expected)
    {
        string skills = Path.Combine(Project, ".kimi-code", "skills");
        string broken = Write(Path.Combine(skills, "broken", "SKILL.md"), text);
        Write(Path.Combine(skills, "good", "SKILL.md"), SkillMd("good", "works"));

        SkillCatalog catalog = Discover();

        Assert.Null(catalog.Find("broken"));
        Assert.NotNull(catalog.Find("good"));
        string warning = Assert.Single(catalog.Warnings);
        Assert.Contains(broken, warning, StringComparison.Ordinal);
        Assert.Contains(expected, warning, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', warning);
    }

    [Fact]
    public void Parse_FrontMatterForms_ReadAndUnknownFieldsIgnored()
    {
        Write(Path.Combine(Project, ".kimi-code", "skills", "commit", "SKILL.md"), """
            ---
            name: commit
            description: >
              Write a commit
              message
            when_to_use: 'When the user says "commit"'
            disable-model-invocation: true
            arguments:
              - kind
              - scope
            allowed-tools: [Bash, Read]
            metadata:
            ---
            Commit $kind in $scope.
            """);

        Skill skill = Discover().Find("commit")!;

        Assert.Equal("Write a commit message", skill.Description);
        Assert.Equal("When the user says \"commit\"", skill.WhenToUse);
        Assert.True(skill.DisableModelInvocation);
        Assert.False(skill.ModelInvocable);
        Assert.Equal(["kind", "scope"], skill.Arguments);
        Assert.Equal("Commit $kind in $scope.", skill.Body);
    }

    [Fact]
    public void Expand_Placeholders_FilledFromQuotedArguments()
    {
        var skill = new Skill
        {
            Name = "commit",
            Description = "d",
            Arguments = ["message", "kind"],
            Directory = "/skills/commit",
            Body = "all=[$ARGUMENTS] first=[$0] second=[$ARGUMENTS[1]] msg=[$message] kind=[$kind] missing=[$2] other=[$HOME] dir=[${KIMI_SKILL_DIR}]",
        };

        string text = SkillPrompt.Expand(skill, "\"fix login\" patch");

        Assert.Equal("all=[\"fix login\" patch] first=[fix login] second=[patch] msg=[fix login] kind=[patch] missing=[] other=[$HOME] dir=[/skills/commit]", text);
    }

    [Fact]
    public void Expand_NoArgumentPlaceholder_ArgumentsAppended()
    {
        var skill = new Skill { Name = "s", Description = "d", Body = "Do it in ${KIMI_SKILL_DIR}.", Directory = "/d" };

        Assert.Equal("Do it in /d.\n\nARGUMENTS: quickly please", SkillPrompt.Expand(skill, " quickly please "));
        Assert.Equal("Do it in /d.", SkillPrompt.Expand(skill, ""));
    }

    [Theory]
    [InlineData("/skill:review  #12 now", "review", "#12 now")]
    [InlineData("/init", "init", "")]
    [InlineData("/init focus on tests", "init", "focus on tests")]
    public void ParseCommand_SkillAndBuiltInCommands_NameAndArguments(string prompt, string name, string arguments)
    {
        Write(Path.Combine(Project, ".kimi-code", "skills", "review.md"), "Review.\n");

        SkillInvocation invocation = Discover().ParseCommand(prompt)!;

        Assert.Null(invocation.Error);
        Assert.Equal((name, arguments), (invocation.Skill!.Name, invocation.Arguments));
    }

    [Theory]
    [InlineData("/initialise the repo")]
    [InlineData("fix /skill:x later")]
    [InlineData("/compact")]
    public void ParseCommand_OtherPrompts_Null(string prompt) => Assert.Null(Discover().ParseCommand(prompt));

    [Fact]
    public void ParseCommand_UnknownSkill_ErrorListsTheSkills()
    {
        Write(Path.Combine(Project, ".kimi-code", "skills", "review.md"), "Review.\n");

        SkillInvocation invocation = Discover().ParseCommand("/skill:reveiw")!;

        Assert.Null(invocation.Skill);
        Assert.Equal("There is no skill named \"reveiw\"; the skills are init, review.", invocation.Error);
    }
}
