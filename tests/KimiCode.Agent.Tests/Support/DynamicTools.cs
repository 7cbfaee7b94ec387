using System.Text.Json;
using KimiCode.Agent.Permissions;
using KimiCode.Agent.Tools;

namespace KimiCode.Agent.Tests.Support;

/// <summary>Stand-ins for tools that come and go (<see cref="IToolSource"/>, as MCP servers' tools do).</summary>
internal static class DynamicTools
{
    /// <summary>Answers each request with the next snapshot; the last one repeats.</summary>
    internal sealed class ScriptedToolSource(params ToolSourceSnapshot[] snapshots) : IToolSource
    {
        private int _next;

        public ValueTask<ToolSourceSnapshot> SnapshotAsync(CancellationToken cancellationToken)
            => ValueTask.FromResult(snapshots[Math.Min(_next++, snapshots.Length - 1)]);
    }

    /// <summary>A read-only tool answering "pong from NAME".</summary>
    internal sealed class PingTool(string name) : IAgentTool
    {
        private static readonly JsonElement Schema = JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement.Clone();
        private int _executions;

        public string Name => name;

        public string Description => "Answers pong.";

        public JsonElement ParametersSchema => Schema;

        public int Executions => Volatile.Read(ref _executions);

        public ToolPreparation Prepare(JsonElement arguments, ToolContext context) => ToolPreparation.Ok(new DelegateCall((_, _) =>
        {
            Interlocked.Increment(ref _executions);
            return Task.FromResult(ToolResult.Success("pong from " + name));
        })
        { Title = name, Kind = ToolKind.Read, Action = PermissionAction.Read });
    }
}
