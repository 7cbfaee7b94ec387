namespace KimiCode.EndToEnd.Tests.Interop;

/// <summary>
/// Our kimi and the real official Node client (@moonshot-ai/kimi-code, see <see cref="OfficialClientInstall"/>) on one
/// KIMI_CODE_HOME against one emulator: a login made by either is used by the other, a mixed refresh storm refreshes
/// once, our edits keep their file valid for them, and a logout by either is seen by the other as "not logged in".
/// One collection: the official client costs about a second of CPU per start, so these tests do not compete.
/// </summary>
[Collection(nameof(OfficialClientInteropTests))]
public sealed class OfficialClientInteropTests
{
    private const string ManagedModelTable = "[models.\"kimi-code/kimi-for-coding\"]";

    [Fact]
    public async Task TheirLogin_DeviceFlow_OursStatusAndPrintUseIt()
    {
        await using var shared = await SharedHome.StartAsync();

        var login = await shared.TheirLoginAsync();
        Assert.True(login.ExitCode == 0, login.ToString());
        var deviceId = File.ReadAllText(shared.DeviceIdPath);
        var (_, accessToken, refreshToken) = shared.StoredCredential();

        var status = await shared.OursAsync("auth", "status");
        var print = await shared.OursAsync("-p", "hello from ours");
        var theirsAfter = await shared.TheirsAsync("-p", "hello from theirs");

        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("managed:kimi-code: OAuth login, usable", status.Stdout);
        Assert.True(print.ExitCode == 0, print.ToString());
        Assert.Equal("Echo: hello from ours", print.Stdout.Trim());
        Assert.Single(shared.Requests("/coding/v1/chat/completions", "kimi_cli"));
        Assert.True(theirsAfter.ExitCode == 0, theirsAfter.ToString());
        Assert.Contains("Echo: hello from theirs", theirsAfter.Stdout);
        // Their device id (a dashed UUID) is theirs: our runs must neither rewrite it nor make them send another one.
        Assert.Equal(deviceId, File.ReadAllText(shared.DeviceIdPath));
        var theirLoginId = shared.Requests("/api/oauth/device_authorization", "kimi_code_cli").Single().Headers["x-msh-device-id"];
        Assert.Equal(theirLoginId, shared.Requests("/coding/v1/chat/completions", "kimi_code_cli").Single().Headers["x-msh-device-id"]);
        foreach (var run in new[] { login, status, print, theirsAfter })
        {
            Secrets.AssertAbsent(run, accessToken, refreshToken);
        }
    }

    [Fact]
    public async Task OurLogin_DeviceFlow_TheirPrintAndDoctorUseIt()
    {
        await using var shared = await SharedHome.StartAsync();

        var login = await shared.OurLoginAsync();
        Assert.True(login.ExitCode == 0, login.ToString());
        var (_, accessToken, refreshToken) = shared.StoredCredential();

        var doctor = await shared.TheirsAsync("doctor", "config");
        var print = await shared.TheirsAsync("-p", "hello from theirs");

        Assert.True(doctor.ExitCode == 0, doctor.ToString());
        Assert.Contains("All checked config files are valid.", doctor.Stdout);
        Assert.True(print.ExitCode == 0, print.ToString());
        Assert.Contains("Echo: hello from theirs", print.Stdout);
        var chat = Assert.Single(shared.Requests("/coding/v1/chat/completions", "kimi_code_cli"));
        Assert.Equal(200, chat.StatusCode);
        Assert.Equal("Bearer " + accessToken, chat.Headers["authorization"]);
        foreach (var run in new[] { login, doctor, print })
        {
            Secrets.AssertAbsent(run, accessToken, refreshToken);
        }
    }

