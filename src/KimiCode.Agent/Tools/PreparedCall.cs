namespace KimiCode.Agent.Tools;

/// <summary>A prepared call that runs a delegate (the built-in tools' calls).</summary>
internal sealed class PreparedCall : PreparedToolCall
{
    private readonly Func<IProgress<ToolProgress>?, CancellationToken, Task<ToolResult>> _execute;

    public PreparedCall(Func<IProgress<ToolProgress>?, CancellationToken, Task<ToolResult>> execute)
    {
        _execute = execute;
    }

    public override Task<ToolResult> ExecuteAsync(IProgress<ToolProgress>? progress, CancellationToken cancellationToken)
        => _execute(progress, cancellationToken);
}
