using System.Text;
using System.Text.Json;
using KimiCode.Agent.Tools;

namespace KimiCode.Agent.Tests.Tools;

/// <summary>One temporary workspace per test (deleted afterwards) with a real file system and command runner.</summary>
internal sealed class ToolTestWorkspace : IDisposable
{
    private readonly TempFolder _folder = new("kimi-tools-tests");

    public ToolTestWorkspace()
    {
        WorkingDirectory = _folder.Folder("work");
        Context = new ToolContext
        {
            WorkingDirectory = WorkingDirectory,
            Files = new LocalWorkspaceFileSystem(),
            Commands = new LocalCommandRunner(),
        };
    }

    /// <summary>The temporary folder; <see cref="WorkingDirectory"/> is its <c>work</c> subfolder, so tests can reach outside it.</summary>
    public string Root => _folder.Path;

    public string WorkingDirectory { get; }

    public ToolContext Context { get; }

    /// <summary>The absolute path of <paramref name="relative"/> in the working directory.</summary>
    public string PathOf(string relative) => Path.GetFullPath(Path.Combine(WorkingDirectory, relative));

    public string WriteFile(string relative, string content, DateTime? modifiedUtc = null)
    {
        var path = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content, new UTF8Encoding(false));
        if (modifiedUtc is { } time)
        {
            File.SetLastWriteTimeUtc(path, time);
        }

        return path;
    }

    public string ReadFile(string relative) => File.ReadAllText(PathOf(relative));

    public void Dispose() => _folder.Dispose();
}

/// <summary>Builds tool arguments as JSON (reflection-free) and runs tools.</summary>
internal static class ToolTesting
{
    /// <summary>A JSON object from name/value pairs; values may be string, bool, int, long, null, JsonElement or an object[] array of those.</summary>
    public static JsonElement Args(params (string Name, object? Value)[] pairs)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in pairs)
            {
                writer.WritePropertyName(name);
                WriteValue(writer, value);
            }

            writer.WriteEndObject();
        }

        return Parse(Encoding.UTF8.GetString(stream.ToArray()));
    }

    public static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    public static PreparedToolCall PrepareOk(this IAgentTool tool, JsonElement arguments, ToolContext context)
    {
        var preparation = tool.Prepare(arguments, context);
        Assert.Null(preparation.Error);
        Assert.NotNull(preparation.Call);
        return preparation.Call!;
    }

    public static string PrepareError(this IAgentTool tool, JsonElement arguments, ToolContext context)
    {
        var preparation = tool.Prepare(arguments, context);
        Assert.Null(preparation.Call);
        Assert.NotNull(preparation.Error);
        return preparation.Error!;
    }

    public static async Task<ToolResult> RunAsync(this IAgentTool tool, JsonElement arguments, ToolContext context)
    {
        var call = tool.PrepareOk(arguments, context);
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        return await call.ExecuteAsync(null, timeout.Token);
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string text:
                writer.WriteStringValue(text);
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            case int number:
                writer.WriteNumberValue(number);
                break;
            case long number:
                writer.WriteNumberValue(number);
                break;
            case double number:
                writer.WriteNumberValue(number);
                break;
            case JsonElement element:
                element.WriteTo(writer);
                break;
            case object[] items:
                writer.WriteStartArray();
                foreach (var item in items)
                {
                    WriteValue(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                throw new ArgumentException($"Unsupported test value {value.GetType()}");
        }
    }
}
