using System.Text.Json;
using KimiCode.Agent.Permissions;
using KimiCode.Agent.Tools;
using ModelContextProtocol.Protocol;

namespace KimiCode.Mcp.Tests;

/// <summary>MCP tools go through the same permission policy as built-in tools: ask by default, rules by name, session grants.</summary>
public sealed class McpAgentToolPermissionTests
{
    [Fact]
    public async Task Prepare_NameSchemaAndDefaultAsk()
    {
        using var folder = new TempFolder("kimi-mcp");
        await using var connection = new McpServerConnection(new McpServerConfig { Name = "github", Transport = McpTransport.Stdio, Command = "x" }, McpFixtures.Context(folder.Path));
        var tool = Tool(connection, "create_issue");
        var policy = new PermissionPolicy(PermissionMode.Default, [], folder.Path, []);

        var call = Prepare(tool, folder.Path);
        var verdict = policy.Evaluate(tool.Name, call);

        Assert.Equal("mcp__github__create_issue", tool.Name);
        Assert.Contains("\"title\"", tool.ParametersSchema.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(PermissionDecision.Ask, verdict.Decision);
        Assert.Equal("MCP tools need approval", verdict.Reason);
        Assert.Equal(PermissionDecision.Allow, new PermissionPolicy(PermissionMode.Yolo, [], folder.Path, []).Evaluate(tool.Name, call).Decision);
    }

    [Fact]
    public async Task Evaluate_ServerGlobAllowAndExactDeny_BothHold()
    {
        using var folder = new TempFolder("kimi-mcp");
        await using var connection = new McpServerConnection(new McpServerConfig { Name = "github", Transport = McpTransport.Stdio, Command = "x" }, McpFixtures.Context(folder.Path));
        var policy = new PermissionPolicy(
            PermissionMode.Yolo,
            [PermissionRule.Parse("mcp__github__*", PermissionDecision.Allow), PermissionRule.Parse("mcp__github__delete_repo", PermissionDecision.Deny)],
            folder.Path,
            []);
        var create = Tool(connection, "create_issue");
        var delete = Tool(connection, "delete_repo");

        Assert.Equal(PermissionDecision.Allow, policy.Evaluate(create.Name, Prepare(create, folder.Path)).Decision);
        var denied = policy.Evaluate(delete.Name, Prepare(delete, folder.Path));
        Assert.Equal(PermissionDecision.Deny, denied.Decision);
        Assert.Contains("mcp__github__delete_repo", denied.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GrantForSession_OneTool_AllowsItsLaterCallsButNotOtherTools()
    {
        using var folder = new TempFolder("kimi-mcp");
        await using var connection = new McpServerConnection(new McpServerConfig { Name = "github", Transport = McpTransport.Stdio, Command = "x" }, McpFixtures.Context(folder.Path));
        var policy = new PermissionPolicy(PermissionMode.Default, [], folder.Path, []);
        var create = Tool(connection, "create_issue");
        var other = Tool(connection, "close_issue");

        policy.GrantForSession(create.Name, Prepare(create, folder.Path, """{"title": "first"}"""));

        Assert.Equal(PermissionDecision.Allow, policy.Evaluate(create.Name, Prepare(create, folder.Path, """{"title": "another"}""")).Decision);
        Assert.Equal(PermissionDecision.Ask, policy.Evaluate(other.Name, Prepare(other, folder.Path)).Decision);
    }

    [Fact]
    public async Task Filter_McpServerGlob_RemovesTheServersTools()
    {
        using var folder = new TempFolder("kimi-mcp");
        await using var connection = new McpServerConnection(new McpServerConfig { Name = "github", Transport = McpTransport.Stdio, Command = "x" }, McpFixtures.Context(folder.Path));
        var registry = new ToolRegistry([Tool(connection, "create_issue"), Tool(connection, "close_issue")]);

        var filtered = new ToolFilter([], ["mcp__github__*"]).Apply(registry);

        Assert.Empty(filtered.All);
    }

    private static McpAgentTool Tool(McpServerConnection connection, string name)
    {
        using var schema = JsonDocument.Parse("""{"type":"object","properties":{"title":{"type":"string"}}}""");
        return new McpAgentTool(connection, new Tool { Name = name, Description = "d", InputSchema = schema.RootElement.Clone() }, new McpResultOptions(false));
    }

    private static PreparedToolCall Prepare(McpAgentTool tool, string folder, string args = "{}")
    {
        using var document = JsonDocument.Parse(args);
        var context = new ToolContext { WorkingDirectory = folder, Files = new LocalWorkspaceFileSystem(), Commands = new LocalCommandRunner() };
        return tool.Prepare(document.RootElement, context).Call!;
    }
}
