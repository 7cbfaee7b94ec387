namespace KimiCode.Agent.Tools;

/// <summary>
/// The global tool switch (<c>[tools] enabled</c> / <c>disabled</c>, the official keys): when <c>enabled</c> is non-empty
/// only the tools it names are kept, then every tool <c>disabled</c> names is removed. Built-in tools match by exact,
/// case-sensitive name (the official <c>TodoList</c> also names our <c>TodoWrite</c>); a pattern starting with
/// <c>mcp__</c> may end in <c>*</c> to match a whole MCP server. A tool filtered out is neither offered to the model nor
/// run: a call to it gets the registry's "no tool named" answer.
/// </summary>
public sealed class ToolFilter
{
    private static readonly Dictionary<string, string> OfficialNames = new(StringComparer.Ordinal) { ["TodoWrite"] = "TodoList" };
    private readonly IReadOnlyList<string> _enabled;
    private readonly IReadOnlyList<string> _disabled;

    public ToolFilter(IReadOnlyList<string> enabled, IReadOnlyList<string> disabled)
    {
        _enabled = enabled ?? throw new ArgumentNullException(nameof(enabled));
        _disabled = disabled ?? throw new ArgumentNullException(nameof(disabled));
    }

    /// <summary>Whether <paramref name="toolName"/> may be offered and run.</summary>
    public bool Allows(string toolName)
    {
        ArgumentNullException.ThrowIfNull(toolName);
        return (_enabled.Count == 0 || _enabled.Any(pattern => Matches(pattern, toolName)))
               && !_disabled.Any(pattern => Matches(pattern, toolName));
    }

    /// <summary><paramref name="registry"/> without the tools this filter removes.</summary>
    public ToolRegistry Apply(ToolRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return _enabled.Count == 0 && _disabled.Count == 0 ? registry : new ToolRegistry(registry.All.Where(tool => Allows(tool.Name)));
    }

    /// <summary>
    /// The official shapes: an exact name, or an <c>mcp__</c> pattern with a trailing <c>*</c>. A <c>*</c> anywhere else
    /// matches nothing (so <c>enabled = ["*"]</c> leaves no tool and <c>disabled = ["*"]</c> removes none, as documented).
    /// </summary>
    private static bool Matches(string pattern, string toolName)
    {
        if (pattern.StartsWith("mcp__", StringComparison.Ordinal) && pattern.EndsWith('*'))
        {
            string prefix = pattern[..^1];
            return prefix.Length > "mcp__".Length && !prefix.Contains('*', StringComparison.Ordinal) && toolName.StartsWith(prefix, StringComparison.Ordinal);
        }

        return !pattern.Contains('*', StringComparison.Ordinal)
               && (pattern == toolName || (OfficialNames.TryGetValue(toolName, out var official) && pattern == official));
    }
}
