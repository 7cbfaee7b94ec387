using KimiCode.Agent.Permissions;
using KimiCode.Agent.Tools;
using KimiCode.Agent.Tests.Support;
using static KimiCode.Agent.Tests.Tools.ToolTesting;

namespace KimiCode.Agent.Tests.PermissionTests;

/// <summary>Path rules and the workspace boundary are judged on the resolved real path as well as the path as written.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SymlinkRuleTests : IDisposable
{
    private readonly TempFolder _folder = new("kimi-symlink-tests");
    private readonly string _work;
    private readonly string _outside;

    public SymlinkRuleTests()
    {
        _work = _folder.Folder("work");
        _outside = _folder.Folder("outside");
        Directory.CreateDirectory(Path.Combine(_work, "secrets"));
        File.WriteAllText(Path.Combine(_work, "secrets", "key.txt"), "TOP-SECRET");
        File.WriteAllText(Path.Combine(_outside, "private.txt"), "OUTSIDE-SECRET");
    }

    public void Dispose() => _folder.Dispose();

    private ToolContext Context => new()
    {
        WorkingDirectory = _work,
        Files = new LocalWorkspaceFileSystem(),
        Commands = new LocalCommandRunner(),
    };

    private PermissionPolicy Policy(PermissionMode mode, params string[] deny)
        => new(mode, deny.Select(d => PermissionRule.Parse(d, PermissionDecision.Deny)).ToArray(), _work, []);

    private PermissionVerdict Evaluate(PermissionPolicy policy, IAgentTool tool, params (string Name, object? Value)[] args)
        => policy.Evaluate(tool.Name, tool.PrepareOk(Args(args), Context));

    private void Link(string relative, string target) => File.CreateSymbolicLink(Path.Combine(_work, relative), target);

    [Theory]
    [InlineData(PermissionMode.Default)]
    [InlineData(PermissionMode.Yolo)]
    public void Read_ThroughSymlinkToDeniedFolder_IsDenied(PermissionMode mode)
    {
        Link("alias", "secrets");

        var verdict = Evaluate(Policy(mode, "Read(secrets/**)"), new ReadTool(), ("file_path", "alias/key.txt"));

        Assert.Equal(PermissionDecision.Deny, verdict.Decision);
        Assert.Equal("denied by the permission rule 'Read(secrets/**)' (alias/key.txt leads to secrets/key.txt through a symbolic link)", verdict.Reason);
    }

    [Theory]
    [InlineData(PermissionMode.Default)]
    [InlineData(PermissionMode.Yolo)]
    public async Task Read_ThroughSymlinkToDeniedFolder_EndToEnd_NeverReturnsTheSecret(PermissionMode mode)
    {
        Link("alias", Path.Combine(_work, "secrets"));
        var policy = Policy(mode, "Read(secrets/**)");
        var prompter = new ScriptedPrompter();
        var gate = new PermissionGate(policy, prompter);
        var call = new ReadTool().PrepareOk(Args(("file_path", "alias/key.txt")), Context);

        var outcome = await gate.AuthorizeAsync("c1", "Read", call, "{}", _ => { }, CancellationToken.None);
        var output = outcome.Refusal ?? (await call.ExecuteAsync(null, CancellationToken.None)).Content;

        Assert.DoesNotContain("TOP-SECRET", output, StringComparison.Ordinal);
        Assert.Contains("Read(secrets/**)", outcome.Refusal, StringComparison.Ordinal);
        Assert.Empty(prompter.Requests);
    }

    [Fact]
    public void Read_ThroughSymlinkedFileInsideDeniedFolder_IsDenied()
    {
        Link("innocent.txt", Path.Combine(_work, "secrets", "key.txt"));

        var verdict = Evaluate(Policy(PermissionMode.Yolo, "Read(secrets/**)"), new ReadTool(), ("file_path", "innocent.txt"));

        Assert.Equal(PermissionDecision.Deny, verdict.Decision);
    }

    [Fact]
    public void Grep_FileThroughSymlinkToDeniedFolder_IsDenied()
    {
        Link("alias", "secrets");

        var verdict = Evaluate(Policy(PermissionMode.Default, "Read(secrets/**)"), new GrepTool(ripgrepPath: null), ("pattern", "SECRET"), ("path", "alias/key.txt"));

        Assert.Equal(PermissionDecision.Deny, verdict.Decision);
    }

    [Fact]
    public void Read_ThroughSymlinkedParentFolder_IsDenied()
    {
        Directory.CreateDirectory(Path.Combine(_work, "secrets", "sub"));
        File.WriteAllText(Path.Combine(_work, "secrets", "sub", "k.txt"), "TOP-SECRET");
        Directory.CreateDirectory(Path.Combine(_work, "docs"));
        Link("docs/deep", Path.Combine(_work, "secrets", "sub"));

        var verdict = Evaluate(Policy(PermissionMode.Yolo, "Read(secrets/**)"), new ReadTool(), ("file_path", "docs/deep/k.txt"));

        Assert.Equal(PermissionDecision.Deny, verdict.Decision);
    }

    [Fact]
    public void Read_DotDotTraversalIntoDeniedFolder_IsDenied()
    {
        Directory.CreateDirectory(Path.Combine(_work, "docs"));
        Link("docs/up", "..");

        var dotDot = Evaluate(Policy(PermissionMode.Yolo, "Read(secrets/**)"), new ReadTool(), ("file_path", "docs/../secrets/key.txt"));
        var linkUp = Evaluate(Policy(PermissionMode.Yolo, "Read(secrets/**)"), new ReadTool(), ("file_path", "docs/up/secrets/key.txt"));

        Assert.Equal(PermissionDecision.Deny, dotDot.Decision);
        Assert.Equal(PermissionDecision.Deny, linkUp.Decision);
    }

    [Fact]
    public void Read_SymlinkedParentFolderPointingOutside_Asks()
    {
        Link("docs", _outside);

        var verdict = Evaluate(Policy(PermissionMode.Default), new ReadTool(), ("file_path", "docs/private.txt"));

        Assert.Equal(PermissionDecision.Ask, verdict.Decision);
        Assert.Contains("outside the workspace", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_SymlinkPointingOutside_AsksEvenInAcceptEditsWithAnAllowRule()
    {
        Link("notes.txt", Path.Combine(_outside, "private.txt"));
        var policy = new PermissionPolicy(PermissionMode.AcceptEdits, [PermissionRule.Parse("Write(notes.txt)", PermissionDecision.Allow)], _work, []);

        var verdict = Evaluate(policy, new WriteTool(), ("file_path", "notes.txt"), ("content", "x"));

        Assert.Equal(PermissionDecision.Ask, verdict.Decision);
    }

    [Fact]
    public void Write_DanglingSymlinkPointingOutside_Asks()
    {
        Link("later.txt", Path.Combine(_outside, "not-yet", "created.txt"));

        var verdict = Evaluate(Policy(PermissionMode.AcceptEdits), new WriteTool(), ("file_path", "later.txt"), ("content", "x"));

        Assert.Equal(PermissionDecision.Ask, verdict.Decision);
    }

    [Fact]
    public void Write_NewFileBelowSymlinkedFolder_IsJudgedOnTheRealPath()
    {
        Link("alias", "secrets");

        var verdict = new PermissionPolicy(PermissionMode.Yolo, [PermissionRule.Parse("Edit(secrets/**)", PermissionDecision.Deny)], _work, [])
            .Evaluate("Write", new WriteTool().PrepareOk(Args(("file_path", "alias/new/deeper.txt"), ("content", "x")), Context));

        Assert.Equal(PermissionDecision.Deny, verdict.Decision);
    }

    [Fact]
    public void Read_SymlinkLoop_AsksInsteadOfAllowing()
    {
        Link("loop-a", Path.Combine(_work, "loop-b"));
        Link("loop-b", Path.Combine(_work, "loop-a"));

        var verdict = Evaluate(Policy(PermissionMode.Yolo), new ReadTool(), ("file_path", "loop-a/x.txt"));

        Assert.Equal(PermissionDecision.Ask, verdict.Decision);
    }

    [Fact]
    public void AllowRule_MatchingOnlyThePathAsWritten_DoesNotAllowALinkToAnotherFile()
    {
        Link("public.txt", Path.Combine(_work, "secrets", "key.txt"));
        var policy = new PermissionPolicy(PermissionMode.Default, [PermissionRule.Parse("Edit(public.txt)", PermissionDecision.Allow)], _work, []);

        var verdict = Evaluate(policy, new EditTool(), ("file_path", "public.txt"), ("old_string", "TOP"), ("new_string", "BOTTOM"));

        Assert.Equal(PermissionDecision.Ask, verdict.Decision);
    }

    [Fact]
    public void Read_PlainFileInsideWorkspace_IsStillAllowed()
    {
        File.WriteAllText(Path.Combine(_work, "plain.txt"), "x");
        Link("inner", Path.Combine(_work, "secrets"));

        var plain = Evaluate(Policy(PermissionMode.Default, "Read(other/**)"), new ReadTool(), ("file_path", "plain.txt"));
        var inner = Evaluate(Policy(PermissionMode.Default), new ReadTool(), ("file_path", "inner/key.txt"));

        Assert.Equal(PermissionDecision.Allow, plain.Decision);
        Assert.Equal(PermissionDecision.Allow, inner.Decision);
    }

    [Fact]
    public async Task RunTurn_LinkMadeByAnEarlierCallInTheSameBatch_ReadIsStillDenied()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        Directory.CreateDirectory(Path.Combine(h.WorkDir, "secrets"));
        h.WriteFile("secrets/key.txt", "TOP-SECRET");
        h.Script("""
            {"turns":[
              {"tool_calls":[
                {"id":"b1","name":"Bash","arguments":{"command":"ln -s secrets alias"}},
                {"id":"r1","name":"Read","arguments":{"file_path":"alias/key.txt"}}]},
              {"text":"Done."}
            ]}
            """);
        AgentSessionOptions options = h.RealToolsOptions(new PermissionPolicy(PermissionMode.Yolo, [PermissionRule.Parse("Read(secrets/**)", PermissionDecision.Deny)], h.WorkDir, []));
        AgentSession session = await AgentSession.CreateAsync(options, AgentHarness.Ct);

        List<AgentEvent> events = await AgentHarness.RunAsync(session, "read it");

        var results = events.OfType<ToolCallFinished>().ToDictionary(e => e.CallId, e => e.Result);
        Assert.True(Directory.Exists(Path.Combine(h.WorkDir, "alias")), results["b1"].Content);
        Assert.True(results["r1"].IsError);
        Assert.DoesNotContain("TOP-SECRET", results["r1"].Content, StringComparison.Ordinal);
        Assert.Contains("Read(secrets/**)", results["r1"].Content, StringComparison.Ordinal);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task RunTurn_GrepAndGlobOverTheWorkspace_LeaveOutFilesADenyRuleHides()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        Directory.CreateDirectory(Path.Combine(h.WorkDir, "secrets"));
        h.WriteFile("secrets/key.txt", "TOKEN TOP-SECRET");
        h.WriteFile("notes.txt", "TOKEN is read from the vault");
        h.Script("""
            {"turns":[
              {"tool_calls":[
                {"id":"g1","name":"Grep","arguments":{"pattern":"TOKEN","output_mode":"content"}},
                {"id":"g2","name":"Glob","arguments":{"pattern":"**/*.txt"}}]},
              {"text":"Done."}
            ]}
            """);
        AgentSessionOptions options = h.RealToolsOptions(new PermissionPolicy(PermissionMode.Default, [PermissionRule.Parse("Read(secrets/**)", PermissionDecision.Deny)], h.WorkDir, []));
        AgentSession session = await AgentSession.CreateAsync(options, AgentHarness.Ct);

        List<AgentEvent> events = await AgentHarness.RunAsync(session, "search");

        var results = events.OfType<ToolCallFinished>().ToDictionary(e => e.CallId, e => e.Result);
        Assert.Contains("notes.txt", results["g1"].Content, StringComparison.Ordinal);
        Assert.DoesNotContain("TOP-SECRET", results["g1"].Content, StringComparison.Ordinal);
        Assert.DoesNotContain("key.txt", results["g1"].Content, StringComparison.Ordinal);
        Assert.Contains("notes.txt", results["g2"].Content, StringComparison.Ordinal);
        Assert.DoesNotContain("key.txt", results["g2"].Content, StringComparison.Ordinal);
    }

    [Fact]
    public void DeniesRead_JudgesThePathAsWrittenAndWhereItLeads()
    {
        File.CreateSymbolicLink(Path.Combine(_work, "alias"), Path.Combine(_work, "secrets"));
        var policy = new PermissionPolicy(PermissionMode.Yolo, [PermissionRule.Parse("Read(secrets/**)", PermissionDecision.Deny)], _work, []);

        Assert.True(policy.DeniesRead(Path.Combine(_work, "secrets", "key.txt")));
        Assert.True(policy.DeniesRead(Path.Combine(_work, "alias", "key.txt")));
        Assert.False(policy.DeniesRead(Path.Combine(_work, "notes.txt")));
    }
}
