using System.Text.Json;
using System.Text.RegularExpressions;

namespace KimiCode.EndToEnd.Tests;

/// <summary>The process log ({home}/logs/kimi.log, stderr with --debug): what a bug report needs and never a secret.</summary>
public sealed class LoggingEndToEndTests
{
    [Fact]
    public async Task Debug_PrintWithRefresh_LogsRequestStatusAndDurationAndNoSecret()
    {
        await using var home = await TestHome.StartAsync();
        var tokens = home.LogInDirectly(TimeSpan.FromSeconds(60)); // under the refresh threshold: the run refreshes first

        var print = await home.RunAsync("--debug", "-p", "hello", "-w", home.Workspace());

        Assert.True(print.ExitCode == 0, print.ToString());
        Assert.Equal("Echo: hello", print.Stdout.Trim()); // stdout stays the answer's
        var log = File.ReadAllText(Path.Combine(home.Root, "logs", "kimi.log"));
        Assert.Matches(new Regex(@"INFO Http: POST http://127\.0\.0\.1:\d+/coding/v1/chat/completions -> 200 in \d+ ms"), log);
        Assert.Matches(new Regex(@"POST http://127\.0\.0\.1:\d+/api/oauth/token -> 200 in \d+ ms"), log);
        Assert.Contains("access token refreshed", log, StringComparison.Ordinal);
        Assert.Contains("provider managed:kimi-code, OAuth credential", log, StringComparison.Ordinal);
        Assert.Contains("Http: POST", print.Stderr, StringComparison.Ordinal); // --debug echoes the log to stderr

        var stored = JsonDocument.Parse(File.ReadAllText(home.CredentialPath)).RootElement;
        string[] secrets = [tokens.AccessToken, tokens.RefreshToken, stored.GetProperty("access_token").GetString()!, stored.GetProperty("refresh_token").GetString()!];
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, log, StringComparison.Ordinal);
        }

        Secrets.AssertAbsent(print, secrets);
    }

    [Fact]
    public async Task NoDebug_PrintWithToolCall_LogsRequestsAndToolOutcomeToFileOnly()
    {
        await using var home = await TestHome.StartWithApiKeyAsync("sk-logging-e2e-key-0123456789");

        var work = home.Workspace(("notes.txt", "remember the milk"));

        var print = await home.RunAsync("-p", "read it\ntool: Read {\"file_path\":\"notes.txt\"}", "-w", work);

        Assert.True(print.ExitCode == 0, print.ToString());
        Assert.Equal(string.Empty, print.Stderr);
        var log = File.ReadAllText(Path.Combine(home.Root, "logs", "kimi.log"));
        Assert.Contains("/coding/v1/chat/completions -> 200", log, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"INFO Tools: tool Read \([^)]+\): ok after \d+ ms"), log);
        Assert.DoesNotContain("remember the milk", log, StringComparison.Ordinal); // tool output never reaches the log
        Assert.DoesNotContain("sk-logging-e2e-key-0123456789", log, StringComparison.Ordinal);
    }
}
