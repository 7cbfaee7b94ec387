using System.Text.Json;
using KimiCode.Acp.Tests.Support;

namespace KimiCode.Acp.Tests;

/// <summary>Stop reasons as the model gave them, capabilities exactly as they work, and the thinking switch on the wire.</summary>
public sealed class StopsAndCapabilitiesTests
{
    private static string ChatBody(AcpHarness harness) =>
        harness.Emulator.State.Requests.Last(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).Body;

    [Theory]
    [InlineData("length", "max_tokens")]
    [InlineData("content_filter", "refusal")]
    [InlineData("stop", "end_turn")]
    public async Task Prompt_ModelFinishReason_BecomesTheStopReason(string finishReason, string stopReason)
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        string sessionId = await harness.NewSessionAsync();
        harness.Emulator.State.LoadScript($$"""{"turns":[{"text":"A partial answer","finish_reason":"{{finishReason}}"}]}""");

        JsonElement result = await harness.PromptAsync(sessionId, "Write a long essay");

        Assert.Equal(stopReason, result.Text("stopReason"));
    }

    [Fact]
    public async Task Prompt_StepLimitFromConfig_MaxTurnRequests()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        File.AppendAllText(Path.Combine(harness.Home, "config.toml"), "\n[loop_control]\nmax_steps_per_turn = 1\n");
        string sessionId = await harness.NewSessionAsync();
        harness.Emulator.State.LoadScript("""{"turns":[{"tool_calls":[{"name":"Glob","arguments":{"pattern":"*.md"}}]},{"text":"never asked"}]}""");

        JsonElement result = await harness.PromptAsync(sessionId, "Find the docs");

        Assert.Equal("max_turn_requests", result.Text("stopReason"));
        Assert.Single(harness.Emulator.State.Requests, r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null, "off", "disabled")]
    [InlineData(null, "on", "enabled")]
    [InlineData("true", "off", "disabled")]
    [InlineData("false", "on", "enabled")]
    [InlineData(null, null, "enabled")]
    [InlineData("false", null, "disabled")]
    public async Task Thinking_WhatTheOptionShows_IsWhatTheRequestSays(string? configured, string? chosen, string expected)
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        if (configured is not null)
        {
            File.AppendAllText(Path.Combine(harness.Home, "config.toml"), $"\n[thinking]\nenabled = {configured}\n");
        }

        await harness.InitializeAsync();
        JsonElement session = await harness.Client.ResultAsync("session/new", harness.NewSessionParams());
        string sessionId = session.Text("sessionId");
        JsonElement options = session.GetProperty("configOptions");
        if (chosen is not null)
        {
            options = (await harness.Client.ResultAsync("session/set_config_option", $$"""{"sessionId":{{Json.Str(sessionId)}},"configId":"thinking","value":"{{chosen}}"}""")).GetProperty("configOptions");
        }

        harness.Client.DrainUpdates();
        await harness.PromptAsync(sessionId, "Hello");

        Assert.Equal(expected == "enabled" ? "on" : "off", options.EnumerateArray().Single(o => o.Text("id") == "thinking").Text("currentValue"));
        using JsonDocument body = JsonDocument.Parse(ChatBody(harness));
        Assert.Equal(expected, body.RootElement.GetProperty("thinking").Text("type"));
        Assert.Equal(expected == "enabled", harness.Client.DrainUpdates().Any(u => u.Tag() == "agent_thought_chunk"));
    }

    [Fact]
    public async Task Initialize_DefaultModelSeesImages_AdvertisesImages()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();

        JsonElement result = await harness.InitializeAsync();

        Assert.True(result.GetProperty("agentCapabilities").GetProperty("promptCapabilities").GetProperty("image").GetBoolean());
    }

    [Fact]
    public async Task Initialize_DefaultModelWithoutImageIn_DoesNotAdvertiseImages()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        File.WriteAllText(Path.Combine(harness.Home, "config.toml"), File.ReadAllText(Path.Combine(harness.Home, "config.toml"))
            .Replace($"default_model = \"{AcpHarness.ModelAlias}\"", "default_model = \"test/second\"", StringComparison.Ordinal));

        JsonElement result = await harness.InitializeAsync();

        Assert.False(result.GetProperty("agentCapabilities").GetProperty("promptCapabilities").GetProperty("image").GetBoolean());
    }

    [Fact]
    public async Task Prompt_ImageToAModelWithoutImageIn_InvalidParamsSayingSo()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        string sessionId = await harness.NewSessionAsync();
        await harness.Client.ResultAsync("session/set_config_option", $$"""{"sessionId":{{Json.Str(sessionId)}},"configId":"model","value":"test/second"}""");
        string png = Convert.ToBase64String([0x89, 0x50, 0x4E, 0x47, 1, 2, 3]);

        JsonElement error = await harness.Client.ErrorAsync("session/prompt", $$"""
            {"sessionId":{{Json.Str(sessionId)}},"prompt":[{"type":"text","text":"What is this?"},{"type":"image","data":"{{png}}","mimeType":"image/png"}]}
            """);

        Assert.Equal(-32602, error.GetProperty("code").GetInt32());
        Assert.Contains("cannot see images", error.Text("message"), StringComparison.Ordinal);
        Assert.Contains("test/second", error.Text("message"), StringComparison.Ordinal);
        Assert.DoesNotContain(harness.Emulator.State.Requests, r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal));
        Assert.Equal("end_turn", (await harness.PromptAsync(sessionId, "Text is fine")).Text("stopReason"));
    }

    [Fact]
    public async Task Initialize_AdvertisesAdditionalDirectories()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();

        JsonElement result = await harness.InitializeAsync();

        JsonElement session = result.GetProperty("agentCapabilities").GetProperty("sessionCapabilities");
        Assert.Equal(JsonValueKind.Object, session.GetProperty("additionalDirectories").ValueKind);
    }

    [Theory]
    [InlineData("missing-cwd")]
    [InlineData("missing-additional")]
    [InlineData("relative-additional")]
    [InlineData("file-as-additional")]
    public async Task NewSession_BadFolder_InvalidParamsNamingThePath(string kind)
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        await harness.InitializeAsync();
        string file = Path.Combine(harness.Workspace, "a-file.txt");
        File.WriteAllText(file, "x");
        (string cwd, string additional, string named) = kind switch
        {
            "missing-cwd" => (Path.Combine(harness.Root, "gone"), harness.Root, Path.Combine(harness.Root, "gone")),
            "missing-additional" => (harness.Workspace, Path.Combine(harness.Root, "nope"), Path.Combine(harness.Root, "nope")),
            "relative-additional" => (harness.Workspace, "lib/shared", "lib/shared"),
            _ => (harness.Workspace, file, file),
        };

        JsonElement error = await harness.Client.ErrorAsync("session/new", $$"""{"cwd":{{Json.Str(cwd)}},"mcpServers":[],"additionalDirectories":[{{Json.Str(additional)}}]}""");

        Assert.Equal(-32602, error.GetProperty("code").GetInt32());
        Assert.Contains(named, error.Text("message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NewSession_ExistingAdditionalDirectory_Accepted()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        await harness.InitializeAsync();

        JsonElement result = await harness.Client.ResultAsync("session/new", $$"""{"cwd":{{Json.Str(harness.Workspace)}},"mcpServers":[],"additionalDirectories":[{{Json.Str(harness.Root)}}]}""");

        Assert.False(string.IsNullOrEmpty(result.Text("sessionId")));
    }
}
