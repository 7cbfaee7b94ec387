namespace KimiCode.Testing;

/// <summary>
/// The in-repo MCP stdio server (tests/KimiCode.McpTestServer, built on the official SDK's server side) as an
/// <c>mcp.json</c> entry. Modes: <c>serve</c>, <c>exit-at-start</c>, <c>hang</c>, <c>garbage</c>, <c>linger</c>.
/// A test project that uses it references tests/KimiCode.McpTestServer so that it is built first.
/// </summary>
public static class TestMcpServer
{
    public static string Assembly => ChildProcess.BuiltAssembly(System.IO.Path.Combine("tests", "KimiCode.McpTestServer"), "KimiCode.McpTestServer.dll");

    /// <summary>The program and arguments that start it in <paramref name="mode"/>.</summary>
    public static (string Command, string[] Args) CommandLine(string mode = "serve", string? pidFile = null)
        => (ChildProcess.Dotnet, pidFile is null ? ["exec", Assembly, mode] : ["exec", Assembly, mode, "--pid-file", pidFile]);

    /// <summary>A JSON object for <c>mcpServers</c>: <c>{"command":…,"args":[…]}</c> plus <paramref name="extra"/> members (raw JSON, e.g. <c>"startupTimeoutMs": 2000</c>).</summary>
    public static string Entry(string mode = "serve", string? pidFile = null, string? extra = null)
    {
        var (command, args) = CommandLine(mode, pidFile);
        string list = string.Join(", ", args.Select(Json));
        return $"{{\"command\": {Json(command)}, \"args\": [{list}]{(extra is null ? "" : ", " + extra)}}}";
    }

    /// <summary>A whole <c>mcp.json</c> with the given <c>name → entry</c> pairs.</summary>
    public static string File(params (string Name, string Entry)[] servers)
        => "{\"mcpServers\": {" + string.Join(", ", servers.Select(s => $"{Json(s.Name)}: {s.Entry}")) + "}}";

    private static string Json(string text) => System.Text.Json.JsonSerializer.Serialize(text, TestingJson.Default.String);
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class TestingJson : System.Text.Json.Serialization.JsonSerializerContext;
