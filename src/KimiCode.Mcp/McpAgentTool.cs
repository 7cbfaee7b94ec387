using System.Text.Json;
using KimiCode.Agent.Tools;
using ModelContextProtocol.Protocol;

namespace KimiCode.Mcp;

/// <summary>
/// A server's tool as the agent sees it: named <c>mcp__&lt;server&gt;__&lt;tool&gt;</c>, with the server's description
/// and input schema. A call needs permission like a command (<see cref="PermissionAction.Execute"/>: asks unless a rule
/// or a session grant allows it, or the mode is yolo/auto; rules match the name only, as officially documented). It runs
/// within the server's tool timeout and is cancelled with the turn.
/// </summary>
public sealed class McpAgentTool : IAgentTool
{
    private static readonly JsonElement EmptyObjectSchema = JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement.Clone();
    private readonly McpServerConnection _server;
    private readonly Tool _tool;
    private readonly McpResultOptions _results;

    public McpAgentTool(McpServerConnection server, Tool tool, McpResultOptions results)
    {
        _server = server ?? throw new ArgumentNullException(nameof(server));
        _tool = tool ?? throw new ArgumentNullException(nameof(tool));
        _results = results ?? throw new ArgumentNullException(nameof(results));
        Name = McpToolName.For(server.Config.Name, tool.Name);
        ParametersSchema = tool.InputSchema.ValueKind == JsonValueKind.Object ? tool.InputSchema : EmptyObjectSchema;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public string Description => string.IsNullOrWhiteSpace(_tool.Description)
        ? $"The '{_tool.Name}' tool of the MCP server '{_server.Config.Name}'."
        : _tool.Description;

    /// <inheritdoc />
    public JsonElement ParametersSchema { get; }

    /// <inheritdoc />
    public ToolPreparation Prepare(JsonElement arguments, ToolContext context)
    {
        var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (arguments.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in arguments.EnumerateObject())
            {
                values[property.Name] = property.Value.Clone();
            }
        }
        else if (arguments.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null))
        {
            return ToolPreparation.Fail($"{Name}: the arguments must be a JSON object matching the tool's schema.");
        }

        return ToolPreparation.Ok(new McpToolCall(this, values)
        {
            Title = $"{_server.Config.Name}: {_tool.Title ?? _tool.Name}",
            Kind = _tool.Annotations?.ReadOnlyHint == true ? ToolKind.Read : ToolKind.Other,
            Action = PermissionAction.Execute,
        });
    }

    private sealed class McpToolCall : PreparedToolCall
    {
        private readonly McpAgentTool _owner;
        private readonly Dictionary<string, JsonElement> _arguments;

        public McpToolCall(McpAgentTool owner, Dictionary<string, JsonElement> arguments)
        {
            _owner = owner;
            _arguments = arguments;
        }

        public override async Task<ToolResult> ExecuteAsync(IProgress<ToolProgress>? progress, CancellationToken cancellationToken)
        {
            try
            {
                var result = await _owner._server.CallAsync(_owner._tool.Name, _arguments, cancellationToken).ConfigureAwait(false);
                return McpResultContent.ToToolResult(result, _owner._results);
            }
            catch (TimeoutException ex)
            {
                return ToolResult.Error($"{_owner.Name} failed: {ex.Message}. Try again with a smaller request, or go on without this tool.");
            }
            catch (McpConnectionException ex)
            {
                return ToolResult.Error($"{_owner.Name} failed: {ex.Message}. Go on without this tool.");
            }
        }
    }
}
