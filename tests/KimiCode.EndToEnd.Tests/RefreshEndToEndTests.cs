using System.Text.Json;
using KimiCode.Emulator;

namespace KimiCode.EndToEnd.Tests;

/// <summary>Token refresh through real `kimi` processes: lazy, forced after a 401, and safe across 16 processes.</summary>
public sealed class RefreshEndToEndTests
{
    [Fact]
    public async Task Print_AccessTokenNearExpiry_RefreshesOnceAndStoresRotatedPair()
    {
        await using var home = await TestHome.StartAsync();
        var tokens = home.LogInDirectly(TimeSpan.FromSeconds(60)); // under the 300 s threshold

        var print = await home.RunAsync("-p", "refresh me");

        Assert.True(print.ExitCode == 0, print.ToString());
        Assert.Equal("Echo: refresh me", print.Stdout.Trim());
        Assert.Equal(1, home.Emulator.State.RefreshCount);
        var stored = ReadCredential(home);
        Assert.NotEqual(tokens.RefreshToken, stored.RefreshToken);
        Assert.NotEqual(tokens.AccessToken, stored.AccessToken);
        Secrets.AssertAbsent(print, tokens.AccessToken, tokens.RefreshToken, stored.AccessToken, stored.RefreshToken);
    }

    [Fact]
    public async Task Print_ServerRejectsAccessToken_ForcesOneRefreshAndRetries()
    {
        await using var home = await TestHome.StartAsync();
        var tokens = home.Emulator.State.IssueTokens();
        home.WriteManagedConfig();
        // A token the server does not know, but far from expiry: only the 401 can reveal it.
        home.WriteCredential("not-a-token-the-server-issued", tokens.RefreshToken, DateTimeOffset.UtcNow.AddHours(1), 3600);

        var print = await home.RunAsync("-p", "after a 401");

        Assert.True(print.ExitCode == 0, print.ToString());
        Assert.Equal("Echo: after a 401", print.Stdout.Trim());
        Assert.Equal(1, home.Emulator.State.RefreshCount);
        var chats = home.Emulator.State.Requests.Where(r => r.Path == "/coding/v1/chat/completions").ToList();
        Assert.Equal([401, 200], chats.Select(r => r.StatusCode));
    }

    [Fact]
    public async Task Print_RefreshTokenDead_TombstoneAndLoginMessage()
    {
        await using var home = await TestHome.StartAsync();
        home.WriteManagedConfig();
        home.WriteCredential("expired-access", "rt-never-issued", DateTimeOffset.UtcNow.AddSeconds(-10), 900);

        var print = await home.RunAsync("-p", "hello");

        Assert.Equal(1, print.ExitCode);
        var error = Assert.Single(print.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("kimi login", error);
        var stored = ReadCredential(home);
        Assert.Equal(string.Empty, stored.RefreshToken);
        Assert.Equal(0, stored.ExpiresAt);
    }

    [Fact]
    public async Task Print_RefreshFailsTransientlyDuringTurn_RetryableExitAndLoginKept()
    {
        // The refresh happens inside the turn (the first model request asks for the token): the exit code must be the
        // same 75 a command gets for auth.refresh_failed outside a turn, and the stored login must survive.
        await using var home = await TestHome.StartAsync();
        home.WriteManagedConfig();
        home.WriteCredential("expired-access", "rt-kept", DateTimeOffset.UtcNow.AddSeconds(-10), 900);
        home.Emulator.State.InjectFault(new EmulatorFault { Target = "token", Status = 503, Count = 10 });

        var print = await home.RunAsync("-p", "hello", "--output-format", "stream-json");

        Assert.True(print.ExitCode == 75, print.ToString());
        Assert.Contains("[auth.refresh_failed]", print.Stderr);
        Assert.Contains("\"retryable\":true", print.Stdout);
        Assert.Equal("rt-kept", ReadCredential(home).RefreshToken);
    }

    [Fact]
    public async Task Print_SixteenProcessesWithExpiringToken_ExactlyOneRefreshAndAllSucceed()
    {
        await using var home = await TestHome.StartAsync();
        home.LogInDirectly(TimeSpan.FromSeconds(60));

        var runs = Enumerable.Range(0, 16).Select(i => home.RunAsync("-p", $"process {i}")).ToList();
        var results = await Task.WhenAll(runs);

        for (var i = 0; i < results.Length; i++)
        {
            Assert.True(results[i].ExitCode == 0, results[i].ToString());
            Assert.Equal($"Echo: process {i}", results[i].Stdout.Trim());
        }

        Assert.Equal(1, home.Emulator.State.RefreshCount);
        Assert.Equal(0, home.Emulator.State.RefreshReuseCount);
        Assert.False(Directory.Exists(Path.Combine(home.Root, "oauth", TestHome.Slot + ".lock")));
    }

    [Fact]
    public async Task Print_LockHolderKilledMidRefresh_NextProcessRecoversAfterStaleness()
    {
        await using var home = await TestHome.StartAsync();
        var tokens = home.LogInDirectly(TimeSpan.FromSeconds(60));
        // The first refresh hangs for a long time, then fails: the holder is killed while it waits.
        home.Emulator.State.InjectFault(new EmulatorFault { Target = "token", Status = 503, LatencyMs = 60_000 });
        var lockDir = Path.Combine(home.Root, "oauth", TestHome.Slot + ".lock");

        await using (var holder = home.Start("-p", "I will be killed"))
        {
            await WaitUntilAsync(() => home.Emulator.State.FaultsApplied == 1 && Directory.Exists(lockDir));
            holder.KillHard();
            await holder.WaitForExitAsync();
        }

        Assert.True(Directory.Exists(lockDir), "the killed holder leaves its lock behind");
        var next = await home.RunAsync("-p", "after the crash");

        Assert.True(next.ExitCode == 0, next.ToString());
        Assert.Equal("Echo: after the crash", next.Stdout.Trim());
        Assert.Equal(1, home.Emulator.State.RefreshCount);
        Assert.Equal(0, home.Emulator.State.RefreshReuseCount);
        Assert.NotEqual(tokens.RefreshToken, ReadCredential(home).RefreshToken);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        while (!condition())
        {
            await Task.Delay(50, timeout.Token);
        }
    }

    private static (string AccessToken, string RefreshToken, long ExpiresAt) ReadCredential(TestHome home)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(home.CredentialPath));
        var root = doc.RootElement;
        return (root.GetProperty("access_token").GetString()!, root.GetProperty("refresh_token").GetString()!, (long)root.GetProperty("expires_at").GetDouble());
    }
}
