using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.AI;

namespace KimiCode.Agent.Tools;

/// <summary>
/// The one place a tool call is dispatched from: the tools the model may call, by name (case-sensitive), their
/// declarations for the chat client, and the answer to a call of a name that is not here. Adding a tool is one
/// class implementing <see cref="IAgentTool"/> and one registration (<see cref="CreateDefault"/> for a built-in,
/// <see cref="With"/> for tools found at run time, such as MCP servers').
/// </summary>
public sealed class ToolRegistry
{
    private readonly Dictionary<string, IAgentTool> _byName = new(StringComparer.Ordinal);
    private readonly IAgentTool[] _all;
    private readonly string _namesForModel;

    /// <summary>A registry of <paramref name="tools"/>; names must be unique.</summary>
    public ToolRegistry(IEnumerable<IAgentTool> tools)
    {
        ArgumentNullException.ThrowIfNull(tools);
        _all = tools.ToArray();
        foreach (var tool in _all)
        {
            ArgumentNullException.ThrowIfNull(tool, nameof(tools));
            if (!_byName.TryAdd(tool.Name, tool))
            {
                throw new ArgumentException($"Two tools are named '{tool.Name}'; tool names must be unique.", nameof(tools));
            }
        }

        Declarations = _all.Select(static tool => (AITool)new ToolDeclaration(tool)).ToArray();
        _namesForModel = string.Join(", ", _byName.Keys.Order(StringComparer.Ordinal));
    }

    /// <summary>The built-in tools: Read, Write, Edit, Glob, Grep, Bash and TodoWrite (writing to <paramref name="todos"/>).</summary>
    public static ToolRegistry CreateDefault(TodoList todos)
        => new([new ReadTool(), new WriteTool(), new EditTool(), new GlobTool(), new GrepTool(), new BashTool(), new TodoWriteTool(todos)]);

    /// <summary>A new registry with this one's tools followed by <paramref name="tools"/>; names must stay unique.</summary>
    public ToolRegistry With(IEnumerable<IAgentTool> tools)
    {
        ArgumentNullException.ThrowIfNull(tools);
        return new ToolRegistry(_all.Concat(tools));
    }

    /// <summary>Every tool, in registration order.</summary>
    public IReadOnlyList<IAgentTool> All => _all;

    /// <summary>One <see cref="ToolDeclaration"/> (an <see cref="AIFunctionDeclaration"/>) per tool, in the same order.</summary>
    public IReadOnlyList<AITool> Declarations { get; }

    /// <summary>Finds a tool by its exact name.</summary>
    public bool TryGet(string name, [MaybeNullWhen(false)] out IAgentTool tool)
    {
        if (name is not null && _byName.TryGetValue(name, out var found))
        {
            tool = found;
            return true;
        }

        tool = null;
        return false;
    }

    /// <summary>What the model sees when it calls <paramref name="name"/> and no tool has that name: the names it may use.</summary>
    public string UnknownToolMessage(string name) => $"There is no tool named '{name}'. Use one of: {_namesForModel}.";
}
