using System.Text;
using KimiCode.Agent.Prompts;

namespace KimiCode.Agent.Tests.Prompts;

public sealed class InstructionsTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 9, 30, 0, TimeSpan.Zero);
    private readonly TempFolder _temp = new("kimi-instructions-tests");

    private string KimiHome => Path.Combine(_temp.Path, "kimi-home");

    private string UserHome => Path.Combine(_temp.Path, "user");

    private string Write(string relative, string text)
    {
        string path = Path.Combine(_temp.Path, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Discover_EveryOfficialLocation_InTheOfficialOrder()
    {
        string cwd = Path.Combine(_temp.Path, "repo", "src");
        Directory.CreateDirectory(Path.Combine(_temp.Path, "repo", ".git"));
        Directory.CreateDirectory(cwd);
        string global = Write("kimi-home/AGENTS.md", "GLOBAL KIMI");
        string generic = Write("user/.agents/AGENTS.md", "GENERIC");
        string rootDot = Write("repo/.kimi-code/AGENTS.md", "ROOT DOT");
        string root = Write("repo/AGENTS.md", "ROOT");
        string srcLower = Write("repo/src/agents.md", "SRC LOWER");

        var files = AgentsFile.Discover(cwd, KimiHome, UserHome);

        Assert.Equal([global, generic, rootDot, root, srcLower], files.Select(f => f.Path));
        Assert.Equal(["GLOBAL KIMI", "GENERIC", "ROOT DOT", "ROOT", "SRC LOWER"], files.Select(f => f.Content));
    }

    [Fact]
    public void Discover_UpperAndLowerCaseInOneFolder_OnlyUpperCaseRead()
    {
        string cwd = Path.Combine(_temp.Path, "plain");
        Write("plain/AGENTS.md", "UPPER");
        Write("plain/agents.md", "LOWER");
        Write("user/.agents/agents.md", "GENERIC LOWER");

        var files = AgentsFile.Discover(cwd, KimiHome, UserHome);

        // On a case-insensitive file system both names are one file; either way only one of the pair is read.
        Assert.Equal(["GENERIC LOWER", "UPPER"], files.Select(f => f.Content));
    }

    [Fact]
    public void Discover_EmptyOrBlankFile_Skipped()
    {
        string cwd = Path.Combine(_temp.Path, "blank");
        Write("blank/AGENTS.md", "  \n\n ");
        Write("kimi-home/AGENTS.md", "");

        Assert.Empty(AgentsFile.Discover(cwd, KimiHome, UserHome));
    }

    [Fact]
    public void Discover_FileOverTheCap_CutWithANoteAndMarked()
    {
        string cwd = Path.Combine(_temp.Path, "big");
        // Multi-byte characters: the cap counts UTF-8 bytes and never splits a character.
        string path = Write("big/AGENTS.md", new string('é', AgentsFile.MaxBytes) + "TAIL");

        AgentsFile file = Assert.Single(AgentsFile.Discover(cwd));

        Assert.True(file.Truncated);
        Assert.DoesNotContain("TAIL", file.Content, StringComparison.Ordinal);
        Assert.Contains($"[... cut: {path} is longer than 32 KB; the rest was not read]", file.Content, StringComparison.Ordinal);
        string kept = file.Content[..file.Content.IndexOf('\n', StringComparison.Ordinal)];
        Assert.Equal(AgentsFile.MaxBytes, Encoding.UTF8.GetByteCount(kept));
        Assert.Contains("(cut at 32 KB)", new Instructions([file], null).Summary(), StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_NoSystemFile_BuiltInPromptWithInstructionsAndIdentityName()
    {
        string cwd = Path.Combine(_temp.Path, "w");
        Write("kimi-home/AGENTS.md", "ALWAYS SAY HI");

        string prompt = SystemPrompt.Compose(cwd, "Linux", Now, Instructions.Load(cwd, KimiHome, UserHome), "Acme Dev Agent");

        Assert.StartsWith("You are Acme Dev Agent, an interactive coding agent", prompt, StringComparison.Ordinal);
        Assert.Contains("ALWAYS SAY HI", prompt, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_SystemFile_ReplacesThePromptAndFillsPlaceholders()
    {
        string cwd = Path.Combine(_temp.Path, "w");
        string agents = Write("kimi-home/AGENTS.md", "ALWAYS SAY HI");
        Write("kimi-home/SYSTEM.md", "I am ${product_name} in ${cwd} on ${os} at ${now}.\n${agents_md}\nskills:[${skills}] keep ${unknown_thing} and $HOME");

        var instructions = Instructions.Load(cwd, KimiHome, UserHome);
        string prompt = SystemPrompt.Compose(cwd, "Linux 6.1", Now, instructions, null);

        Assert.Equal(
            $"I am Kimi Code in {cwd} on Linux 6.1 at 2026-03-01T09:30:00.0000000+00:00.\n<!-- From: {agents} -->\nALWAYS SAY HI\nskills:[] keep ${{unknown_thing}} and $HOME",
            prompt);
        Assert.Equal(Path.Combine(KimiHome, "SYSTEM.md"), instructions.SystemFile!.Path);
        Assert.StartsWith(Path.Combine(KimiHome, "SYSTEM.md") + ", " + agents, instructions.Summary(), StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_SystemFileWithBasePrompt_EmbedsTheBuiltInPrompt()
    {
        string cwd = Path.Combine(_temp.Path, "w");
        Write("kimi-home/SYSTEM.md", "PREFACE\n${base_prompt}");

        string prompt = SystemPrompt.Compose(cwd, "Linux", Now, Instructions.Load(cwd, KimiHome, UserHome));

        Assert.StartsWith("PREFACE\nYou are Kimi Code, an interactive coding agent", prompt, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_SystemFileWithoutAgentsPlaceholder_InstructionsNotAppended()
    {
        string cwd = Path.Combine(_temp.Path, "w");
        Write("kimi-home/AGENTS.md", "ALWAYS SAY HI");
        Write("kimi-home/SYSTEM.md", "ONLY THIS");

        Assert.Equal("ONLY THIS", SystemPrompt.Compose(cwd, "Linux", Now, Instructions.Load(cwd, KimiHome, UserHome)));
    }

    [Fact]
    public void Load_BlankSystemFile_NoEffect()
    {
        string cwd = Path.Combine(_temp.Path, "w");
        Write("kimi-home/SYSTEM.md", "\n  \n");

        var instructions = Instructions.Load(cwd, KimiHome, UserHome);

        Assert.Null(instructions.SystemFile);
        Assert.Equal("none", instructions.Summary());
    }

    public void Dispose() => _temp.Dispose();
}
