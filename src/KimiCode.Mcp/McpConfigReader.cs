using System.Text.Json;

namespace KimiCode.Mcp;

/// <summary>What reading a set of server entries gave: the valid servers, and one line per entry that was skipped.</summary>
public sealed record McpServerList(IReadOnlyList<McpServerConfig> Servers, IReadOnlyList<string> Problems)
{
    public static McpServerList Empty { get; } = new([], []);
}

/// <summary>
/// Reads server entries in the official <c>mcp.json</c> shape (<c>{"mcpServers": {name: {...}}}</c>) and in the ACP
/// <c>mcpServers</c> array shape. A malformed entry is skipped with a one-line problem naming the server and the
/// field; the others still load. Unknown fields are ignored (the official client may add some).
/// </summary>
public static class McpConfigReader
{
    /// <summary>Reads a whole <c>mcp.json</c> text; <paramref name="source"/> names it in problems.</summary>
    public static McpServerList ReadFile(string json, string source, McpServerOrigin origin)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            return new McpServerList([], [$"{source}: not valid JSON ({ex.Message}); fix the file, no server in it is started"]);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return new McpServerList([], [$"{source}: the file must hold a JSON object with \"mcpServers\"; no server in it is started"]);
            }

            if (!document.RootElement.TryGetProperty("mcpServers", out var servers) || servers.ValueKind == JsonValueKind.Null)
            {
                return McpServerList.Empty;
            }

            if (servers.ValueKind != JsonValueKind.Object)
            {
                return new McpServerList([], [$"{source}: \"mcpServers\" must be an object of servers by name; no server in it is started"]);
            }

            var list = new List<McpServerConfig>();
            var problems = new List<string>();
            foreach (var entry in servers.EnumerateObject())
            {
                if (ReadEntry(entry.Name, entry.Value, source, origin, out var problem) is { } server)
                {
                    list.Add(server);
                }
                else
                {
                    problems.Add(problem!);
                }
            }

            return new McpServerList(list, problems);
        }
    }

    /// <summary>One <c>mcp.json</c> entry; null with a one-line <paramref name="problem"/> when it is malformed.</summary>
    public static McpServerConfig? ReadEntry(string name, JsonElement entry, string source, McpServerOrigin origin, out string? problem)
    {
        problem = null;
        string Where(string field) => $"{source}: server \"{name}\": {field}";
        if (McpToolName.NameProblem(name) is { } bad)
        {
            problem = $"{source}: server \"{name}\": {bad}; rename it (the server is skipped)";
            return null;
        }

        if (entry.ValueKind != JsonValueKind.Object)
        {
            problem = $"{Where("the entry")} must be an object with \"command\" or \"url\" (the server is skipped)";
            return null;
        }

        try
        {
            string? command = OptionalString(entry, "command", Where);
            string? urlText = OptionalString(entry, "url", Where);
            string? transportText = OptionalString(entry, "transport", Where) ?? OptionalString(entry, "type", Where);
            McpTransport transport;
            if (command is not null && urlText is not null)
            {
                throw new McpConfigException(Where("has both \"command\" and \"url\"; keep one"));
            }

            if (command is not null)
            {
                if (transportText is not null and not "stdio")
                {
                    throw new McpConfigException(Where($"\"transport\" is \"{transportText}\" but the entry has \"command\"; a stdio server needs no transport"));
                }

                if (command.Trim().Length == 0)
                {
                    throw new McpConfigException(Where("\"command\" is empty; name the program to start"));
                }

                transport = McpTransport.Stdio;
            }
            else if (urlText is not null)
            {
                transport = transportText switch
                {
                    null or "http" or "streamable-http" or "streamableHttp" => McpTransport.Http,
                    "sse" => McpTransport.Sse,
                    _ => throw new McpConfigException(Where($"\"transport\" must be \"http\" or \"sse\", not \"{transportText}\"")),
                };
            }
            else
            {
                throw new McpConfigException(Where("needs \"command\" (a stdio server) or \"url\" (an HTTP server)"));
            }

            Uri? url = null;
            if (urlText is not null && (!Uri.TryCreate(urlText, UriKind.Absolute, out url) || url.Scheme is not ("http" or "https")))
            {
                throw new McpConfigException(Where($"\"url\" must be an absolute http(s) URL, not \"{urlText}\""));
            }

            return new McpServerConfig
            {
                Name = name,
                Transport = transport,
                Origin = origin,
                SourcePath = source,
                Command = command,
                Args = StringArray(entry, "args", Where),
                Env = StringMap(entry, "env", Where),
                Cwd = OptionalString(entry, "cwd", Where),
                Url = url,
                Headers = StringMap(entry, "headers", Where),
                BearerTokenEnvVar = OptionalString(entry, "bearerTokenEnvVar", Where),
                Enabled = OptionalBool(entry, "enabled", Where) ?? true,
                StartupTimeoutMs = Timeout(entry, "startupTimeoutMs", Where),
                ToolTimeoutMs = Timeout(entry, "toolTimeoutMs", Where),
                EnabledTools = StringArray(entry, "enabledTools", Where),
                DisabledTools = StringArray(entry, "disabledTools", Where),
            };
        }
        catch (McpConfigException ex)
        {
            problem = ex.Message + " (the server is skipped)";
            return null;
        }
    }

    /// <summary>
    /// The ACP <c>mcpServers</c> array: <c>{name, command, args, env:[{name,value}]}</c> for stdio, <c>{type:"http"|"sse",
    /// name, url, headers:[{name,value}]}</c>. Throws <see cref="McpConfigException"/> (one line) for the first malformed
    /// entry: the editor gets -32602. <c>acp</c> servers are left out (listed in <paramref name="ignored"/>).
    /// </summary>
    public static IReadOnlyList<McpServerConfig> ReadEditorServers(IReadOnlyList<JsonElement> servers, bool allowRemote, out IReadOnlyList<string> ignored)
    {
        ArgumentNullException.ThrowIfNull(servers);
        var list = new List<McpServerConfig>();
        var skipped = new List<string>();
        for (int i = 0; i < servers.Count; i++)
        {
            var entry = servers[i];
            string at = $"mcpServers[{i}]";
            if (entry.ValueKind != JsonValueKind.Object)
            {
                throw new McpConfigException($"{at} must be an object");
            }

            string Where(string field) => $"{at}: {field}";
            string name = OptionalString(entry, "name", Where) ?? throw new McpConfigException($"{at}: \"name\" is required");
            if (McpToolName.NameProblem(name) is { } bad)
            {
                throw new McpConfigException($"{at}: {bad}");
            }

            if (list.Any(s => s.Name == name))
            {
                throw new McpConfigException($"{at}: two servers are named \"{name}\"; names must be unique");
            }

            string? type = OptionalString(entry, "type", Where);
            if (type == "acp")
            {
                skipped.Add(name);
                continue;
            }

            if (type is null or "stdio")
            {
                string command = OptionalString(entry, "command", Where) ?? throw new McpConfigException($"{at}: \"command\" is required for a stdio server");
                if (command.Trim().Length == 0)
                {
                    throw new McpConfigException($"{at}: \"command\" is empty");
                }

                list.Add(new McpServerConfig
                {
                    Name = name,
                    Transport = McpTransport.Stdio,
                    Origin = McpServerOrigin.Editor,
                    Command = command,
                    Args = StringArray(entry, "args", Where),
                    Env = NameValueArray(entry, "env", Where),
                });
                continue;
            }

            if (type is not ("http" or "sse"))
            {
                throw new McpConfigException($"{at}: \"type\" must be \"stdio\", \"http\" or \"sse\", not \"{type}\"");
            }

            if (!allowRemote)
            {
                throw new McpConfigException($"{at}: {type} servers are not supported; use a stdio server");
            }

            string urlText = OptionalString(entry, "url", Where) ?? throw new McpConfigException($"{at}: \"url\" is required for an {type} server");
            if (!Uri.TryCreate(urlText, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                throw new McpConfigException($"{at}: \"url\" must be an absolute http(s) URL, not \"{urlText}\"");
            }

            list.Add(new McpServerConfig
            {
                Name = name,
                Transport = type == "sse" ? McpTransport.Sse : McpTransport.Http,
                Origin = McpServerOrigin.Editor,
                Url = url,
                Headers = NameValueArray(entry, "headers", Where),
            });
        }

        ignored = skipped;
        return list;
    }

    private static string? OptionalString(JsonElement entry, string field, Func<string, string> where)
    {
        if (!entry.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new McpConfigException(where($"\"{field}\" must be a string"));
    }

    private static bool? OptionalBool(JsonElement entry, string field, Func<string, string> where)
    {
        if (!entry.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new McpConfigException(where($"\"{field}\" must be true or false")),
        };
    }

    private static int? Timeout(JsonElement entry, string field, Func<string, string> where)
    {
        if (!entry.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int ms) && ms >= 1
            ? ms
            : throw new McpConfigException(where($"\"{field}\" must be a whole number of milliseconds from 1 to 2147483647"));
    }

    private static string[] StringArray(JsonElement entry, string field, Func<string, string> where)
    {
        if (!entry.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(item => item.ValueKind != JsonValueKind.String))
        {
            throw new McpConfigException(where($"\"{field}\" must be an array of strings"));
        }

        return value.EnumerateArray().Select(item => item.GetString()!).ToArray();
    }

    private static KeyValuePair<string, string>[] StringMap(JsonElement entry, string field, Func<string, string> where)
    {
        if (!entry.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (value.ValueKind != JsonValueKind.Object || value.EnumerateObject().Any(p => p.Value.ValueKind != JsonValueKind.String))
        {
            throw new McpConfigException(where($"\"{field}\" must be an object of string values"));
        }

        return value.EnumerateObject().Select(p => new KeyValuePair<string, string>(p.Name, p.Value.GetString()!)).ToArray();
    }

    private static List<KeyValuePair<string, string>> NameValueArray(JsonElement entry, string field, Func<string, string> where)
    {
        if (!entry.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        var pairs = new List<KeyValuePair<string, string>>();
        if (value.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in value.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Object
                    && item.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String
                    && item.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.String)
                {
                    pairs.Add(new(n.GetString()!, v.GetString()!));
                    continue;
                }

                throw new McpConfigException(where($"\"{field}\" must be an array of {{\"name\": string, \"value\": string}}"));
            }

            return pairs;
        }

        throw new McpConfigException(where($"\"{field}\" must be an array of {{\"name\": string, \"value\": string}}"));
    }
}

/// <summary>A malformed server entry; the message is one line naming the server and the field.</summary>
public sealed class McpConfigException : Exception
{
    public McpConfigException(string message)
        : base(message)
    {
    }

    public McpConfigException()
    {
    }

    public McpConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
