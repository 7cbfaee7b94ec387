namespace KimiCode.EndToEnd.Tests;

/// <summary>The official <c>[[permission.rules]]</c> and <c>default_permission_mode</c>, honoured by the real <c>kimi -p</c>.</summary>
public sealed class PermissionRulesEndToEndTests
{
    private const string Key = "sk-permission-rules";

    [Fact]
    public async Task Print_OfficialDenyRuleInYoloConfig_StopsTheScriptedRmAndRunsTheRest()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key, _ => """

            [[permission.rules]]
            decision = "allow"
            pattern = "Bash"

            [[permission.rules]]
            decision = "deny"
            pattern = "Bash(rm -rf*)"
            reason = "keep the tree"
            """);
        File.WriteAllText(home.ConfigPath, "default_permission_mode = \"yolo\"\n" + File.ReadAllText(home.ConfigPath));
        var work = home.Workspace();
        Directory.CreateDirectory(Path.Combine(work, "victim"));
        File.WriteAllText(Path.Combine(work, "victim", "keep.txt"), "precious\n");
        var prompt = "clean up\ntool: Bash {\"command\":\"cd victim && /bin/rm -fr ../victim\"}\ntool: Bash {\"command\":\"touch made-by-bash\"}";

        var result = await home.RunAsync("-p", prompt, "-w", work);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(File.Exists(Path.Combine(work, "victim", "keep.txt")), result.ToString());
        Assert.True(File.Exists(Path.Combine(work, "made-by-bash")), result.ToString()); // yolo from config.toml, no --yolo
        var toolResults = home.Emulator.State.Requests.Last(r => r.Path == "/coding/v1/chat/completions").Body;
        Assert.Contains("denied by the permission rule", toolResults);
        Assert.Contains("(reason: keep the tree)", toolResults);
        Assert.Equal(string.Empty, result.Stderr);
    }

    [Fact]
    public async Task Print_OfficialRulesAndOurTable_BothApplyAndStderrSaysWhichWinsOnce()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key, _ => """

            [[permission.rules]]
            decision = "deny"
            pattern = "Read(secret.txt)"

            [permissions]
            mode = "yolo"
            deny = [ "Read(other.txt)" ]
            """);
        File.WriteAllText(home.ConfigPath, "default_permission_mode = \"manual\"\n" + File.ReadAllText(home.ConfigPath));
        var work = home.Workspace(("secret.txt", "kumquat\n"), ("other.txt", "durian\n"));
        var marker = Path.Combine(work, "made-by-bash");
        var prompt = $"read\ntool: Read {{\"file_path\":\"secret.txt\"}}\ntool: Read {{\"file_path\":\"other.txt\"}}\ntool: Bash {{\"command\":\"touch {marker}\"}}";

        var result = await home.RunAsync("-p", prompt, "-w", work);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain("kumquat", result.Stdout);
        Assert.DoesNotContain("durian", result.Stdout);
        Assert.False(File.Exists(marker)); // manual (default_permission_mode) wins over [permissions] mode = "yolo"
        var notice = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.Contains("default_permission_mode wins", StringComparison.Ordinal));
        Assert.StartsWith("kimi: ", notice, StringComparison.Ordinal);
        Assert.Contains("default_permission_mode wins over [permissions] mode", notice, StringComparison.Ordinal);
        Assert.DoesNotContain("default_permission_mode wins", result.Stdout);
    }

    [Fact]
    public async Task Print_BadDefaultPermissionMode_OneLineConfigInvalidWithLine()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);
        File.WriteAllText(home.ConfigPath, "default_permission_mode = \"ask\"\n" + File.ReadAllText(home.ConfigPath));
        var work = home.Workspace();

        var result = await home.RunAsync("-p", "hi", "-w", work);

        Assert.NotEqual(0, result.ExitCode);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("[config.invalid]", line, StringComparison.Ordinal);
        Assert.Contains("config.toml:1: default_permission_mode is \"ask\"; use \"manual\"", line, StringComparison.Ordinal);
        Assert.DoesNotContain(home.Emulator.State.Requests, r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal));
    }
}
