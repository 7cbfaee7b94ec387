using KimiCode.Protocol;

namespace KimiCode.Config.Tests;

/// <summary>A config.toml with every key the official client documents (docs/en/configuration/config-files.md) loads as is.</summary>
public sealed class OfficialKeysTests
{
    /// <summary>Every table and key of the official config-files page, with the official example values.</summary>
    internal const string EveryOfficialKey = """
        default_model = "kimi-code/k3"
        default_permission_mode = "manual"
        default_plan_mode = false
        merge_all_available_skills = true
        extra_skill_dirs = ["~/my-skills"]
        extra_agent_dirs = ["~/my-agents"]
        builtin_product_skills = true
        telemetry = true

        [providers."managed:kimi-code"]
        type = "kimi"
        base_url = "https://api.kimi.com/coding/v1"
        api_key = "sk-official"
        custom_headers = { "X-Team" = "a" }

        [providers."managed:kimi-code".oauth]
        storage = "file"
        key = "oauth/kimi-code"

        [providers.kimi.env]
        KIMI_API_KEY = "sk-xxx"
        KIMI_BASE_URL = "https://api.moonshot.ai/v1"

        [providers.kimi]
        type = "kimi"

        [models."kimi-code/k3"]
        provider = "managed:kimi-code"
        model = "k3"
        max_context_size = 1048576
        max_input_size = 900000
        max_output_size = 32000
        capabilities = [ "thinking", "always_thinking", "image_in", "video_in", "tool_use" ]
        display_name = "K3"
        support_efforts = [ "low", "high", "max" ]
        default_effort = "max"
        off_effort = "none"
        reasoning_key = "reasoning_content"
        adaptive_thinking = true

        [models."kimi-code/k3".overrides]
        default_effort = "high"
        display_name = "K3 (mine)"

        [models."kimi-code/kimi-for-coding"]
        provider = "managed:kimi-code"
        model = "kimi-for-coding"
        max_context_size = 262144
        capabilities = [ "thinking", "always_thinking", "image_in", "video_in", "tool_use" ]

        [secondary_model]
        default_model = "kimi-code/kimi-for-coding"
        force = false

        [secondary_model.models]
        "kimi-code/k3" = "hard problems"

        [thinking]
        enabled = true
        effort = "high"
        keep = "all"

        [loop_control]
        max_steps_per_turn = 0
        max_attempts_per_step = 10
        reserved_context_size = 50000

        [token_counting]
        strategy = "measured+estimated"

        [background]
        max_running_tasks = 4
        keep_alive_on_exit = false
        kill_grace_period_ms = 5000
        bash_auto_background_on_timeout = true
        bash_task_timeout_s = 600
        print_background_mode = "steer"
        print_wait_ceiling_s = 2147483
        print_max_turns = 100000

        [subagent]
        timeout_ms = 7200000

        [mcp]
        startup_timeout_ms = 30000
        tool_timeout_ms = 60000

        [identity]
        name = "Acme Dev Agent"
        slug = "acme-dev"

        [tools]
        enabled = ["Read", "Bash", "mcp__github__*"]
        disabled = ["EnterPlanMode", "ExitPlanMode", "mcp__github__delete*"]

        [image]
        max_edge_px = 1600
        read_byte_budget = 131072

        [experimental]
        micro_compaction = false

        [services.moonshot_search]
        base_url = "https://api.kimi.com/coding/v1/search"
        api_key = "sk-search"
        custom_headers = { "X-A" = "b" }

        [services.moonshot_search.oauth]
        storage = "file"
        key = "oauth/kimi-code"

        [services.moonshot_fetch]
        base_url = "https://api.kimi.com/coding/v1/fetch"
        api_key = ""

        [[permission.rules]]
        decision = "allow"
        pattern = "Read"
        scope = "user"
        reason = "reading is safe"

        [[permission.rules]]
        decision = "deny"
        pattern = "Bash(rm -rf*)"

        [[hooks]]
        event = "PreToolUse"
        matcher = "Bash"
        command = "node ~/.kimi-code/hooks/check-bash.mjs"
        timeout = 5
        """;

