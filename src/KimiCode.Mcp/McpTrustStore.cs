using System.Text;
using System.Text.Json;
using KimiCode.Config;

namespace KimiCode.Mcp;

/// <summary>
/// Which project stdio servers the user allowed to start: one entry per folder, server name and exact command line
/// (a changed command in the repository asks again). Kept in <c>$KIMI_CODE_HOME/mcp-trust.json</c>, written atomically.
/// </summary>
public sealed class McpTrustStore
{
    private readonly string _path;
    private readonly Lock _gate = new();

    public McpTrustStore(string kimiHome)
    {
        _path = System.IO.Path.Combine(kimiHome ?? throw new ArgumentNullException(nameof(kimiHome)), "mcp-trust.json");
    }

    public string FilePath => _path;

    /// <summary>Whether <paramref name="server"/> was allowed in <paramref name="folder"/> with this command line.</summary>
    public bool IsTrusted(string folder, McpServerConfig server)
    {
        ArgumentNullException.ThrowIfNull(server);
        lock (_gate)
        {
            return Read().Contains(Key(folder, server));
        }
    }

    /// <summary>Remembers that <paramref name="server"/> may start in <paramref name="folder"/>.</summary>
    public void Trust(string folder, McpServerConfig server)
    {
        ArgumentNullException.ThrowIfNull(server);
        lock (_gate)
        {
            var entries = Read();
            if (!entries.Add(Key(folder, server)))
            {
                return;
            }

            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
            {
                writer.WriteStartObject();
                writer.WriteStartArray("trusted");
                foreach (var (dir, name, command) in entries.Order())
                {
                    writer.WriteStartObject();
                    writer.WriteString("folder", dir);
                    writer.WriteString("server", name);
                    writer.WriteString("command", command);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(_path)!);
            AtomicFile.WriteAllText(_path, Encoding.UTF8.GetString(buffer.ToArray()) + "\n");
        }
    }

    private static (string, string, string) Key(string folder, McpServerConfig server)
        => (System.IO.Path.GetFullPath(folder).TrimEnd('/'), server.Name, server.Target);

    private HashSet<(string, string, string)> Read()
    {
        var entries = new HashSet<(string, string, string)>();
        try
        {
            if (!File.Exists(_path))
            {
                return entries;
            }

            using var document = JsonDocument.Parse(File.ReadAllText(_path));
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("trusted", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in list.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.Object
                        && item.TryGetProperty("folder", out var f) && f.ValueKind == JsonValueKind.String
                        && item.TryGetProperty("server", out var s) && s.ValueKind == JsonValueKind.String
                        && item.TryGetProperty("command", out var c) && c.ValueKind == JsonValueKind.String)
                    {
                        entries.Add((f.GetString()!, s.GetString()!, c.GetString()!));
                    }
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            // An unreadable trust file trusts nothing: the user is asked again.
        }

        return entries;
    }
}
