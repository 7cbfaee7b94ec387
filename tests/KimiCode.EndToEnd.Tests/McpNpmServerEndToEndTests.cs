using KimiCode.EndToEnd.Tests.Interop;

namespace KimiCode.EndToEnd.Tests;

/// <summary>
/// A public MCP server from the npm registry (<c>@modelcontextprotocol/server-everything</c>), installed once into a
/// cache folder with the interop tests' npm installer, run with the machine's <c>node</c> through the real <c>kimi -p</c>.
/// Skips only when the npm registry cannot be reached.
/// </summary>
public sealed class McpNpmServerEndToEndTests
{
    private const string Version = "2026.8.31";
    private const string Key = "sk-mcp-npm";

    [Fact]
    public async Task Print_ServerEverythingFromNpm_ToolListedCalledAndResultInNextRequest()
    {
        string script = await InstallAsync();
        await using var home = await TestHome.StartWithApiKeyAsync(Key);
        string scriptJson = System.Text.Json.JsonSerializer.Serialize(script, E2eJson.Default.String);
        File.WriteAllText(Path.Combine(home.Root, "mcp.json"), "{\"mcpServers\": {\"everything\": {\"command\": \"node\", \"args\": [" + scriptJson + ", \"stdio\"]}}}");
        var work = home.Workspace();

        var result = await home.RunAsync("-p", "add\ntool: mcp__everything__get-sum {\"a\":5,\"b\":3}", "-w", work, "--yolo");

        Assert.True(result.ExitCode == 0, result.ToString());
        var requests = home.Emulator.State.Requests.Where(r => r.Path == "/coding/v1/chat/completions").ToList();
        Assert.Contains("\"mcp__everything__get-sum\"", requests[0].Body, StringComparison.Ordinal);
        Assert.Contains("\"mcp__everything__echo\"", requests[0].Body, StringComparison.Ordinal);
        Assert.Contains("The sum of 5 and 3 is 8.", requests[^1].Body, StringComparison.Ordinal);
    }

    /// <summary>The server's entry script, installed into <c>…/kimi-dotnet/mcp/server-everything-&lt;version&gt;</c> once (appears whole, by a rename).</summary>
    private static async Task<string> InstallAsync()
    {
        string folder = Path.Combine(Path.GetDirectoryName(OfficialClientInstall.DefaultCacheRoot())!, "mcp", "server-everything-" + Version);
        string script = Path.Combine(folder, "node_modules", "@modelcontextprotocol", "server-everything", "dist", "index.js");
        if (File.Exists(script))
        {
            return script;
        }

        string partial = $"{folder}.partial-{Guid.NewGuid():N}";
        Directory.CreateDirectory(partial);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
            var npm = await OfficialClientInstall.NpmInstallAsync(partial, [$"@modelcontextprotocol/server-everything@{Version}"], null, null, timeout.Token);
            if (npm.ExitCode != 0)
            {
                Assert.SkipWhen(OfficialClientInstall.RegistryUnreachable(npm.Stderr), "the npm registry cannot be reached, so @modelcontextprotocol/server-everything is not installed");
                throw new InvalidOperationException($"npm could not install @modelcontextprotocol/server-everything@{Version} (exit {npm.ExitCode}):\n{npm.Stderr}");
            }

            try
            {
                Directory.Move(partial, folder);
            }
            catch (IOException) when (File.Exists(script))
            {
                // Another run installed it meanwhile.
            }

            return script;
        }
        finally
        {
            if (Directory.Exists(partial))
            {
                Directory.Delete(partial, recursive: true);
            }
        }
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class E2eJson : System.Text.Json.Serialization.JsonSerializerContext;
