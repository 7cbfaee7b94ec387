namespace KimiCode.Config;

/// <summary><c>[tools]</c>: how tools run.</summary>
public sealed record ToolsConfig
{
    /// <summary>
    /// <c>pass_env</c>: environment variables a tool's processes get even though kimi would remove them as
    /// credentials (<c>KIMI_API_KEY</c>, <c>KIMI_CODE_*</c>, a provider's <c>env</c> names). The user's explicit choice.
    /// </summary>
    public IReadOnlyList<string> PassEnv { get; init; } = [];

    /// <summary><c>enabled</c>: when non-empty, only these tools are offered (exact names; <c>mcp__server__*</c> globs for MCP tools).</summary>
    public IReadOnlyList<string> Enabled { get; init; } = [];

    /// <summary><c>disabled</c>: tools never offered nor run, applied after <see cref="Enabled"/>.</summary>
    public IReadOnlyList<string> Disabled { get; init; } = [];

    /// <summary>1-based line of <c>pass_env</c> (0 when absent or not from the file).</summary>
    public int PassEnvLine { get; init; }

    /// <summary>What is wrong with the table as written (one line each, without the file:line prefix).</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];
}
