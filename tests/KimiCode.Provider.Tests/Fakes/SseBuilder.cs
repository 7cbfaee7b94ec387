using System.Globalization;
using System.Text;
using System.Text.Json;

namespace KimiCode.Provider.Tests.Fakes;

/// <summary>Builds chat-completion SSE bodies the way the Kimi service streams them.</summary>
internal sealed class SseBuilder
{
    private readonly StringBuilder _body = new();
    private readonly string _id;
    private readonly string _model;

    public SseBuilder(string id = "chatcmpl-1", string model = "kimi-for-coding")
    {
        _id = id;
        _model = model;
    }

    public SseBuilder Raw(string data)
    {
        _body.Append("data: ").Append(data).Append("\n\n");
        return this;
    }

    public SseBuilder Role() => Delta("""{"role":"assistant"}""");

    public SseBuilder Reasoning(string text) => Delta($$"""{"reasoning_content":{{Quote(text)}}}""");

    public SseBuilder Content(string text) => Delta($$"""{"content":{{Quote(text)}}}""");

    public SseBuilder ToolCallStart(int index, string id, string name, string arguments = "") =>
        Delta($$$"""{"tool_calls":[{"index":{{{index}}},"id":{{{Quote(id)}}},"type":"function","function":{"name":{{{Quote(name)}}},"arguments":{{{Quote(arguments)}}}}}]}""");

    public SseBuilder ToolCallArguments(int index, string fragment) =>
        Delta($$$"""{"tool_calls":[{"index":{{{index}}},"function":{"arguments":{{{Quote(fragment)}}}}}]}""");

    public SseBuilder Finish(string reason, string? choiceUsage = null) =>
        Raw($$"""{"id":"{{_id}}","object":"chat.completion.chunk","created":1700000000,"model":"{{_model}}","choices":[{"index":0,"delta":{},"finish_reason":{{Quote(reason)}}{{(choiceUsage is null ? "" : ",\"usage\":" + choiceUsage)}}}]}""");

    public SseBuilder Usage(int prompt, int completion, int? cached = null) =>
        Raw($$"""{"id":"{{_id}}","object":"chat.completion.chunk","created":1700000000,"model":"{{_model}}","choices":[],"usage":{{UsageJson(prompt, completion, cached)}}}""");

    public SseBuilder Done() => Raw("[DONE]");

    public static string UsageJson(int prompt, int completion, int? cached = null) =>
        string.Create(CultureInfo.InvariantCulture, $$"""{"prompt_tokens":{{prompt}},"completion_tokens":{{completion}},"total_tokens":{{prompt + completion}}{{(cached is null ? "" : ",\"cached_tokens\":" + cached)}}}""");

    public string Build() => _body.ToString();

    public override string ToString() => Build();

    private SseBuilder Delta(string delta) =>
        Raw($$"""{"id":"{{_id}}","object":"chat.completion.chunk","created":1700000000,"model":"{{_model}}","choices":[{"index":0,"delta":{{delta}},"finish_reason":null}]}""");

    private static string Quote(string text) => JsonSerializer.Serialize(text, TestJsonContext.Default.String);
}
