using System.Diagnostics;

/// <summary>The work every contender is measured on; each figure is the median of the runs after a warm-up.</summary>
internal static class Scenarios
{
    private const int ConcurrentSessions = 20;
    private const int StormProcesses = 16;
    private const long ResumeHistoryBytes = 10L * 1024 * 1024;

    public static async Task MeasureAsync(string name, Contender contender, BenchHome bench, int runs, Results table, CancellationToken ct)
    {
        string home = bench.ApiKeyHome;
        if (contender.Version is { } version)
        {
            await OneShotAsync(name, "`--version`", version, home, ["--version"], runs, table, ct);
        }

        if (contender.Print is { } print)
        {
            await OneShotAsync(name, "`-p` one turn", print, home, ["-p", "hello"], runs, table, ct);
        }

        if (contender.Acp is { } acp)
        {
            await HandshakeAsync(name, contender, acp, home, bench.Workspace, runs, table, ct);
            if (contender.Print is not null)
            {
                await ConcurrentSessionsAsync(name, acp, home, bench.Workspace, runs, table, ct);
            }

            if (contender.IsUs)
            {
                await ResumeAsync(name, acp, bench, runs, table, ct);
            }
        }

        if (contender.Print is { } printer)
        {
            await RefreshStormAsync(name, printer, bench, runs, table, ct);
        }
    }

    private static async Task OneShotAsync(string name, string measure, Command command, string home, string[] args, int runs, Results table, CancellationToken ct)
    {
        var wall = new List<double>();
        var rss = new List<double>();
        for (int run = 0; run <= runs; run++)
        {
            double ms = await OneShot.WallMsAsync(command, home, args, ct);
            if (run > 0)
            {
                wall.Add(ms);
            }
        }

        for (int run = 0; run < 3; run++)
        {
            rss.Add(await OneShot.PeakRssMbAsync(command, home, args, ct));
        }

        table.Add(measure, name, wall, "ms");
        table.Add(measure + " peak RSS", name, rss, "MB");
    }

    /// <summary>Spawn → initialize → session/new (→ one prompt): what an editor waits for when it opens a project.</summary>
    private static async Task HandshakeAsync(string name, Contender contender, Command acp, string home, string workspace, int runs, Results table, CancellationToken ct)
    {
        bool withPrompt = contender.Print is not null;
        List<double> initialize = [], sessionNew = [], idle = [], prompt = [], peak = [];
        for (int run = 0; run <= runs; run++)
        {
            await using AcpAgent agent = AcpAgent.Start(acp, home);
            await agent.InitializeAsync(ct);
            double initializeMs = agent.SinceSpawn.Elapsed.TotalMilliseconds;
            if (contender.AcpAuthenticate is { } method)
            {
                await agent.CallAsync("authenticate", $$"""{"methodId":"{{method}}"}""", ct);
            }

            string sessionId = await agent.NewSessionAsync(workspace, ct);
            double sessionNewMs = agent.SinceSpawn.Elapsed.TotalMilliseconds;
            await Task.Delay(500, ct); // settle as an idle agent in an editor would
            double idleMb = agent.MemoryMb("VmRSS:");
            double promptMs = double.NaN;
            if (withPrompt)
            {
                var clock = Stopwatch.StartNew();
                await agent.PromptAsync(sessionId, "hello", ct);
                promptMs = clock.Elapsed.TotalMilliseconds;
            }

            if (run > 0)
            {
                initialize.Add(initializeMs);
                sessionNew.Add(sessionNewMs);
                idle.Add(idleMb);
                prompt.Add(promptMs);
                peak.Add(agent.MemoryMb());
            }
        }

        table.Add("ACP spawn → `initialize`", name, initialize, "ms");
        table.Add("ACP spawn → `session/new`", name, sessionNew, "ms");
        table.Add("ACP idle RSS after `session/new`", name, idle, "MB");
        if (withPrompt)
        {
            table.Add("ACP one prompt round trip", name, prompt, "ms");
            table.Add("ACP peak RSS after one prompt", name, peak, "MB");
        }
    }

