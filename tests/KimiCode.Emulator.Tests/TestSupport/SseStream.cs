using System.Text;
using System.Text.Json;

namespace KimiCode.Emulator.Tests.TestSupport;

/// <summary>Reads an SSE body the way a client would and reassembles the deltas.</summary>
internal sealed class SseStream
{
    public List<JsonElement> Chunks { get; } = [];

    public bool SawDone { get; private set; }

    /// <summary>True when reading stopped with an I/O error (the server aborted the connection).</summary>
    public bool Broken { get; private set; }

    public string Reasoning { get; private set; } = "";

    public string Content { get; private set; } = "";

    public string? FinishReason { get; private set; }

    public JsonElement? Usage { get; private set; }

    public SortedDictionary<int, (string? Id, string? Name, StringBuilder Arguments)> ToolCalls { get; } = [];

    public static async Task<SseStream> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var result = new SseStream();
        try
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (!line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    continue;
                }

                var data = line["data: ".Length..];
                if (data == "[DONE]")
                {
                    result.SawDone = true;
                    continue;
                }

                result.Add(JsonDocument.Parse(data).RootElement.Clone());
            }
        }
        catch (HttpRequestException)
        {
            result.Broken = true;
        }
        catch (IOException)
        {
            result.Broken = true;
        }

        return result;
    }

    private void Add(JsonElement chunk)
    {
        Chunks.Add(chunk);
        if (chunk.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Object)
        {
            Usage = usage;
        }

        foreach (var choice in chunk.GetProperty("choices").EnumerateArray())
        {
            if (choice.TryGetProperty("finish_reason", out var finish) && finish.ValueKind == JsonValueKind.String)
            {
                FinishReason = finish.GetString();
            }

            var delta = choice.GetProperty("delta");
            if (delta.TryGetProperty("reasoning_content", out var reasoning))
            {
                Reasoning += reasoning.GetString();
            }

            if (delta.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
            {
                Content += content.GetString();
            }

            if (delta.TryGetProperty("tool_calls", out var calls))
            {
                foreach (var call in calls.EnumerateArray())
                {
                    var index = call.GetProperty("index").GetInt32();
                    if (!ToolCalls.TryGetValue(index, out var entry))
                    {
                        entry = (null, null, new StringBuilder());
                    }

                    if (call.TryGetProperty("id", out var id))
                    {
                        entry.Id = id.GetString();
                    }

                    if (call.TryGetProperty("function", out var function))
                    {
                        if (function.TryGetProperty("name", out var name))
                        {
                            entry.Name = name.GetString();
                        }

                        if (function.TryGetProperty("arguments", out var args))
                        {
                            entry.Arguments.Append(args.GetString());
                        }
                    }

                    ToolCalls[index] = entry;
                }
            }
        }
    }
}
