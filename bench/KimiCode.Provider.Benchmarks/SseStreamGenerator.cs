using System.Globalization;
using System.Text;
using System.Text.Json;

namespace KimiCode.Provider.Benchmarks;

/// <summary>
/// Builds a realistic chat-completion SSE body in memory: long runs of reasoning and content
/// deltas (a few words each, as the service streams them), tool calls whose arguments arrive in
/// fragments, then finish_reason, usage and [DONE].
/// </summary>
internal static class SseStreamGenerator
{
    private static readonly string[] Words =
        ["the", "function", "returns", "a", "value", "when", "parser", "reads", "chunk", "token", "stream", "class", "file", "überprüfen", "测试", "data", "\"quoted\"", "line\n"];

    public static (byte[] Payload, int Chunks) Generate(int targetBytes)
    {
        var builder = new StringBuilder(targetBytes + 4096);
        var random = new Random(42);
        int chunks = 0;
        int toolIndex = 0;

        void Data(string json)
        {
            builder.Append("data: ").Append(json).Append("\n\n");
            chunks++;
        }

        string Delta(string delta) =>
            "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"kimi-for-coding\",\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":null}]}";

        string Quote(string s) => JsonEncodedTextOf(s);

        string Phrase()
        {
            int count = random.Next(1, 5);
            var phrase = new StringBuilder();
            for (int i = 0; i < count; i++)
            {
                phrase.Append(Words[random.Next(Words.Length)]).Append(' ');
            }

            return phrase.ToString();
        }

        Data(Delta("{\"role\":\"assistant\"}"));
        while (builder.Length < targetBytes)
        {
            for (int i = 0; i < 40; i++)
            {
                Data(Delta("{\"reasoning_content\":" + Quote(Phrase()) + "}"));
            }

            for (int i = 0; i < 60; i++)
            {
                Data(Delta("{\"content\":" + Quote(Phrase()) + "}"));
            }

            string id = "call_" + toolIndex.ToString(CultureInfo.InvariantCulture);
            Data(Delta("{\"tool_calls\":[{\"index\":" + toolIndex.ToString(CultureInfo.InvariantCulture) + ",\"id\":\"" + id + "\",\"type\":\"function\",\"function\":{\"name\":\"write_file\",\"arguments\":\"\"}}]}"));
            string arguments = "{\"path\":\"src/file" + toolIndex.ToString(CultureInfo.InvariantCulture) + ".cs\",\"content\":" + Quote(Phrase() + Phrase() + Phrase()) + "}";
            for (int at = 0; at < arguments.Length; at += 12)
            {
                string fragment = arguments.Substring(at, Math.Min(12, arguments.Length - at));
                Data(Delta("{\"tool_calls\":[{\"index\":" + toolIndex.ToString(CultureInfo.InvariantCulture) + ",\"function\":{\"arguments\":" + Quote(fragment) + "}}]}"));
            }

            toolIndex++;
        }

        Data("{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"kimi-for-coding\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}");
        Data("{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"kimi-for-coding\",\"choices\":[],\"usage\":{\"prompt_tokens\":120000,\"completion_tokens\":900000,\"total_tokens\":1020000,\"cached_tokens\":100000}}");
        builder.Append("data: [DONE]\n\n");
        return (Encoding.UTF8.GetBytes(builder.ToString()), chunks);
    }

    private static string JsonEncodedTextOf(string value) => "\"" + JsonEncodedText.Encode(value).ToString() + "\"";
}
