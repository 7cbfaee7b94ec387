using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KimiCode.Config;

namespace KimiCode.Mcp;

/// <summary>
/// Adds and removes servers in an <c>mcp.json</c> file in the official format, keeping every other field and server as
/// it is (unknown ones included); written atomically, readable by the owner only (entries may hold tokens).
/// </summary>
public static class McpConfigEditor
{
    private static readonly JsonDocumentOptions ReadOptions = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    /// <summary>Adds <paramref name="entry"/> as <paramref name="name"/>; throws <see cref="McpConfigException"/> when the name is taken or the entry invalid.</summary>
    public static void Add(string path, string name, JsonObject entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        using (var check = JsonDocument.Parse(entry.ToJsonString()))
        {
            if (McpConfigReader.ReadEntry(name, check.RootElement, path, McpServerOrigin.User, out var problem) is null)
            {
                throw new McpConfigException(problem!);
            }
        }

        var root = Load(path);
        var servers = Servers(root, path, create: true)!;
        if (servers.ContainsKey(name))
        {
            throw new McpConfigException($"{path}: a server named \"{name}\" already exists; remove it first with `kimi mcp remove {name}`");
        }

        servers[name] = entry;
        Save(path, root);
    }

    /// <summary>Removes <paramref name="name"/>; false when the file has no such server.</summary>
    public static bool Remove(string path, string name)
    {
        if (!File.Exists(path))
        {
            return false;
        }

        var root = Load(path);
        if (Servers(root, path, create: false) is not { } servers || !servers.Remove(name))
        {
            return false;
        }

        Save(path, root);
        return true;
    }

    /// <summary>Whether the file names server <paramref name="name"/>.</summary>
    public static bool Contains(string path, string name)
        => File.Exists(path) && Servers(Load(path), path, create: false) is { } servers && servers.ContainsKey(name);

    private static JsonObject Load(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        try
        {
            return JsonNode.Parse(File.ReadAllText(path), documentOptions: ReadOptions) as JsonObject
                ?? throw new McpConfigException($"{path}: the file must hold a JSON object; fix it by hand first");
        }
        catch (JsonException ex)
        {
            throw new McpConfigException($"{path}: not valid JSON ({ex.Message}); fix it by hand first");
        }
    }

    private static JsonObject? Servers(JsonObject root, string path, bool create)
    {
        if (root["mcpServers"] is JsonObject servers)
        {
            return servers;
        }

        if (root["mcpServers"] is not null)
        {
            throw new McpConfigException($"{path}: \"mcpServers\" is not an object; fix it by hand first");
        }

        if (!create)
        {
            return null;
        }

        servers = [];
        root["mcpServers"] = servers;
        return servers;
    }

    private static void Save(string path, JsonObject root)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            root.WriteTo(writer);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        AtomicFile.WriteAllText(path, Encoding.UTF8.GetString(buffer.ToArray()) + "\n");
    }
}
