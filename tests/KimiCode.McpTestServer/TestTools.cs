using System.ComponentModel;
using System.Reflection;
using System.Text.Json;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace KimiCode.McpTestServer;

/// <summary>The tools the MCP tests call; each answers in one content shape.</summary>
[McpServerToolType]
public sealed class TestTools
{
    /// <summary>Server options offering every tool of this class (the stdio program and the tests' HTTP server share them).</summary>
    public static McpServerOptions ServerOptions()
    {
        var tools = new McpServerPrimitiveCollection<McpServerTool>();
        foreach (var method in typeof(TestTools).GetMethods(BindingFlags.Public | BindingFlags.Static))
        {
            if (method.GetCustomAttribute<McpServerToolAttribute>() is { } attribute)
            {
                tools.Add(McpServerTool.Create(method, (object?)null, new McpServerToolCreateOptions { Name = attribute.Name }));
            }
        }

        return new McpServerOptions { ServerInfo = new() { Name = "kimi-test-server", Version = "1.0.0" }, ToolCollection = tools };
    }

    /// <summary>A 1x1 PNG.</summary>
    public static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    [McpServerTool(Name = "echo"), Description("Returns the text it is given, prefixed with 'echo: '.")]
    public static string Echo([Description("The text to echo.")] string text) => "echo: " + text;

    [McpServerTool(Name = "add"), Description("Adds two integers.")]
    public static string Add(int a, int b) => (a + b).ToString(System.Globalization.CultureInfo.InvariantCulture);

    [McpServerTool(Name = "image"), Description("Returns a 1x1 PNG image.")]
    public static CallToolResult Image() => new() { Content = [ImageContentBlock.FromBytes(Png, "image/png"), new TextContentBlock { Text = "a red pixel" }] };

    [McpServerTool(Name = "fail"), Description("Always fails with an error result.")]
    public static CallToolResult Fail() => new() { IsError = true, Content = [new TextContentBlock { Text = "boom: the tool failed on purpose" }] };

    [McpServerTool(Name = "structured"), Description("Returns only structured content.")]
    public static CallToolResult Structured() => new() { Content = [], StructuredContent = JsonDocument.Parse("""{"temperature":21.5,"unit":"C"}""").RootElement.Clone() };

    [McpServerTool(Name = "resource"), Description("Returns an embedded text resource.")]
    public static CallToolResult Resource() => new()
    {
        Content = [new EmbeddedResourceBlock { Resource = new TextResourceContents { Uri = "test://notes/readme", MimeType = "text/plain", Text = "resource body text" } }],
    };

    [McpServerTool(Name = "big"), Description("Returns a text of the given length.")]
    public static string Big(int length) => new('x', length);

    [McpServerTool(Name = "pid"), Description("Returns this server's process id.")]
    public static string Pid() => Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [McpServerTool(Name = "env"), Description("Returns the value of an environment variable, or '(unset)'.")]
    public static string Env(string name) => Environment.GetEnvironmentVariable(name) ?? "(unset)";

    [McpServerTool(Name = "cwd"), Description("Returns the working directory.")]
    public static string Cwd() => Environment.CurrentDirectory;

    [McpServerTool(Name = "slow"), Description("Waits the given milliseconds, then answers; writes 'started' to marker when it begins and 'cancelled' when cancelled.")]
    public static async Task<string> Slow(int milliseconds, CancellationToken cancellationToken, string? marker = null)
    {
        try
        {
            if (marker is not null)
            {
                await File.WriteAllTextAsync(marker, "started", CancellationToken.None);
            }

            await Task.Delay(milliseconds, cancellationToken);
            return "slow done";
        }
        catch (OperationCanceledException)
        {
            if (marker is not null)
            {
                await File.WriteAllTextAsync(marker, "cancelled", CancellationToken.None);
            }

            throw;
        }
    }
}
