using System.Text.Json;
using KimiCode.Provider.Tests.Fakes;
using Microsoft.Extensions.AI;

namespace KimiCode.Provider.Tests;

public sealed class InternalsTests
{
    [Fact]
    public void Snippet_LongMultilineText_CollapsesWhitespaceAndTruncates()
    {
        string snippet = Snippet.Of("  <html>\n\n  <body>" + new string('a', 500));

        Assert.StartsWith("<html> <body>aaa", snippet, StringComparison.Ordinal);
        Assert.Equal(Snippet.MaxLength + 1, snippet.Length);
        Assert.EndsWith("…", snippet, StringComparison.Ordinal);
    }

    [Fact]
    public void Snippet_ExactlyMaxLength_IsNotMarkedTruncated()
    {
        string text = new('b', Snippet.MaxLength);

        Assert.Equal(text, Snippet.Of(text));
    }

    [Fact]
    public void ToolArguments_NestedValues_SerializeToCompactJson()
    {
        using JsonDocument element = JsonDocument.Parse("""{"x":[1,2]}""");
        var arguments = new Dictionary<string, object?>
        {
            ["s"] = "a\"b",
            ["n"] = 1.5,
            ["b"] = true,
            ["none"] = null,
            ["list"] = new[] { "p", "q" },
            ["nested"] = new Dictionary<string, object?> { ["k"] = 2L },
            ["json"] = element.RootElement.Clone(),
        };

        Assert.Equal("""{"s":"a\u0022b","n":1.5,"b":true,"none":null,"list":["p","q"],"nested":{"k":2},"json":{"x":[1,2]}}""", ToolCallJson.Arguments(arguments));
    }

    [Fact]
    public void ToolArguments_NonObjectJson_CallCarriesException()
    {
        FunctionCallContent call = ToolArguments.ToFunctionCall("c", "shell", "[1,2]");

        Assert.IsType<InvalidDataException>(call.Exception);
        Assert.Contains("not a JSON object", call.Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamReader_StrayFragmentAfterCompletedCall_DoesNotCreateSecondCall()
    {
        using var h = new Harness();
        h.Handler.EnqueueSse(new SseBuilder()
            .ToolCallStart(0, "call_a", "ls", "{}")
            .ToolCallStart(1, "call_b", "pwd", "{}")
            .ToolCallArguments(0, " ")
            .Finish("tool_calls")
            .Done()
            .Build());

        List<ChatResponseUpdate> updates = await h.StreamAsync();

        Assert.Equal(["call_a", "call_b"], updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>().Select(c => c.CallId));
    }
}
