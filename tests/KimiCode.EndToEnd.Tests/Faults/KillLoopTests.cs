using System.Text;
using System.Text.Json;
using static KimiCode.EndToEnd.Tests.Faults.KillLoop;

namespace KimiCode.EndToEnd.Tests.Faults;

/// <summary>
/// kill -9 during a refresh of an expired access token: the credential file is always a whole old or new pair, and no
/// refresh token the client could still know is ever sent twice.
/// </summary>
public sealed class CredentialRefreshKillLoopTests
{
    [Fact]
    public async Task Refresh_KilledAtRandomInstants_CredentialWholeAndNoRefreshTokenReplayed()
    {
        await using var home = await TestHome.StartAsync();
        home.WriteManagedConfig();
        var work = home.Workspace();
        var state = home.Emulator.State;
        var diedInFlight = 0;

        for (var i = 0; i < Iterations; i++)
        {
            var tokens = state.IssueTokens();
            home.WriteCredential("expired-access-" + i, tokens.RefreshToken, DateTimeOffset.UtcNow.AddSeconds(-10), 900);
            var tokenRequests = TokenRequests(home);
            var refreshes = state.RefreshCount;
            var delay = RandomInstant(TimeSpan.FromMilliseconds(80));

            await using (var kimi = home.Start("-p", $"refresh {i}", "-w", work))
            {
                // The refresh request has reached the server: kill somewhere in the 80 ms that follow (answer, write, rename).
                await WaitUntilAsync(() => TokenRequests(home) > tokenRequests, () => false, () => "no refresh request arrived");
                await Task.Delay(delay, TestContext.Current.CancellationToken);
                kimi.KillHard();
                await kimi.WaitForExitAsync();
            }

            using (var credential = JsonDocument.Parse(File.ReadAllBytes(home.CredentialPath)))
            {
                Assert.False(string.IsNullOrEmpty(credential.RootElement.GetProperty("refresh_token").GetString()), $"iteration {i}: the stored refresh token is gone");
            }

            var granted = state.RefreshCount > refreshes;
            var onDisk = RefreshTokensOnDisk(home.Root);
            if (granted && onDisk.SetEquals([tokens.RefreshToken]))
            {
                // Killed after the server rotated the pair but before any byte of the new pair reached the disk: no client
                // can avoid this, and the next run would rightly be told to log in again. Start the next round fresh.
                diedInFlight++;
                Log($"iteration {i}: killed {delay.TotalMilliseconds:0} ms after the request, before the new pair was written");
                continue;
            }

            var next = await home.RunAsync("-p", $"after kill {i}", "-w", work);
            Assert.True(
                next.ExitCode == 0,
                $"iteration {i} (killed {delay.TotalMilliseconds:0} ms after the refresh request, granted: {granted}; files holding a refresh token: {Holders(home.Root)}): {next}");
            Assert.Equal($"Echo: after kill {i}", next.Stdout.Trim());
        }

        Log($"{Iterations} kills, {diedInFlight} in the unavoidable instant between the server's answer and the first write");
        Assert.Equal(0, state.RefreshReuseCount);
        AssertNoTempLitter(home.Root, work);
    }

    private static string Holders(string home) => string.Join(", ", Directory.EnumerateFiles(home, "*", SearchOption.AllDirectories)
        .Where(f => new FileInfo(f).Length < 1_000_000 && File.ReadAllText(f).Contains("\"rt-", StringComparison.Ordinal))
        .Select(f => Path.GetRelativePath(home, f)));

    private static int TokenRequests(TestHome home) => home.Emulator.State.Requests.Count(r => r.Path == "/api/oauth/token");
}

