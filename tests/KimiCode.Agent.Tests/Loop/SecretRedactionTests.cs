using KimiCode.Agent.Permissions;
using KimiCode.Agent.Secrets;
using KimiCode.Agent.Tests.Support;
using KimiCode.Agent.Tools;

namespace KimiCode.Agent.Tests.Loop;

/// <summary>Live secrets in tool output never reach the model, the session file or the screen, even after they rotate.</summary>
public sealed class SecretRedactionTests
{
    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task ToolOutput_LiveSecretsRedactedInEventsHistoryAndSessionFile_RotatedTokensIncluded()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        const string oldToken = "access-token-before-rotation-0001";
        const string newToken = "access-token-after-rotation-0002";
        string current = oldToken;
        h.WriteFile("old.txt", $"old {oldToken}\n");
        h.WriteFile("leak.txt", $"old {oldToken}\nnew {newToken}\n");
        h.Script("""
            {"turns":[
              {"tool_calls":[{"id":"b1","name":"Bash","arguments":{"command":"cat old.txt"}}]},
              {"tool_calls":[{"id":"b2","name":"Bash","arguments":{"command":"cat leak.txt; printf 'split: access-token-af'; sleep 0.2; printf 'ter-rotation-0002\\n'"}}]},
              {"text":"Done."}
            ]}
            """);
        var context = new ToolContext
        {
            WorkingDirectory = h.WorkDir,
            Files = new LocalWorkspaceFileSystem(),
            Commands = new LocalCommandRunner(),
            Secrets = new SecretRedactor(() => [current]),
        };
        AgentSessionOptions options = h.RealToolsOptions(new PermissionPolicy(PermissionMode.Yolo, [], h.WorkDir, []), context);
        AgentSession session = await AgentSession.CreateAsync(options, AgentHarness.Ct);
        var events = new List<AgentEvent>();
        await foreach (AgentEvent e in session.RunTurnAsync("show me", AgentHarness.Ct))
        {
            events.Add(e);
            if (e is ToolCallFinished { CallId: "b1" })
            {
                current = newToken; // the token rotates between the two calls
            }
        }

        Assert.Equal(new TurnEnded(StopReason.EndTurn), events[^1]);
        var results = events.OfType<ToolCallFinished>().ToDictionary(e => e.CallId, e => e.Result);
        Assert.Contains($"old {SecretRedactor.Marker}", results["b1"].Content, StringComparison.Ordinal);
        Assert.Contains($"old {SecretRedactor.Marker}\nnew {SecretRedactor.Marker}", results["b2"].Content, StringComparison.Ordinal);
        Assert.Contains($"split: {SecretRedactor.Marker}", results["b2"].Content, StringComparison.Ordinal);
        Assert.DoesNotContain(oldToken, Assert.IsType<TerminalDisplay>(results["b2"].Display).Output, StringComparison.Ordinal);

        string shown = string.Concat(events.OfType<ToolCallUpdated>().Where(u => u.CallId == "b2").Select(u => u.Text));
        Assert.Contains($"split: {SecretRedactor.Marker}", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("access-token-af", shown, StringComparison.Ordinal);
        Assert.DoesNotContain(oldToken, shown, StringComparison.Ordinal);

        string lastRequest = h.ChatRequests()[^1].GetRawText();
        Assert.DoesNotContain(oldToken, lastRequest, StringComparison.Ordinal);
        Assert.DoesNotContain(newToken, lastRequest, StringComparison.Ordinal);
        foreach (string file in Directory.EnumerateFiles(h.Home.SessionsDir, "*", SearchOption.AllDirectories))
        {
            string text = File.ReadAllText(file);
            Assert.DoesNotContain(oldToken, text, StringComparison.Ordinal);
            Assert.DoesNotContain(newToken, text, StringComparison.Ordinal);
        }
    }
}
