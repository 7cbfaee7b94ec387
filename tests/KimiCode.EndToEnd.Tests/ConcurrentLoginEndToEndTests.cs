namespace KimiCode.EndToEnd.Tests;

/// <summary>Logins at once in separate processes never lose one another's provider (issue 16: config.toml.lock).</summary>
public sealed class ConcurrentLoginEndToEndTests
{
    [Fact]
    public async Task LoginApiKey_ThreePlatformsAtOnce_EveryProviderKept()
    {
        const string key = "sk-e2e-concurrent";
        for (var round = 0; round < 4; round++)
        {
            await using var home = await TestHome.StartAsync(o => o.ApiKeys.Add(key));

            var logins = await Task.WhenAll(
                home.RunWithInputAsync(key + "\n", "login", "--api-key"),
                home.RunWithInputAsync(key + "\n", "login", "--api-key", "--platform", "moonshot-ai", "--base-url", home.Emulator.OpenPlatformBaseUrl),
                home.RunWithInputAsync(key + "\n", "login", "--api-key", "--platform", "moonshot-cn", "--base-url", home.Emulator.OpenPlatformBaseUrl));

            Assert.All(logins, login => Assert.True(login.ExitCode == 0, login.ToString()));
            var config = File.ReadAllText(home.ConfigPath);
            Assert.True(config.Contains("[providers.kimi-code]", StringComparison.Ordinal), $"round {round}:\n{config}");
            Assert.True(config.Contains("[providers.moonshot-ai]", StringComparison.Ordinal), $"round {round}:\n{config}");
            Assert.True(config.Contains("[providers.moonshot-cn]", StringComparison.Ordinal), $"round {round}:\n{config}");
            Assert.True(config.Contains("[models.\"moonshot-ai/kimi-k2-turbo-preview\"]", StringComparison.Ordinal), $"round {round}:\n{config}");
        }
    }
}
