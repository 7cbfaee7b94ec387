using KimiCode.Agent.Sessions;
using KimiCode.Agent.Tests.Support;
using KimiCode.Protocol;

namespace KimiCode.Agent.Tests.Sessions;

/// <summary>One rule for naming a session by id or id prefix (-S, -r, /resume, kimi sessions), short ids for listings, reading a transcript and renaming.</summary>
public sealed class SessionResolveTests
{
    private const string Here1 = "019aa000-0000-7000-8000-000000000001";
    private const string Here2 = "019aa000-0000-7000-8000-000000000002";
    private const string There = "019bb000-0000-7000-8000-000000000003";
    private const string ThereToo = "019aa000-1111-7000-8000-000000000004";

    private static (string Here, string Elsewhere) CreateFixedSessions(AgentHarness h)
    {
        string elsewhere = Path.Combine(h.Root, "elsewhere");
        Directory.CreateDirectory(elsewhere);
        foreach ((string id, string dir) in new[] { (Here1, h.WorkDir), (Here2, h.WorkDir), (There, elsewhere), (ThereToo, elsewhere) })
        {
            h.Store.Create(id, dir, "kimi-for-coding", h.Time.GetUtcNow(), []);
            h.Store.Release(id);
        }

        return (h.WorkDir, elsewhere);
    }

    [Theory]
    [InlineData("019aa000-0000-7000-8000-000000000001", Here1)] // a whole id
    [InlineData("019AA000-0000-7000-8000-000000000002", Here2)] // any case
    [InlineData("019bb", There)] // only another folder has it
    [InlineData("  019aa000-1", ThereToo)] // unique everywhere, trimmed
    public async Task Resolve_IdOrUniquePrefix_ThatSession(string text, string expected)
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        (string here, _) = CreateFixedSessions(h);

        Assert.Equal(expected, h.Store.Resolve(text, here).Id);
    }

    [Fact]
    public async Task Resolve_PrefixOfSessionsHereAndElsewhere_ThisFolderWins()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        (_, string elsewhere) = CreateFixedSessions(h);

        // "019aa000-0" starts both of this folder's sessions and none elsewhere; from "elsewhere", "019aa" is its own session.
        Assert.Equal(ThereToo, h.Store.Resolve("019aa", elsewhere).Id);
    }

    [Fact]
    public async Task Resolve_AmbiguousPrefix_OneLineListingTheCandidates()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        (string here, _) = CreateFixedSessions(h);

        var error = Assert.Throws<KimiCodeException>(() => h.Store.Resolve("019aa000-0", here));

        Assert.Equal(SessionErrorCodes.Ambiguous, error.Code);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Contains("matches 2 sessions", error.Message, StringComparison.Ordinal);
        Assert.Contains(ShortIdOf(Here1), error.Message, StringComparison.Ordinal);
        Assert.Contains(ShortIdOf(Here2), error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(There[..8], error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0199")]
    [InlineData("no-such-session")]
    [InlineData("019aa000-0000-7000-8000-00000000000f")]
    [InlineData("")]
    public async Task Resolve_NothingMatches_NotFoundNamingSessionsList(string text)
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        (string here, _) = CreateFixedSessions(h);

        var error = Assert.Throws<KimiCodeException>(() => h.Store.Resolve(text, here));

        Assert.Equal(SessionErrorCodes.NotFound, error.Code);
        Assert.Contains("`kimi sessions list`", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void ShortIds_SharedStarts_EachTheShortestUniqueStartOfAtLeastEight()
    {
        IReadOnlyDictionary<string, string> ids = SessionStore.ShortIds([Here1, Here2, There, ThereToo]);

        Assert.Equal("019bb000", ids[There]);
        Assert.Equal("019aa000-1", ids[ThereToo]); // "019aa000" is shared, and a start never ends on the dash
        Assert.Equal(Here1, ids[Here1]); // differs only in the last digit
        Assert.Equal(Here2, ids[Here2]);
        Assert.All(ids, pair => Assert.StartsWith(pair.Value, pair.Key, StringComparison.Ordinal));
    }

    [Fact]
    public void ShortIds_LoneId_EightCharacters()
    {
        Assert.Equal("019bb000", SessionStore.ShortIds([There])[There]);
    }

    [Fact]
    public async Task Transcript_RecordedSession_PromptsAnswersAndToolCallsWithoutOpeningIt()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        h.Script("""{"turns":[{"text":"Hello there."}]}""");
        AgentSession session = await h.CreateSessionAsync();
        await AgentHarness.RunAsync(session, "say hello");

        IReadOnlyList<AgentEvent> transcript = h.Store.Transcript(session.Id)!; // the session is still open here: no lock needed

        Assert.Equal("say hello", Assert.IsType<TurnStarted>(transcript[0]).Prompt);
        Assert.Equal("Hello there.", string.Concat(transcript.OfType<TextDelta>().Select(t => t.Text)));
        Assert.Null(h.Store.Transcript(Guid.NewGuid().ToString()));
    }

    [Fact]
    public async Task Rename_OpenSession_ListingsShowTheNewTitleAndTheFirstPromptKeepsIt()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        AgentSession session = await h.CreateSessionAsync();

        session.Rename("release checklist");
        await AgentHarness.RunAsync(session, "first prompt");

        Assert.Equal("release checklist", session.Title);
        Assert.Equal("release checklist", h.Store.Get(session.Id)!.Title);
        h.Store.Release(session.Id);
        AgentSession resumed = await AgentSession.ResumeAsync(h.Options(), session.Id, AgentHarness.Ct);
        Assert.Equal("release checklist", resumed.Title);
    }

    private static string ShortIdOf(string id) => SessionStore.ShortIds([Here1, Here2])[id];
}