    [Fact]
    public async Task MixedRefreshStorm_EightOfOursAndEightOfTheirs_OneRefreshNoReuseAllAnswered()
    {
        await using var shared = await SharedHome.StartAsync();
        shared.AccessTokenLifetime = TimeSpan.FromSeconds(60); // under both clients' threshold of max(300 s, expires_in / 2)
        var login = await shared.TheirLoginAsync();
        Assert.True(login.ExitCode == 0, login.ToString());
        shared.AccessTokenLifetime = TimeSpan.FromSeconds(900); // the rotated token needs no further refresh
        var before = shared.StoredCredential();

        var ours = Enumerable.Range(0, 8).Select(i => shared.OursAsync("-p", $"ours {i}"));
        var theirs = Enumerable.Range(0, 8).Select(i => shared.TheirsAsync("-p", $"theirs {i}"));
        var results = await Task.WhenAll(ours.Concat(theirs));

        for (var i = 0; i < 8; i++)
        {
            Assert.True(results[i].ExitCode == 0, results[i].ToString());
            Assert.Equal($"Echo: ours {i}", results[i].Stdout.Trim());
            Assert.True(results[8 + i].ExitCode == 0, results[8 + i].ToString());
            Assert.Contains($"Echo: theirs {i}", results[8 + i].Stdout);
        }

        Assert.Equal(1, shared.Emulator.State.RefreshCount);
        Assert.Equal(0, shared.Emulator.State.RefreshReuseCount);
        Assert.Equal(8, shared.Requests("/coding/v1/chat/completions", "kimi_cli").Count(r => r.StatusCode == 200));
        Assert.Equal(8, shared.Requests("/coding/v1/chat/completions", "kimi_code_cli").Count(r => r.StatusCode == 200));
        var after = shared.StoredCredential();
        Assert.NotEqual(before.RefreshToken, after.RefreshToken);
        var slot = Path.GetFileNameWithoutExtension(after.Path);
        Assert.False(Directory.Exists(Path.Combine(shared.Home.Root, "oauth", slot + ".lock")), "the refresh lock is released");
        foreach (var run in results)
        {
            Secrets.AssertAbsent(run, before.AccessToken, before.RefreshToken, after.AccessToken, after.RefreshToken);
        }
    }

    [Fact]
    public async Task OurApiKeyLoginAndLogout_OnTheirFile_KeepTheirTablesAndTheyStillWork()
    {
        await using var shared = await SharedHome.StartAsync();
        var login = await shared.TheirLoginAsync();
        Assert.True(login.ExitCode == 0, login.ToString());
        var deviceId = File.ReadAllText(shared.DeviceIdPath);
        // What a user adds by hand to the file their login wrote: a comment on top and a key in the managed model table.
        var theirFile = File.ReadAllText(shared.ConfigPath);
        Assert.Contains(ManagedModelTable, theirFile);
        File.WriteAllText(shared.ConfigPath, "# my settings, written by hand\n" + theirFile.Replace(ManagedModelTable, ManagedModelTable + "\nmax_output_size = 32000", StringComparison.Ordinal));

        var apiKeyLogin = await shared.OursWithInputAsync(SharedHome.ApiKey + "\n", "login", "--api-key", "--base-url", shared.Emulator.CodingBaseUrl);

        Assert.True(apiKeyLogin.ExitCode == 0, apiKeyLogin.ToString());
        var afterLogin = File.ReadAllText(shared.ConfigPath);
        Assert.StartsWith("# my settings, written by hand\n", afterLogin);
        Assert.Contains("[providers.\"managed:kimi-code\".oauth]", afterLogin);
        Assert.Contains("[services.moonshot_search]", afterLogin);
        Assert.Contains("[services.moonshot_fetch]", afterLogin);
        Assert.Contains($"api_key = \"{SharedHome.ApiKey}\"", afterLogin);
        // No alias hijack: their OAuth model alias keeps pointing at the managed provider, with the user's key.
        var managedModel = TomlTable(afterLogin, ManagedModelTable);
        Assert.Contains("provider = \"managed:kimi-code\"", managedModel);
        Assert.Contains("max_output_size = 32000", managedModel);
        await AssertTheyStillWorkAsync(shared, "after our API-key login");

        var logout = await shared.OursAsync("logout");

        Assert.True(logout.ExitCode == 0, logout.ToString());
        Assert.Empty(shared.CredentialFiles());
        var afterLogout = File.ReadAllText(shared.ConfigPath);
        Assert.StartsWith("# my settings, written by hand\n", afterLogout);
        Assert.Contains($"api_key = \"{SharedHome.ApiKey}\"", afterLogout);
        // What their own logout removes: the managed provider and its models, and the two services pointing at it.
        Assert.DoesNotContain("managed:kimi-code", afterLogout);
        Assert.DoesNotContain("[services.", afterLogout);
        Assert.Equal(deviceId, File.ReadAllText(shared.DeviceIdPath));
        await AssertTheyStillWorkAsync(shared, "after our logout");
        Secrets.AssertAbsent(apiKeyLogin, SharedHome.ApiKey);
        Secrets.AssertAbsent(logout, SharedHome.ApiKey);
    }

