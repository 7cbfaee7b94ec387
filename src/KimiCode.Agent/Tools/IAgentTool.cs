using System.Text.Json;

namespace KimiCode.Agent.Tools;

/// <summary>
/// A tool the model can call. A call happens in two steps so permissions can be decided between them:
/// <see cref="Prepare"/> validates the arguments (a bad call becomes an error the model sees, never an
/// exception) and describes what the call will touch; the loop then asks the permission policy, and only
/// then runs <see cref="PreparedToolCall.ExecuteAsync"/>.
/// </summary>
public interface IAgentTool
{
    /// <summary>The name the model calls, e.g. <c>Read</c>.</summary>
    string Name { get; }

    /// <summary>What the tool does, for the model.</summary>
    string Description { get; }

    /// <summary>JSON schema (an object schema) of the arguments.</summary>
    JsonElement ParametersSchema { get; }

    /// <summary>Validates <paramref name="arguments"/>; returns a call ready to run or an error for the model.</summary>
    ToolPreparation Prepare(JsonElement arguments, ToolContext context);
}
