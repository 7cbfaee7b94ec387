using System.Text.Json;
using KimiCode.Agent.Tools;

namespace KimiCode.Agent.Tests.Tools;

public sealed class ToolParametersTests
{
    private static readonly ToolParameter<string> Path = Required.String("path", "Where.");
    private static readonly ToolParameter<int?> Count = Optional.Integer("count", 1, 10, "How many.");
    private static readonly ToolParameter<int?> Skip = Optional.Integer("skip", 0, int.MaxValue, null);
    private static readonly ToolParameter<bool?> Verbose = Optional.Boolean("verbose", "Say more.");
    private static readonly ToolParameter<bool> Force = Optional.Boolean("force", true, "Overwrite.");
    private static readonly ToolParameter<string?> Mode = Optional.StringEnum("mode", ["fast", "slow"], "Speed.");
    private static readonly ToolParameter<string> Title = Required.NonEmptyString("title", "The title.");
    private static readonly ToolParameter<string> Kind = Required.StringEnum("kind", ["a", "b", "c"], null);
    private static readonly ToolParameter<string?> Note = Optional.String("note", "A note.");
    private static readonly ToolParameter<IReadOnlyList<ToolArguments>> Items = Required.Array("items", new ToolParameters(Title, Kind, Note), "The items.");

    private static readonly ToolParameters Flat = new(Path, Count, Skip, Verbose, Force, Mode);
    private static readonly ToolParameters Nested = new(Items);

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static string ErrorOf(ToolParameters parameters, string json)
    {
        Assert.False(parameters.TryParse(Parse(json), "Tool", out var values, out var error));
        Assert.Null(values);
        return error;
    }

    [Fact]
    public void Schema_FlatParameters_ObjectSchemaWithConstraintsRequiredAndNoExtraProperties()
    {
        Assert.Equal(
            """{"type":"object","properties":{"path":{"type":"string","description":"Where."},"count":{"type":"integer","minimum":1,"maximum":10,"description":"How many."},"skip":{"type":"integer","minimum":0},"verbose":{"type":"boolean","description":"Say more."},"force":{"type":"boolean","default":true,"description":"Overwrite."},"mode":{"type":"string","enum":["fast","slow"],"description":"Speed."}},"required":["path"],"additionalProperties":false}""",
            Flat.Schema.GetRawText());
    }

    [Fact]
    public void Schema_ArrayOfObjects_ItemsAreAnObjectSchema()
    {
        Assert.Equal(
            """{"type":"object","properties":{"items":{"type":"array","items":{"type":"object","properties":{"title":{"type":"string","minLength":1,"description":"The title."},"kind":{"type":"string","enum":["a","b","c"]},"note":{"type":"string","description":"A note."}},"required":["title","kind"],"additionalProperties":false},"description":"The items."}},"required":["items"],"additionalProperties":false}""",
            Nested.Schema.GetRawText());
    }