    [Fact]
    public async Task OurLogout_AfterTheirLogin_TheirPrintSaysNotLoggedIn()
    {
        await using var shared = await SharedHome.StartAsync();
        var login = await shared.TheirLoginAsync();
        Assert.True(login.ExitCode == 0, login.ToString());

        var logout = await shared.OursAsync("logout");
        var doctor = await shared.TheirsAsync("doctor", "config");
        var print = await shared.TheirsAsync("-p", "hello");

        Assert.True(logout.ExitCode == 0, logout.ToString());
        Assert.Empty(shared.CredentialFiles());
        Assert.True(doctor.ExitCode == 0, doctor.ToString());
        Assert.Equal(1, print.ExitCode);
        Assert.DoesNotContain("Echo:", print.Stdout);
        Assert.Contains("/login", print.Stderr);
        Assert.DoesNotContain("    at ", print.Stderr);
        Assert.Empty(shared.Requests("/coding/v1/chat/completions", "kimi_code_cli"));
    }

    [Fact]
    public async Task TheirLogout_AfterOurLogin_OursSaysNotLoggedIn()
    {
        await using var shared = await SharedHome.StartAsync();
        var login = await shared.OurLoginAsync();
        Assert.True(login.ExitCode == 0, login.ToString());

        var (logoutExit, logoutStderr) = await shared.TheirLogoutAsync();
        var status = await shared.OursAsync("auth", "status");
        var print = await shared.OursAsync("-p", "hello");

        Assert.True(logoutExit == 0, logoutStderr);
        Assert.Empty(shared.CredentialFiles());
        // Their logout also removed the managed provider, so ours has no provider left: "log in", not a crash.
        Assert.True(status.ExitCode == 1, status.ToString());
        Assert.Contains("Run `kimi login`", status.Stdout + status.Stderr);
        Assert.DoesNotContain("   at ", status.Stderr);
        Assert.True(print.ExitCode == 1, print.ToString());
        Assert.Empty(print.Stdout);
        var error = Assert.Single(print.StderrLines);
        Assert.Contains("kimi login", error);
        Assert.EndsWith("[auth.login_required]", error);
        Assert.DoesNotContain("   at ", print.Stderr);
        Assert.Empty(shared.Requests("/coding/v1/chat/completions", "kimi_cli"));
    }

    /// <summary>Their `doctor config` accepts the file and their `-p` gets an answer.</summary>
    private static async Task AssertTheyStillWorkAsync(SharedHome shared, string when)
    {
        var doctor = await shared.TheirsAsync("doctor", "config");
        var print = await shared.TheirsAsync("-p", "still there?");
        Assert.True(doctor.ExitCode == 0, $"{when}: {doctor}\n--- config.toml ---\n{File.ReadAllText(shared.ConfigPath)}");
        Assert.True(print.ExitCode == 0, $"{when}: {print}\n--- config.toml ---\n{File.ReadAllText(shared.ConfigPath)}");
        Assert.Contains("Echo: still there?", print.Stdout);
    }

    /// <summary>The lines of the TOML table whose header is <paramref name="header"/>, up to the next header.</summary>
    private static string TomlTable(string toml, string header)
    {
        var start = toml.IndexOf(header + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no {header} in:\n{toml}");
        var body = toml[(start + header.Length + 1)..];
        var next = body.IndexOf("\n[", StringComparison.Ordinal);
        return next < 0 ? body : body[..next];
    }
}
