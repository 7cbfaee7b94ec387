using System.Text.Json;

namespace KimiCode.Mcp.Tests;

/// <summary>Servers of the in-repo test server and a connection context for them.</summary>
internal static class McpFixtures
{
    public static McpServerConfig Stdio(string name, string mode = "serve", int? startupTimeoutMs = null, int? toolTimeoutMs = null, string? pidFile = null)
    {
        var (command, args) = TestMcpServer.CommandLine(mode, pidFile);
        return new McpServerConfig
        {
            Name = name,
            Transport = McpTransport.Stdio,
            Command = command,
            Args = args,
            StartupTimeoutMs = startupTimeoutMs,
            ToolTimeoutMs = toolTimeoutMs,
        };
    }

    public static McpConnectionContext Context(string workingDirectory) => new()
    {
        WorkingDirectory = workingDirectory,
        // Generous: a dotnet child on a busy machine can take seconds to start; failures below are noticed without it.
        Timeouts = new McpTimeouts((int)TestTimeouts.Default.TotalMilliseconds, (int)TestTimeouts.Default.TotalMilliseconds),
    };

    public static async Task<McpServerConnection> ConnectAsync(McpServerConfig server, string workingDirectory)
    {
        var connection = new McpServerConnection(server, Context(workingDirectory));
        await connection.StartAsync().WaitAsync(TestTimeouts.Default);
        return connection;
    }

    public static IReadOnlyDictionary<string, JsonElement> Args(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
    }
}