    [Fact]
    public void Schema_QuotesAndNonAscii_AreValidJsonKeptReadable()
    {
        var parameters = new ToolParameters(Required.String("q", "Say \"hé\" <b> & \\d+"));

        Assert.Equal("Say \"hé\" <b> & \\d+", parameters.Schema.GetProperty("properties").GetProperty("q").GetProperty("description").GetString());
        Assert.Contains("hé", parameters.Schema.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_ValidArguments_TypedValuesAndDefaults()
    {
        Assert.True(Flat.TryParse(Parse("""{"path": "a", "count": 10.0, "verbose": false, "mode": null}"""), "Tool", out var args, out var error));

        Assert.Null(error);
        Assert.Equal("a", args.Get(Path));
        Assert.Equal(10, args.Get(Count));
        Assert.Null(args.Get(Skip));
        Assert.False(args.Get(Verbose));
        Assert.True(args.Get(Force));
        Assert.Null(args.Get(Mode));
    }

    [Fact]
    public void TryParse_NestedItems_EachItemReadWithItsOwnParameters()
    {
        Assert.True(Nested.TryParse(Parse("""{"items": [{"title": "x", "kind": "b"}, {"title": "y", "kind": "c", "note": "n"}]}"""), "Tool", out var args, out _));

        Assert.Equal(
            [("x", "b", null), ("y", "c", "n")],
            args.Get(Items).Select(item => (item.Get(Title), item.Get(Kind), item.Get(Note))).ToArray());
    }

    [Theory]
    [InlineData("""["a"]""", "Tool: the arguments must be a JSON object with the fields 'path', 'count', 'skip', 'verbose', 'force', 'mode'; got an array.")]
    [InlineData("""{"path": "a", "size": 1}""", "Tool: unknown argument 'size'. The accepted arguments are 'path', 'count', 'skip', 'verbose', 'force', 'mode'.")]
    [InlineData("""{"count": 1}""", "Tool: the required argument 'path' (a string) is missing.")]
    [InlineData("""{"path": null}""", "Tool: the required argument 'path' (a string) is missing.")]
    [InlineData("""{"path": 42}""", "Tool: argument 'path' must be a string; got the number 42.")]
    [InlineData("""{"path": "a", "count": "3"}""", "Tool: argument 'count' must be an integer; got a string.")]
    [InlineData("""{"path": "a", "count": 2.5}""", "Tool: argument 'count' must be an integer; got 2.5.")]
    [InlineData("""{"path": "a", "count": 11}""", "Tool: argument 'count' must be between 1 and 10; got 11.")]
    [InlineData("""{"path": "a", "skip": -1}""", "Tool: argument 'skip' must be at least 0; got -1.")]
    [InlineData("""{"path": "a", "verbose": "yes"}""", "Tool: argument 'verbose' must be a boolean (true or false); got a string.")]
    [InlineData("""{"path": "a", "force": 1}""", "Tool: argument 'force' must be a boolean (true or false); got the number 1.")]
    [InlineData("""{"path": "a", "mode": "medium"}""", "Tool: argument 'mode' must be \"fast\" or \"slow\"; got \"medium\".")]
    [InlineData("""{"path": "a", "mode": true}""", "Tool: argument 'mode' must be a string; got the boolean true.")]
    [InlineData("""{"path": "a", "count": 0, "verbose": "no"}""", "Tool: argument 'count' must be between 1 and 10; got 0.")]
    public void TryParse_BadFlatArguments_FirstProblemWordedForTheModel(string json, string expected)
    {
        Assert.Equal(expected, ErrorOf(Flat, json));
    }

    [Theory]
    [InlineData("""{}""", "Tool: the required argument 'items' (an array of {title, kind, note?} objects) is missing.")]
    [InlineData("""{"items": {}}""", "Tool: argument 'items' must be an array of {title, kind, note?} objects; got an object.")]
    [InlineData("""{"items": [{"title": "x", "kind": "a"}, "y"]}""", "Tool: items[1]: the arguments must be a JSON object with the fields 'title', 'kind', 'note'; got a string.")]
    [InlineData("""{"items": [{"title": "x", "kind": "a", "extra": 1}]}""", "Tool: items[0]: unknown argument 'extra'. The accepted arguments are 'title', 'kind', 'note'.")]
    [InlineData("""{"items": [{"kind": "a"}]}""", "Tool: items[0]: the required argument 'title' (a string) is missing.")]
    [InlineData("""{"items": [{"title": "  ", "kind": "a"}]}""", "Tool: items[0].title must not be empty.")]
    [InlineData("""{"items": [{"title": "x", "kind": "d"}]}""", "Tool: items[0].kind must be \"a\", \"b\" or \"c\"; got \"d\".")]
    [InlineData("""{"items": [{"title": "x", "kind": "a", "note": 3}]}""", "Tool: items[0]: argument 'note' must be a string; got the number 3.")]
    public void TryParse_BadNestedArguments_NamesTheItem(string json, string expected)
    {
        Assert.Equal(expected, ErrorOf(Nested, json));
    }

    [Fact]
    public void TryParse_TopLevelNonEmptyString_BlankIsRefusedNamingTheArgument()
    {
        var parameters = new ToolParameters(Title);

        Assert.Equal("Tool: argument 'title' must not be empty.", ErrorOf(parameters, """{"title": " "}"""));
    }

    [Fact]
    public void Get_ParameterOfAnotherTool_Throws()
    {
        Assert.True(Flat.TryParse(Parse("""{"path": "a"}"""), "Tool", out var args, out _));

        Assert.Throws<ArgumentException>(() => args.Get(Title));
    }

    [Fact]
    public void Constructor_DuplicateNames_Throws()
    {
        Assert.Throws<ArgumentException>(() => new ToolParameters(Path, Required.String("path", "Again.")));
    }
}