    private static KimiConfig Load(string toml) => ToolsConfigTests.Load(toml);

    [Fact]
    public void Load_EveryOfficialKey_ValidatesAndMapsTheKeysWeHonour()
    {
        var config = Load(EveryOfficialKey);

        Assert.Empty(config.Validate());
        Assert.Equal("high", config.Thinking.Effort);
        Assert.Equal("all", config.Thinking.Keep);
        Assert.True(config.Thinking.Enabled);
        Assert.Equal(0, config.LoopControl.MaxStepsPerTurn);
        Assert.Equal(50000, config.LoopControl.ReservedContextSize);
        Assert.Equal(10, config.LoopControl.MaxAttemptsPerStep);
        Assert.Equal(["Read", "Bash", "mcp__github__*"], config.Tools.Enabled);
        Assert.Equal(["EnterPlanMode", "ExitPlanMode", "mcp__github__delete*"], config.Tools.Disabled);
        Assert.Equal("Acme Dev Agent", config.Identity.Name);
        Assert.Equal("acme-dev", config.Identity.Slug);
        Assert.Equal(1600, config.Image.MaxEdgePx);
        Assert.Equal(131072, config.Image.ReadByteBudget);
        var k3 = config.Models["kimi-code/k3"];
        Assert.Equal(["low", "high", "max"], k3.SupportEfforts);
        Assert.Equal("high", k3.DefaultEffort);
        Assert.True(config.Document.ContainsKey("background"));
        Assert.True(config.Document.ContainsKey("hooks"));
    }

    [Fact]
    public void Resolve_EveryOfficialKey_GivesTheOfficialMeaning()
    {
        var settings = AgentSettings.Resolve(Load(EveryOfficialKey), _ => null);
        var network = NetworkSettings.Resolve(Load(EveryOfficialKey), _ => null);

        Assert.Null(settings.MaxStepsPerTurn);
        Assert.Equal(50000, settings.ReservedContextSize);
        Assert.Equal("all", settings.ThinkingKeep);
        Assert.Equal("Acme Dev Agent", settings.IdentityName);
        Assert.Equal("acme-dev", settings.IdentitySlug);
        Assert.Equal(1600, settings.ImageMaxEdgePx);
        Assert.Equal(10, network.MaxAttemptsPerStep);
    }

    [Fact]
    public void Resolve_EnvironmentOverrides_WinOverTheFile()
    {
        var env = new Dictionary<string, string>
        {
            ["KIMI_LOOP_MAX_STEPS_PER_TURN"] = "7",
            ["KIMI_MODEL_THINKING_EFFORT"] = "MAX",
            ["KIMI_MODEL_THINKING_KEEP"] = "off",
            ["KIMI_CODE_IDENTITY_NAME"] = "Ci Bot",
            ["KIMI_IMAGE_MAX_EDGE_PX"] = "800",
            ["KIMI_IMAGE_READ_BYTE_BUDGET"] = "1000",
            ["KIMI_MODEL_TEMPERATURE"] = "0.3",
            ["KIMI_MODEL_TOP_P"] = "0.95",
            ["KIMI_MODEL_MAX_COMPLETION_TOKENS"] = "4096",
        };
        var config = Load("[loop_control]\nmax_steps_per_turn = 50\n[thinking]\neffort = \"low\"\nkeep = \"all\"\n[identity]\nname = \"File Name\"\n");

        var settings = AgentSettings.Resolve(config, name => env.GetValueOrDefault(name));

        Assert.Equal(7, settings.MaxStepsPerTurn);
        Assert.Equal("max", settings.ForcedThinkingEffort);
        Assert.Null(settings.ThinkingKeep);
        Assert.Equal("Ci Bot", settings.IdentityName);
        Assert.Equal("ci-bot", settings.IdentitySlug);
        Assert.Equal(800, settings.ImageMaxEdgePx);
        Assert.Equal(1000, settings.ImageReadByteBudget);
        Assert.Equal(0.3f, settings.Temperature);
        Assert.Equal(0.95f, settings.TopP);
        Assert.Equal(4096, settings.MaxCompletionTokens);
        Assert.Equal("max", settings.EffortFor(config.Models.Values.FirstOrDefault()));
    }

