namespace KimiCode.Agent.Tools;

/// <summary>The outcome of <see cref="IAgentTool.Prepare"/>: a runnable call, or an error the model sees.</summary>
public sealed class ToolPreparation
{
    private ToolPreparation(PreparedToolCall? call, string? error)
    {
        Call = call;
        Error = error;
    }

    /// <summary>The call, when the arguments were valid.</summary>
    public PreparedToolCall? Call { get; }

    /// <summary>What is wrong with the arguments, phrased so the model can fix its call.</summary>
    public string? Error { get; }

    /// <summary>A valid call.</summary>
    public static ToolPreparation Ok(PreparedToolCall call) => new(call ?? throw new ArgumentNullException(nameof(call)), null);

    /// <summary>An invalid call.</summary>
    public static ToolPreparation Fail(string error) => new(null, error);
}
