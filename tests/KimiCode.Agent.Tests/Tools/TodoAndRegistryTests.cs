using System.Text.Json;
using KimiCode.Agent.Tools;
using Microsoft.Extensions.AI;
using static KimiCode.Agent.Tests.Tools.ToolTesting;

namespace KimiCode.Agent.Tests.Tools;

public sealed class TodoWriteToolTests
{
    [Fact]
    public async Task TodoWrite_Todos_ReplacesSessionPlanAndShowsIt()
    {
        using var workspace = new ToolTestWorkspace();
        var todos = new TodoList();
        var changes = 0;
        todos.Changed += (_, _) => changes++;
        var tool = new TodoWriteTool(todos);
        todos.Replace([new TodoItem("old", "pending")]);

        var result = await tool.RunAsync(
            Parse("""{"todos": [{"content": "Write tests", "status": "completed"}, {"content": "Fix bug", "status": "in_progress", "activeForm": "Fixing bug"}, {"content": "Ship", "status": "pending"}]}"""),
            workspace.Context);

        TodoItem[] expected = [new("Write tests", "completed"), new("Fix bug", "in_progress", "Fixing bug"), new("Ship", "pending")];
        Assert.Equal(expected, todos.Items);
        Assert.Equal(2, changes);
        Assert.Equal(expected, Assert.IsType<PlanDisplay>(result.Display).Items);
        Assert.Equal("Todo list updated:\n[x] Write tests\n[>] Fix bug\n[ ] Ship", result.Content);
    }

    [Fact]
    public void Prepare_Todos_NeedsNoPermissionAndDoesNotChangePlanYet()
    {
        using var workspace = new ToolTestWorkspace();
        var todos = new TodoList();

        var call = new TodoWriteTool(todos).PrepareOk(Parse("""{"todos": [{"content": "a", "status": "pending"}]}"""), workspace.Context);

        Assert.Equal(PermissionAction.None, call.Action);
        Assert.Empty(todos.Items);
    }

    [Theory]
    [InlineData("""{}""", "'todos'")]
    [InlineData("""{"todos": "a, b"}""", "'todos' must be an array")]
    [InlineData("""{"todos": [{"status": "pending"}]}""", "todos[0]: the required argument 'content'")]
    [InlineData("""{"todos": [{"content": "a", "status": "done"}]}""", "todos[0].status must be")]
    [InlineData("""{"todos": [{"content": "a", "status": "pending"}, 5]}""", "todos[1]: the arguments must be a JSON object")]
    [InlineData("""{"todos": [{"content": "a", "status": "pending", "priority": "high"}]}""", "unknown argument 'priority'")]
    public void Prepare_BadTodos_FailNamingTheProblem(string json, string expected)
    {
        using var workspace = new ToolTestWorkspace();

        Assert.Contains(expected, new TodoWriteTool(new TodoList()).PrepareError(Parse(json), workspace.Context));
    }
}

public sealed class ToolRegistryTests
{
    private static readonly string[] ExpectedNames = ["Read", "Write", "Edit", "Glob", "Grep", "Bash", "TodoWrite"];

    [Fact]
    public void CreateDefault_HasAllSevenToolsByExactName()
    {
        var registry = ToolRegistry.CreateDefault(new TodoList());

        Assert.Equal(ExpectedNames, registry.All.Select(t => t.Name));
        Assert.True(registry.TryGet("Grep", out var grep));
        Assert.IsType<GrepTool>(grep);
        Assert.False(registry.TryGet("grep", out _));
        Assert.False(registry.TryGet("Missing", out _));
    }

    [Fact]
    public void Declarations_AreFunctionDeclarationsCarryingEachToolsSchema()
    {
        var registry = ToolRegistry.CreateDefault(new TodoList());

        Assert.Equal(registry.All.Count, registry.Declarations.Count);
        for (var i = 0; i < registry.All.Count; i++)
        {
            var declaration = Assert.IsAssignableFrom<AIFunctionDeclaration>(registry.Declarations[i]);
            Assert.Equal(registry.All[i].Name, declaration.Name);
            Assert.Equal(registry.All[i].Description, declaration.Description);
            Assert.Equal(registry.All[i].ParametersSchema.GetRawText(), declaration.JsonSchema.GetRawText());
        }
    }

