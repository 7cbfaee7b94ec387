using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.AI;

namespace KimiCode.Agent.Tools;

/// <summary>The tools the model may call, by name (case-sensitive), and their declarations for the chat client.</summary>
public sealed class ToolRegistry
{
    private readonly Dictionary<string, IAgentTool> _byName = new(StringComparer.Ordinal);
    private readonly IAgentTool[] _all;

    /// <summary>A registry of <paramref name="tools"/>; names must be unique.</summary>
    public ToolRegistry(IEnumerable<IAgentTool> tools)
    {
        ArgumentNullException.ThrowIfNull(tools);
        _all = tools.ToArray();
        foreach (var tool in _all)
        {
            if (!_byName.TryAdd(tool.Name, tool))
            {
                throw new ArgumentException($"Two tools are named '{tool.Name}'; tool names must be unique.", nameof(tools));
            }
        }

        Declarations = _all.Select(static tool => (AITool)new ToolDeclaration(tool)).ToArray();
    }

    /// <summary>The built-in tools: Read, Write, Edit, Glob, Grep, Bash and TodoWrite (writing to <paramref name="todos"/>).</summary>
    public static ToolRegistry CreateDefault(TodoList todos)
        => new([new ReadTool(), new WriteTool(), new EditTool(), new GlobTool(), new GrepTool(), new BashTool(), new TodoWriteTool(todos)]);

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
}
