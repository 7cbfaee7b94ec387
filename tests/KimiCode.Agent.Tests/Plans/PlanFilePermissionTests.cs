using System.Text.Json;
using KimiCode.Agent.Permissions;
using KimiCode.Agent.Plans;
using KimiCode.Agent.Tools;
using KimiCode.Testing;

namespace KimiCode.Agent.Tests.Plans;

/// <summary>In plan mode the policy lets Write and Edit change the plan file and nothing else, however the path is dressed up.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PlanFilePermissionTests : IDisposable
{
    private readonly TempFolder _folder = new("kimi-plan-file");
    private readonly string _work;
    private readonly string _planFile;
    private readonly PermissionPolicy _policy;
    private readonly PlanMode _plan;
    private readonly ToolContext _context;

    public PlanFilePermissionTests()
    {
        _work = _folder.Folder("work");
        var home = _folder.Folder("home");
        _policy = new PermissionPolicy(PermissionMode.Default, [], _work, [], userHome: home, kimiHome: Path.Combine(home, ".kimi-code"));
        _plan = new PlanMode(_policy, Path.Combine(home, ".kimi-code", "sessions", "w", "s1", "plans", "plan.md"));
        _planFile = _plan.FilePath;
        _context = new ToolContext { WorkingDirectory = _work, Files = new LocalWorkspaceFileSystem(), Commands = new LocalCommandRunner() };
        Assert.True(_plan.Enter());
    }

    public void Dispose() => _folder.Dispose();

    private PermissionDecision Write(string path) => Decide(new WriteTool(), $$"""{"file_path":{{JsonString(path)}},"content":"x"}""");

    private PermissionDecision Decide(IAgentTool tool, string json)
    {
        using var document = JsonDocument.Parse(json);
        var call = tool.Prepare(document.RootElement, _context).Call ?? throw new InvalidOperationException("the call did not prepare");
        return _policy.Evaluate(tool.Name, call).Decision;
    }

    private static string JsonString(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    [Fact]
    public void Evaluate_PlanMode_WriteAndEditOfThePlanFileAllowedAnythingElseDenied()
    {
        File.WriteAllText(Path.Combine(_work, "code.cs"), "old");
        File.WriteAllText(_planFile, "# plan\n");

        Assert.Equal(PermissionDecision.Allow, Write(_planFile));
        Assert.Equal(PermissionDecision.Allow, Decide(new EditTool(), $$"""{"file_path":{{JsonString(_planFile)}},"old_string":"plan","new_string":"Plan"}"""));
        Assert.Equal(PermissionDecision.Deny, Write("code.cs"));
        Assert.Equal(PermissionDecision.Deny, Write(Path.Combine(Path.GetDirectoryName(_planFile)!, "other.md")));
        Assert.Equal(PermissionDecision.Deny, Write(_planFile + ".bak"));
        Assert.Equal(PermissionDecision.Deny, Decide(new BashTool(), $$"""{"command":"echo hi > {{_planFile}}"}"""));
    }

    [Fact]
    public void Evaluate_PlanModeDotDotPaths_OnlyThoseThatAreThePlanFileAllowed()
    {
        var plans = Path.GetDirectoryName(_planFile)!;
        Assert.Equal(PermissionDecision.Allow, Write(Path.Combine(plans, "..", "plans", "plan.md")));
        Assert.Equal(PermissionDecision.Deny, Write(Path.Combine(plans, "..", "..", "s1", "context.jsonl")));
        Assert.Equal(PermissionDecision.Deny, Write(Path.Combine(plans, "..", "plan.md")));
    }

    [Fact]
    public void Evaluate_PlanModeSymbolicLinks_NeitherALinkToThePlanFileNorAPlanFileThatIsALinkIsWritable()
    {
        File.WriteAllText(_planFile, "# plan\n");
        var target = Path.Combine(_work, "target.txt");
        File.WriteAllText(target, "precious");

        // A link in the workspace that leads to the plan file is not the plan file.
        File.CreateSymbolicLink(Path.Combine(_work, "plan-link.md"), _planFile);
        Assert.Equal(PermissionDecision.Deny, Write("plan-link.md"));

        // A linked folder on the way to the plan file is refused too.
        Directory.CreateSymbolicLink(Path.Combine(_work, "plans-link"), Path.GetDirectoryName(_planFile)!);
        Assert.Equal(PermissionDecision.Deny, Write("plans-link/plan.md"));

        // The plan file replaced by a link to a workspace file: writing "the plan file" would change that file.
        File.Delete(_planFile);
        File.CreateSymbolicLink(_planFile, target);
        Assert.Equal(PermissionDecision.Deny, Write(_planFile));
    }

    [Fact]
    public void Evaluate_PlanModeOff_ThePlanFileIsNoLongerSpecial()
    {
        _plan.Exit(PermissionMode.Default);

        // The plan file lives in the kimi data folder: outside plan mode a write there asks, as any sensitive write does.
        Assert.Equal(PermissionDecision.Ask, Write(_planFile));
        Assert.Equal(PermissionDecision.Ask, Write("code.cs"));
    }

    [Fact]
    public void PlanMode_SecondSessionOnTheSamePolicy_KeepsTheFirstPlanFile()
    {
        var second = new PlanMode(_policy, Path.Combine(_folder.Path, "elsewhere", "plan.md"));

        Assert.Equal(_planFile, second.FilePath);
        Assert.Equal(PermissionDecision.Allow, Write(_planFile));
        Assert.Equal(PermissionDecision.Deny, Write(Path.Combine(_folder.Path, "elsewhere", "plan.md")));
    }

    [Fact]
    public void Evaluate_DenyRuleForThePlanFile_StillDenies()
    {
        var policy = new PermissionPolicy(PermissionMode.Plan, [PermissionRule.Parse("Write", PermissionDecision.Deny, null)], _work, []);
        var plan = new PlanMode(policy, _planFile);
        using var document = JsonDocument.Parse($$"""{"file_path":{{JsonString(plan.FilePath)}},"content":"x"}""");
        var call = new WriteTool().Prepare(document.RootElement, _context).Call!;

        Assert.Equal(PermissionDecision.Deny, policy.Evaluate("Write", call).Decision);
    }
}