    /// <summary>One agent, 20 sessions, 20 prompts in flight at once: wall time for all answers and peak RSS.</summary>
    private static async Task ConcurrentSessionsAsync(string name, Command acp, string home, string workspace, int runs, Results table, CancellationToken ct)
    {
        List<double> wall = [], peak = [];
        for (int run = 0; run <= runs; run++)
        {
            await using AcpAgent agent = AcpAgent.Start(acp, home);
            await agent.InitializeAsync(ct);
            string[] sessions = await Task.WhenAll(Enumerable.Range(0, ConcurrentSessions).Select(_ => agent.NewSessionAsync(workspace, ct)));
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(sessions.Select((id, i) => agent.PromptAsync(id, $"session {i}", ct)));
            if (run > 0)
            {
                wall.Add(clock.Elapsed.TotalMilliseconds);
                peak.Add(agent.MemoryMb());
            }
        }

        table.Add($"ACP {ConcurrentSessions} sessions prompting at once: all answered", name, wall, "ms");
        table.Add($"ACP {ConcurrentSessions} sessions prompting at once: peak RSS", name, peak, "MB");
    }

    /// <summary>Spawn → initialize → session/resume of a session with 10 MB of history: ready for the first prompt.</summary>
    private static async Task ResumeAsync(string name, Command acp, BenchHome bench, int runs, Results table, CancellationToken ct)
    {
        string sessionId;
        await using (AcpAgent writer = AcpAgent.Start(acp, bench.ApiKeyHome))
        {
            await writer.InitializeAsync(ct);
            sessionId = await writer.NewSessionAsync(bench.Workspace, ct);
            await writer.PromptAsync(sessionId, "start", ct);
        }

        bench.GrowSession(sessionId, ResumeHistoryBytes);
        List<double> ready = [], peak = [];
        for (int run = 0; run <= runs; run++)
        {
            await using AcpAgent agent = AcpAgent.Start(acp, bench.ApiKeyHome);
            await agent.InitializeAsync(ct);
            await agent.CallAsync("session/resume", $$"""{"sessionId":"{{sessionId}}","cwd":{{System.Text.Json.JsonSerializer.Serialize(bench.Workspace, BenchJson.Default.String)}},"mcpServers":[]}""", ct);
            if (run > 0)
            {
                ready.Add(agent.SinceSpawn.Elapsed.TotalMilliseconds);
                peak.Add(agent.MemoryMb());
            }
        }

        table.Add("ACP spawn → `session/resume` of 10 MB history", name, ready, "ms");
        table.Add("ACP resume of 10 MB: peak RSS", name, peak, "MB");
    }

    /// <summary>16 `-p` processes at once on an access token due for refresh: wall time, and refreshes the server saw.</summary>
    private static async Task RefreshStormAsync(string name, Command print, BenchHome bench, int runs, Results table, CancellationToken ct)
    {
        List<double> wall = [], refreshes = [];
        Command stormer = print with { Environment = new Dictionary<string, string>(print.Environment.Concat(bench.OAuthEnvironment)) };
        for (int run = 0; run <= runs; run++)
        {
            await bench.LogInDueForRefreshAsync(ct);
            int before = bench.RefreshCount;
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, StormProcesses).Select(i => OneShot.WallMsAsync(stormer, bench.OAuthHome, ["-p", $"process {i}"], ct)));
            if (run > 0)
            {
                wall.Add(clock.Elapsed.TotalMilliseconds);
                refreshes.Add(bench.RefreshCount - before);
            }
        }

        table.Add($"refresh storm, {StormProcesses} `-p` processes: all done", name, wall, "ms");
        table.Add($"refresh storm: refreshes (want 1)", name, refreshes, "");
    }
}