/// <summary>kill -9 during `kimi login --api-key` (a config.toml edit): config.toml always parses and stays usable.</summary>
public sealed class ConfigEditKillLoopTests
{
    [Fact]
    public async Task LoginApiKey_KilledAtRandomInstants_ConfigAlwaysParsesAndWorks()
    {
        var keys = Enumerable.Range(0, Iterations + 1).Select(i => $"sk-kill-loop-{i:D4}").ToList();
        await using var home = await TestHome.StartAsync(o => keys.ForEach(o.ApiKeys.Add));
        var work = home.Workspace();

        // One uncut login measures the window from its key check (GET /coding/v1/models) to its exit: the config.toml
        // edit happens inside it.
        var first = await home.RunWithInputAsync(keys[0] + "\n", "login", "--api-key");
        var exitedAt = DateTimeOffset.UtcNow;
        Assert.True(first.ExitCode == 0, first.ToString());
        var window = exitedAt - home.Emulator.State.Requests.Last(r => r.Path == "/coding/v1/models").Timestamp;

        for (var i = 1; i <= Iterations; i++)
        {
            var delay = RandomInstant(window);
            var checks = ModelsRequests(home);
            using (var login = StartWithInput(home, keys[i] + "\n", "login", "--api-key"))
            {
                await WaitUntilAsync(() => ModelsRequests(home) > checks, () => login.HasExited, () => $"iteration {i}: the login exited before checking its key");
                await Task.Delay(delay, TestContext.Current.CancellationToken);
                await KillNowAsync(login);
            }

            var config = File.ReadAllText(home.ConfigPath);
            Assert.Equal(1, CountOf(config, "[providers.kimi-code]"));
            Assert.True(keys.Take(i + 1).Any(k => config.Contains($"api_key = \"{k}\"", StringComparison.Ordinal)), $"iteration {i}: no known key in config.toml");
            var next = await home.RunAsync("-p", $"config {i}", "-w", work);
            Assert.True(next.ExitCode == 0, $"iteration {i} (killed after {delay.TotalMilliseconds:0} ms): {next}\n--- config.toml ---\n{config}");
            Assert.Equal($"Echo: config {i}", next.Stdout.Trim());
        }

        AssertNoTempLitter(home.Root, work);
    }

    private static int ModelsRequests(TestHome home) => home.Emulator.State.Requests.Count(r => r.Path == "/coding/v1/models");

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}

/// <summary>kill -9 while a long answer streams into the session: the session file stays whole and `--continue` works.</summary>
public sealed class SessionAppendKillLoopTests
{
    private const string Key = "sk-kill-loop-session";

    [Fact]
    public async Task StreamingAnswer_KilledAtRandomInstants_SessionParsesAndContinues()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);
        var work = home.Workspace();
        var state = home.Emulator.State;
        var start = await home.RunAsync("-p", "start", "-w", work);
        Assert.True(start.ExitCode == 0, start.ToString());
        var longAnswer = string.Concat(Enumerable.Range(0, 200).Select(n => $"Line {n} of a long answer. "));

        for (var i = 0; i < Iterations; i++)
        {
            state.LoadScript(JsonSerializerFree.Script(longAnswer));
            var chats = state.ChatCount;
            var delay = RandomInstant(TimeSpan.FromMilliseconds(900));
            await using (var kimi = home.Start("-p", $"turn {i}", "-w", work, "--continue"))
            {
                await WaitUntilAsync(() => state.ChatCount > chats, () => false, () => "no chat request arrived");
                await Task.Delay(delay, TestContext.Current.CancellationToken);
                kimi.KillHard();
                await kimi.WaitForExitAsync();
            }

            FaultRun.AssertSessionsParse(home.Root);
            var next = await home.RunAsync("-p", $"after {i}", "-w", work, "--continue");
            Assert.True(next.ExitCode == 0, $"iteration {i} (killed {delay.TotalMilliseconds:0} ms into the answer): {next}");
            Assert.Equal($"Echo: after {i}", next.Stdout.Trim());
        }

        AssertNoTempLitter(home.Root, work);
    }
}

/// <summary>kill -9 while Edit rewrites a multi-megabyte file: the file is exactly the old or the new text, never a mix.</summary>
public sealed class EditKillLoopTests
{
    private const string Key = "sk-kill-loop-edit";

