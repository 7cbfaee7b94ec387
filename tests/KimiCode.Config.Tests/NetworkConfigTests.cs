using KimiCode.Protocol;

namespace KimiCode.Config.Tests;

public sealed class NetworkConfigTests
{
    private static KimiConfig Load(string toml)
    {
        using var temp = new TempFolder("kimi-config-tests");
        var store = new ConfigStore(new KimiHome(temp.Path), _ => null);
        File.WriteAllText(store.Home.ConfigFile, toml);
        return store.LoadEffective();
    }

    private static Func<string, string?> Env(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void Resolve_NothingSet_Defaults()
    {
        var settings = NetworkSettings.Resolve(Load(string.Empty), Env());

        Assert.Equal((15.0, 60.0, 90.0, 120.0, 60.0, 30.0, 10), (settings.ConnectTimeoutSeconds, settings.HeadersTimeoutSeconds, settings.StreamIdleTimeoutSeconds, settings.RetryMaxSeconds, settings.RetryAfterMaxSeconds, settings.TokenTimeoutSeconds, settings.MaxAttemptsPerStep));
    }

    [Fact]
    public void Resolve_NetworkTable_IntegersAndFractionsRead()
    {
        var config = Load("[network]\nconnect_timeout_s = 3\nheaders_timeout_s = 0.3\nstream_idle_timeout_s = 2.5\nretry_max_seconds = 30\nretry_after_max_s = 5\ntoken_timeout_s = 0.5\n");

        var settings = NetworkSettings.Resolve(config, Env());

        Assert.Empty(config.Validate());
        Assert.Equal((3.0, 0.3, 2.5, 30.0, 5.0, 0.5), (settings.ConnectTimeoutSeconds, settings.HeadersTimeoutSeconds, settings.StreamIdleTimeoutSeconds, settings.RetryMaxSeconds, settings.RetryAfterMaxSeconds, settings.TokenTimeoutSeconds));
    }

    [Fact]
    public void Resolve_EnvironmentOverridesTheFile()
    {
        var config = Load("[network]\nheaders_timeout_s = 60\nstream_idle_timeout_s = 90\n\n[loop_control]\nmax_attempts_per_step = 5\n");

        var settings = NetworkSettings.Resolve(config, Env(
            ("KIMI_CODE_CONNECT_TIMEOUT_S", "1"),
            ("KIMI_CODE_HEADERS_TIMEOUT_S", "0.3"),
            ("KIMI_CODE_STREAM_IDLE_TIMEOUT_S", " 0.5 "),
            ("KIMI_CODE_RETRY_MAX_SECONDS", "4"),
            ("KIMI_CODE_RETRY_AFTER_MAX_S", "2"),
            ("KIMI_CODE_TOKEN_TIMEOUT_S", "3"),
            ("KIMI_LOOP_MAX_ATTEMPTS_PER_STEP", "2")));

        Assert.Equal((1.0, 0.3, 0.5, 4.0, 2.0, 3.0, 2), (settings.ConnectTimeoutSeconds, settings.HeadersTimeoutSeconds, settings.StreamIdleTimeoutSeconds, settings.RetryMaxSeconds, settings.RetryAfterMaxSeconds, settings.TokenTimeoutSeconds, settings.MaxAttemptsPerStep));
    }

    [Fact]
    public void Resolve_BlankEnvironmentValue_CountsAsUnset()
    {
        var settings = NetworkSettings.Resolve(Load("[network]\nheaders_timeout_s = 7\n"), Env(("KIMI_CODE_HEADERS_TIMEOUT_S", "  ")));

        Assert.Equal(7.0, settings.HeadersTimeoutSeconds);
    }

    [Fact]
    public void MaxAttemptsPerStep_OfficialKeyWinsOverOurOlderKey()
    {
        Assert.Equal(4, NetworkSettings.Resolve(Load("[loop_control]\nmax_retries_per_step = 3\nmax_attempts_per_step = 4\n"), Env()).MaxAttemptsPerStep);
        Assert.Equal(3, NetworkSettings.Resolve(Load("[loop_control]\nmax_retries_per_step = 3\n"), Env()).MaxAttemptsPerStep);
        Assert.Equal(4, Load("[loop_control]\nmax_attempts_per_step = 4\n").LoopControl.MaxAttemptsPerStep);
    }

    [Theory]
    [InlineData("headers_timeout_s = 0", "headers_timeout_s", "60")]
    [InlineData("stream_idle_timeout_s = -1", "stream_idle_timeout_s", "90")]
    [InlineData("retry_max_seconds = \"2 min\"", "retry_max_seconds", "120")]
    [InlineData("connect_timeout_s = inf", "connect_timeout_s", "15")]
    public void NetworkKey_BadValue_OneLineWithFileLineAndKey(string line, string key, string example)
    {
        var config = Load($"[network]\n\n{line}\n");

        var problem = Assert.Single(config.Validate());
        Assert.EndsWith($"config.toml:3: [network] {key} must be a number of seconds above 0 (at most 86400), e.g. {key} = {example}; fix it", problem, StringComparison.Ordinal);
        var error = Assert.Throws<KimiCodeException>(() => NetworkSettings.Resolve(config, Env()));
        Assert.Equal(ConfigErrorCodes.Invalid, error.Code);
        Assert.Equal(problem, error.Message);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1.5")]
    [InlineData("101")]
    public void MaxAttemptsPerStep_BadValue_OneLineWithFileLineAndKey(string value)
    {
        var config = Load($"[loop_control]\nmax_attempts_per_step = {value}\n");

        var problem = Assert.Single(config.Validate());
        Assert.EndsWith("config.toml:2: [loop_control] max_attempts_per_step must be a whole number from 1 to 100 (attempts per model call, the first included), e.g. max_attempts_per_step = 10; fix it", problem, StringComparison.Ordinal);
        Assert.Equal(ConfigErrorCodes.Invalid, Assert.Throws<KimiCodeException>(() => NetworkSettings.Resolve(config, Env())).Code);
    }

    [Theory]
    [InlineData("KIMI_CODE_HEADERS_TIMEOUT_S", "soon")]
    [InlineData("KIMI_CODE_STREAM_IDLE_TIMEOUT_S", "0")]
    [InlineData("KIMI_CODE_RETRY_MAX_SECONDS", "-5")]
    [InlineData("KIMI_CODE_CONNECT_TIMEOUT_S", "NaN")]
    [InlineData("KIMI_CODE_RETRY_AFTER_MAX_S", "1e9")]
    public void EnvironmentSeconds_BadValue_OneLineNamingTheVariable(string name, string value)
    {
        var error = Assert.Throws<KimiCodeException>(() => NetworkSettings.Resolve(Load(string.Empty), Env((name, value))));

        Assert.Equal(ConfigErrorCodes.Invalid, error.Code);
        Assert.Equal($"environment: {name}=\"{value}\" is not a number of seconds above 0 (at most 86400); fix or unset it", error.Message);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("ten")]
    [InlineData("2.5")]
    public void EnvironmentAttempts_BadValue_OneLineNamingTheVariable(string value)
    {
        var error = Assert.Throws<KimiCodeException>(() => NetworkSettings.Resolve(Load(string.Empty), Env(("KIMI_LOOP_MAX_ATTEMPTS_PER_STEP", value))));

        Assert.Equal($"environment: KIMI_LOOP_MAX_ATTEMPTS_PER_STEP=\"{value}\" is not a whole number from 1 to 100; fix or unset it", error.Message);
    }
}