    [Fact]
    public void Constructor_DuplicateNames_Throws()
    {
        Assert.Throws<ArgumentException>(() => new ToolRegistry([new ReadTool(), new ReadTool()]));
    }

    [Fact]
    public void With_ExtraTools_AddsThemAfterTheBuiltInsAndKeepsNamesUnique()
    {
        var todos = new TodoList();
        var builtIns = ToolRegistry.CreateDefault(todos);
        var extra = new GlobTool();

        var registry = builtIns.With([new RenamedTool("mcp__docs__search", extra)]);

        Assert.Equal([.. ExpectedNames, "mcp__docs__search"], registry.All.Select(t => t.Name));
        Assert.Equal("mcp__docs__search", Assert.IsAssignableFrom<AIFunctionDeclaration>(registry.Declarations[^1]).Name);
        Assert.True(registry.TryGet("mcp__docs__search", out _));
        Assert.Equal(ExpectedNames, builtIns.All.Select(t => t.Name));
        Assert.Throws<ArgumentException>(() => builtIns.With([new RenamedTool("Read", extra)]));
    }

    [Fact]
    public void UnknownToolMessage_ListsEveryNameInOrdinalOrder()
    {
        var registry = ToolRegistry.CreateDefault(new TodoList());

        Assert.Equal(
            "There is no tool named 'read'. Use one of: Bash, Edit, Glob, Grep, Read, TodoWrite, Write.",
            registry.UnknownToolMessage("read"));
    }

    /// <summary>Every schema property is accepted by the tool's validation, and every required one is reported when missing.</summary>
    [Fact]
    public void Schemas_AgreeWithArgumentValidation()
    {
        using var workspace = new ToolTestWorkspace();
        foreach (var tool in ToolRegistry.CreateDefault(new TodoList()).All)
        {
            var schema = tool.ParametersSchema;
            Assert.Equal("object", schema.GetProperty("type").GetString());
            Assert.False(schema.GetProperty("additionalProperties").GetBoolean());
            var required = schema.GetProperty("required").EnumerateArray().Select(e => e.GetString()!).ToArray();
            foreach (var property in schema.GetProperty("properties").EnumerateObject())
            {
                Assert.True(required.Contains(property.Name) || !tool.Prepare(Args(), workspace.Context).Error!.Contains($"'{property.Name}'", StringComparison.Ordinal), $"{tool.Name}.{property.Name}");
                var error = tool.Prepare(Args((property.Name, SampleValue(property.Value))), workspace.Context).Error;
                Assert.True(error is null || !error.Contains("unknown argument", StringComparison.Ordinal), $"{tool.Name} rejects its own argument {property.Name}: {error}");
            }

            var properties = schema.GetProperty("properties");
            foreach (var missing in required)
            {
                var others = required.Where(r => r != missing).Select(r => (r, (object?)SampleValue(properties.GetProperty(r)))).ToArray();
                Assert.Contains($"'{missing}'", tool.Prepare(Args(others), workspace.Context).Error ?? "");
            }
        }
    }

    private static object SampleValue(JsonElement property) => property.GetProperty("type").GetString() switch
    {
        "string" => "x",
        "integer" => 1,
        "boolean" => true,
        "array" => Array.Empty<object>(),
        _ => "x",
    };
}

/// <summary>Another tool under a new name, as a run-time registration (an MCP tool, say) would add it.</summary>
internal sealed class RenamedTool(string name, IAgentTool inner) : IAgentTool
{
    public string Name => name;

    public string Description => inner.Description;

    public JsonElement ParametersSchema => inner.ParametersSchema;

    public ToolPreparation Prepare(JsonElement arguments, ToolContext context) => inner.Prepare(arguments, context);
}