    [Fact]
    public async Task EditOnMultiMegabyteFile_KilledAtRandomInstants_OldOrNewContentExactly()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);
        var work = home.Workspace(("big.txt", Content(0)));
        var path = Path.Combine(work, "big.txt");
        var state = home.Emulator.State;

        // One uncut edit measures the window from the first chat request (the model asks for the Edit) to the second
        // (the Edit's result goes back): the read, the rewrite and the rename all happen inside it.
        var chatsBefore = state.ChatCount;
        var calibration = await home.RunAsync("-p", EditPrompt(0), "-w", work, "--yolo");
        Assert.True(calibration.ExitCode == 0, calibration.ToString());
        Assert.True(File.ReadAllText(path) == Content(1), "the uncut edit did not apply: " + calibration);
        Assert.Equal(chatsBefore + 2, state.ChatCount);
        var chatTimes = state.Requests.Where(r => r.Path == "/coding/v1/chat/completions").Select(r => r.Timestamp).ToList();
        var window = (chatTimes[^1] - chatTimes[^2]) * 1.2;
        Log($"an edit turn takes {window.TotalMilliseconds / 1.2:0} ms from the first chat request to the second");
        var current = 1;

        for (var i = 0; i < Iterations; i++)
        {
            var delay = RandomInstant(window);
            var chats = state.ChatCount;
            await using (var kimi = home.Start("-p", EditPrompt(current), "-w", work, "--yolo"))
            {
                await WaitUntilAsync(() => state.ChatCount > chats, () => false, () => "no chat request arrived");
                if (i % 2 == 1)
                {
                    // Every other round kills the moment a second file shows up beside big.txt (the rewrite's temp
                    // file), or when the Edit is over without one: the instant a litter bug needs.
                    await WaitUntilAsync(() => Directory.GetFiles(work).Length > 1 || state.ChatCount > chats + 1, () => false, () => "the Edit never finished");
                    delay = TimeSpan.Zero;
                }
                else
                {
                    await Task.Delay(delay, TestContext.Current.CancellationToken);
                }

                kimi.KillHard();
                await kimi.WaitForExitAsync();
            }

            var text = File.ReadAllText(path);
            var litter = Directory.GetFiles(work).Length - 1;
            Log($"iteration {i}: killed {(i % 2 == 1 ? "as a temp file appeared" : $"{delay.TotalMilliseconds:0} ms after the Edit was asked for")}: {(text == Content(current + 1) ? "new" : "old")} text, {litter} other file(s) in the folder");
            if (text == Content(current + 1))
            {
                current++;
            }
            else
            {
                Assert.True(text == Content(current), $"iteration {i} (killed after {delay.TotalMilliseconds:0} ms): big.txt is neither the old nor the new text ({text.Length} chars)");
            }
        }

        var last = await home.RunAsync("-p", "done", "-w", work);
        Assert.True(last.ExitCode == 0, last.ToString());
        AssertNoTempLitter(home.Root, work);
    }

    private static string EditPrompt(int from) =>
        $"edit it\ntool: Edit {{\"file_path\":\"big.txt\",\"old_string\":\"{Marker(from)}\",\"new_string\":\"{Marker(from + 1)}\"}}";

    private static string Marker(int n) => $"MARKER-{n:D4}";

    /// <summary>About 4 MB: 2 MB of lines, the marker, 2 MB of lines.</summary>
    private static string Content(int n) => Half.Value + Marker(n) + "\n" + Half.Value;

    private static readonly Lazy<string> Half = new(() =>
    {
        var text = new StringBuilder();
        for (var line = 0; text.Length < 2_000_000; line++)
        {
            text.Append("line ").Append(line).Append(": the quick brown fox jumps over the lazy dog\n");
        }

        return text.ToString();
    });
}

/// <summary>Script JSON built with JsonNode (no reflection-based serialization).</summary>
internal static class JsonSerializerFree
{
    public static string Script(string text) =>
        new System.Text.Json.Nodes.JsonObject
        {
            ["turns"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject
            {
                ["text"] = text,
                ["chunk_size"] = 24,
                ["delay_ms"] = 2,
            }),
        }.ToJsonString();
}