    [Fact]
    public void Resolve_NothingConfigured_OurDefaults()
    {
        var settings = AgentSettings.Resolve(Load(""), _ => null);

        Assert.Equal(AgentSettings.DefaultMaxStepsPerTurn, settings.MaxStepsPerTurn);
        Assert.Null(settings.ReservedContextSize);
        Assert.Equal("all", settings.ThinkingKeep);
        Assert.Null(settings.IdentityName);
        Assert.Null(settings.IdentitySlug);
        Assert.Equal(ImageConfig.DefaultMaxEdgePx, settings.ImageMaxEdgePx);
        Assert.Null(settings.Temperature);
    }

    [Theory]
    [InlineData("false")]
    [InlineData("none")]
    [InlineData("OFF")]
    public void Resolve_KeepOffValue_TurnsKeepOff(string value)
        => Assert.Null(AgentSettings.Resolve(Load($"[thinking]\nkeep = \"{value}\"\n"), _ => null).ThinkingKeep);

    [Fact]
    public void Resolve_KeepFalseBoolean_TurnsKeepOff()
        => Assert.Null(AgentSettings.Resolve(Load("[thinking]\nkeep = false\n"), _ => null).ThinkingKeep);

    [Theory]
    [InlineData("KIMI_LOOP_MAX_STEPS_PER_TURN", "many")]
    [InlineData("KIMI_LOOP_MAX_STEPS_PER_TURN", "-1")]
    [InlineData("KIMI_IMAGE_MAX_EDGE_PX", "0")]
    [InlineData("KIMI_MODEL_TEMPERATURE", "warm")]
    public void Resolve_UnusableVariable_OneLineConfigInvalidNamingIt(string name, string value)
    {
        var ex = Assert.Throws<KimiCodeException>(() => AgentSettings.Resolve(Load(""), n => n == name ? value : null));

        Assert.Equal(ConfigErrorCodes.Invalid, ex.Code);
        Assert.StartsWith($"environment: {name}=\"{value}\"", ex.Message, StringComparison.Ordinal);
        Assert.EndsWith("fix or unset it", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("max_steps_per_turn", "-1")]
    [InlineData("reserved_context_size", "\"big\"")]
    public void Validate_LoopControlBadValue_OneLineWithFileAndLine(string key, string value)
    {
        var problem = Assert.Single(Load($"\n[loop_control]\n{key} = {value}\n").Validate());

        Assert.EndsWith($"config.toml:3: [loop_control] {key} must be a whole number of 0 or more, e.g. {key} = 50000; fix it", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("enabled = \"Bash\"", "enabled")]
    [InlineData("disabled = [1, 2]", "disabled")]
    public void Validate_ToolListNotNames_OneLineSayingTheFix(string line, string key)
    {
        var problem = Assert.Single(Load($"[tools]\n{line}\n").Validate());

        Assert.Contains($"[tools] {key} must be a list of tool names, e.g. {key} = [", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("high", "high")]
    [InlineData("medium", "max")]
    [InlineData(null, "max")]
    public void EffortFor_ModelWithSupportEfforts_ConfiguredWhenListedElseModelDefault(string? configured, string expected)
    {
        var model = new ModelConfig { SupportEfforts = ["low", "high", "max"], DefaultEffort = "max" };

        Assert.Equal(expected, new AgentSettings { ThinkingEffort = configured }.EffortFor(model));
    }

    [Fact]
    public void EffortFor_ModelWithoutSupportEfforts_PlainOn()
        => Assert.Null(new AgentSettings { ThinkingEffort = "high" }.EffortFor(new ModelConfig()));

    [Theory]
    [InlineData("Acme Dev Agent", "acme-dev-agent")]
    [InlineData("  My__Bot 2.0! ", "my-bot-2-0")]
    [InlineData("中文名字", "agent")]
    public void Slug_Name_LowerCaseWithRunsFolded(string name, string expected)
        => Assert.Equal(expected, AgentSettings.Slug(name));
}
