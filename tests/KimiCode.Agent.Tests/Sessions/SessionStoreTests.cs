using System.Security.Cryptography;
using System.Text;
using KimiCode.Agent.Sessions;
using KimiCode.Agent.Tests.Support;

namespace KimiCode.Agent.Tests.Sessions;

public sealed class SessionStoreTests
{
    [Fact]
    public void WorkspaceName_IsSanitizedFolderNameAndPathHash()
    {
        string dir = Path.Combine(Path.GetTempPath(), "my proj$x");
        string expectedHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(dir))))[..12];

        Assert.Equal("my_proj_x-" + expectedHash, SessionStore.WorkspaceName(dir));
        Assert.Equal(SessionStore.WorkspaceName(dir), SessionStore.WorkspaceName(dir + Path.DirectorySeparatorChar));
        Assert.NotEqual(SessionStore.WorkspaceName(dir), SessionStore.WorkspaceName(Path.Combine(Path.GetTempPath(), "other", "my proj$x")));
    }

    [Fact]
    public async Task List_SeveralSessions_NewestFirstWithTitleAndCount()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        AgentSession older = await h.CreateSessionAsync();
        await AgentHarness.RunAsync(older, "  \nFirst question\nwith more lines");
        h.Time.Advance(TimeSpan.FromMinutes(5));
        AgentSession newer = await h.CreateSessionAsync();
        await AgentHarness.RunAsync(newer, new string('x', 120));
        await AgentHarness.RunAsync(newer, "second prompt");

        IReadOnlyList<SessionInfo> sessions = h.Store.List(h.WorkDir);

        Assert.Equal([newer.Id, older.Id], sessions.Select(s => s.Id));
        Assert.Equal(new string('x', 79) + "…", sessions[0].Title);
        Assert.Equal(80, sessions[0].Title.Length);
        Assert.Equal(4, sessions[0].MessageCount);
        Assert.Equal("First question", sessions[1].Title);
        Assert.Equal(2, sessions[1].MessageCount);
        Assert.Equal(h.Time.GetUtcNow(), sessions[0].Updated);
        Assert.Equal(Path.GetFullPath(h.WorkDir), sessions[0].WorkDir);
        Assert.Equal("kimi-for-coding", sessions[0].Model);
        Assert.Equal(newer.Id, h.Store.Latest(h.WorkDir)!.Id);
        Assert.Empty(h.Store.List(Path.Combine(h.Root, "elsewhere")));
        Assert.Null(h.Store.Latest(Path.Combine(h.Root, "elsewhere")));
    }

    [Fact]
    public async Task List_AdditionalDirectories_FromCreationThenFromTheLastResumeThatChangedThem()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        string docs = Path.Combine(h.Root, "docs");
        string shared = Path.Combine(h.Root, "shared");
        AgentSessionOptions Options(params string[] directories) => h.Options(context: h.Context with { AdditionalDirectories = directories });
        AgentSession session = await h.CreateSessionAsync(Options(docs));
        string file = Path.Combine(h.Store.WorkspaceDirectory(h.WorkDir), session.Id, SessionStore.ContextFileName);
        IReadOnlyList<string> created = h.Store.Get(session.Id)!.AdditionalDirectories;

        await AgentSession.ResumeAsync(Options(docs), session.Id, AgentHarness.Ct);
        int linesAfterSameResume = File.ReadAllLines(file).Length;
        await AgentSession.ResumeAsync(Options(docs, shared), session.Id, AgentHarness.Ct);
        IReadOnlyList<string> changed = h.Store.List(h.WorkDir).Single().AdditionalDirectories;
        await AgentSession.ResumeAsync(Options(), session.Id, AgentHarness.Ct);

        Assert.Equal([docs], created);
        Assert.Equal(1, linesAfterSameResume); // the same folders again: nothing written
        Assert.Equal([docs, shared], changed);
        Assert.Empty(h.Store.Get(session.Id)!.AdditionalDirectories);
        Assert.Contains("\"additional_dirs\":[", File.ReadAllLines(file)[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exists_KnownUnknownAndMalformedIds()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        AgentSession session = await h.CreateSessionAsync();

        Assert.True(h.Store.Exists(session.Id));
        Assert.Equal(session.Id, h.Store.Get(session.Id)!.Id);
        Assert.False(h.Store.Exists(Guid.NewGuid().ToString()));
        Assert.False(h.Store.Exists("../../etc"));
        Assert.Equal(7, Guid.Parse(session.Id).Version);
    }

    [Fact]
    public async Task Create_SessionFiles_AreOwnerOnlyAndOneJsonRecordPerLine()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        AgentSession session = await h.CreateSessionAsync();
        await AgentHarness.RunAsync(session, "hello");
        string directory = Path.Combine(h.Store.WorkspaceDirectory(h.WorkDir), session.Id);
        string file = Path.Combine(directory, SessionStore.ContextFileName);

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(h.Home.SessionsDir));
        }

        string[] lines = File.ReadAllLines(file);
        using (var header = System.Text.Json.JsonDocument.Parse(lines[0]))
        {
            Assert.Equal("header", header.RootElement.GetProperty("type").GetString());
            Assert.Equal(session.Id, header.RootElement.GetProperty("id").GetString());
            Assert.Equal(Path.GetFullPath(h.WorkDir), header.RootElement.GetProperty("work_dir").GetString());
            Assert.Equal("kimi-for-coding", header.RootElement.GetProperty("model").GetString());
            Assert.True(header.RootElement.TryGetProperty("created_at", out _));
        }

        var types = lines.Select(l =>
        {
            using var doc = System.Text.Json.JsonDocument.Parse(l);
            return doc.RootElement.GetProperty("type").GetString();
        }).ToList();
        Assert.Equal(["header", "title", "message", "usage", "message"], types);
        Assert.DoesNotContain(AgentHarness.ApiKey, File.ReadAllText(file), StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_SessionWithoutReadableHeader_IsSkipped()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        AgentSession good = await h.CreateSessionAsync();
        string bad = Path.Combine(h.Store.WorkspaceDirectory(h.WorkDir), Guid.CreateVersion7().ToString());
        Directory.CreateDirectory(bad);
        File.WriteAllText(Path.Combine(bad, SessionStore.ContextFileName), "{\"type\":\"hea");

        Assert.Equal([good.Id], h.Store.List(h.WorkDir).Select(s => s.Id));
    }

    [Fact]
    public async Task ListAll_SessionsOfSeveralWorkDirs_NewestFirst()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        string elsewhere = Path.Combine(h.Root, "elsewhere");
        Directory.CreateDirectory(elsewhere);
        AgentSession here = await h.CreateSessionAsync();
        h.Time.Advance(TimeSpan.FromMinutes(1));
        string there = Guid.CreateVersion7().ToString();
        h.Store.Create(there, elsewhere, "kimi-for-coding", h.Time.GetUtcNow(), []);

        IReadOnlyList<SessionInfo> all = h.Store.ListAll();

        Assert.Equal([there, here.Id], all.Select(s => s.Id));
        Assert.Equal([Path.GetFullPath(elsewhere), Path.GetFullPath(h.WorkDir)], all.Select(s => s.WorkDir));
        Assert.Equal([here.Id], h.Store.List(h.WorkDir).Select(s => s.Id));
    }

    [Fact]
    public async Task ListAll_NoSessionsYet_Empty()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();

        Assert.Empty(h.Store.ListAll());
    }

    [Theory]
    [InlineData("  \nFirst question\nwith more lines", "First question")]
    [InlineData("one line", "one line")]
    [InlineData(" \n\t\n", "")]
    public void TitleFor_FirstNonEmptyLineTrimmed(string prompt, string title)
    {
        Assert.Equal(title, SessionStore.TitleFor(prompt));
    }
}
