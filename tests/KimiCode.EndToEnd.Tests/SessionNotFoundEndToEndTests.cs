namespace KimiCode.EndToEnd.Tests;

/// <summary>`kimi --session` with an id that is not there: the one-line error points at `kimi sessions list`, which exists.</summary>
public sealed class SessionNotFoundEndToEndTests
{
    [Fact]
    public async Task Session_UnknownId_OneLineErrorNamingCommandsThatExist()
    {
        await using var home = await TestHome.StartAsync();
        home.LogInDirectly();

        var result = await home.RunAsync("--session", "no-such-session", "-p", "hello");

        Assert.Equal(1, result.ExitCode);
        var error = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains("[session.not_found]", error);
        Assert.Contains("\"no-such-session\"", error);
        Assert.Contains("`kimi sessions list`", error);
        Assert.DoesNotContain("   at ", result.Stderr);
    }
}
