using System.Text.Json;
using Microsoft.Extensions.AI;

namespace KimiCode.Agent.Tools;

/// <summary>The declaration the model sees for an <see cref="IAgentTool"/> (name, description, JSON schema).</summary>
public sealed class ToolDeclaration : AIFunctionDeclaration
{
    private readonly IAgentTool _tool;

    /// <summary>Declares <paramref name="tool"/>.</summary>
    public ToolDeclaration(IAgentTool tool)
    {
        _tool = tool ?? throw new ArgumentNullException(nameof(tool));
    }

    /// <inheritdoc />
    public override string Name => _tool.Name;

    /// <inheritdoc />
    public override string Description => _tool.Description;

    /// <inheritdoc />
    public override JsonElement JsonSchema => _tool.ParametersSchema;
}
