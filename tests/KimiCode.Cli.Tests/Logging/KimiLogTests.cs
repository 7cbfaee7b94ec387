// Tests call the logger directly to see what reaches the file: the LoggerMessage advice (CA1873) is for product code.
#pragma warning disable CA1873

using KimiCode.Hosting.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace KimiCode.Cli.Tests.Logging;

public sealed class KimiLogTests : IDisposable
{
    private readonly TempFolder _temp = new("kimi-log-tests");

    // Not created: the code under test starts without the folder.
    private string Dir => Path.Combine(_temp.Path, "home");

    private string LogFile => Path.Combine(Dir, "logs", "kimi.log");

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("Authorization: Bearer abc.def-ghi", "Authorization: Bearer [redacted]")]
    [InlineData("sent Bearer tok_123456 to host", "sent Bearer [redacted] to host")]
    [InlineData("""{"access_token":"at-1","refresh_token": "rt-2","scope":"kimi-code"}""", """{"access_token":"[redacted]","refresh_token": "[redacted]","scope":"kimi-code"}""")]
    [InlineData("api_key = 'secret-value' next", "api_key = '[redacted]' next")]
    [InlineData("key sk-abcdefgh12345678 used", "key [redacted] used")]
    [InlineData("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl end", "jwt [redacted] end")]
    [InlineData("POST https://api.kimi.com/coding/v1/chat/completions -> 200 in 12 ms", "POST https://api.kimi.com/coding/v1/chat/completions -> 200 in 12 ms")]
    public void Redact_Secrets_AreMaskedAndTheRestKept(string input, string expected)
    {
        Assert.Equal(expected, LogRedactor.Redact(input));
    }

    [Fact]
    public void Write_Information_GoesToTheFileOnceRedactedAndNotToStderr()
    {
        var stderr = new StringWriter();
        using var log = new KimiLog(() => LogFile, stderr, new FakeTimeProvider(new DateTimeOffset(2026, 12, 4, 10, 0, 0, TimeSpan.Zero)));

        var logger = log.CreateLogger("KimiCode.Http");
        logger.LogInformation("GET {Url} with Bearer {Token}", "http://x/y", "secret-token-1");
        logger.LogDebug("debug detail");

        var text = File.ReadAllText(LogFile);
        Assert.StartsWith("2026-12-04T10:00:00.000Z ", text, StringComparison.Ordinal);
        Assert.Contains(" INFO Http: GET http://x/y with Bearer [redacted]\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-token-1", text, StringComparison.Ordinal);
        Assert.DoesNotContain("debug detail", text, StringComparison.Ordinal);
        Assert.Equal(string.Empty, stderr.ToString());
    }

    [Fact]
    public void Write_Debug_AlsoEchoesToStderrWithDebugLines()
    {
        var stderr = new StringWriter();
        using var log = new KimiLog(() => LogFile, stderr) { Debug = true };

        var logger = log.CreateLogger("KimiCode.Refresh");
        logger.LogDebug("lock wait {Ms} ms", 12);

        Assert.Contains("DEBUG Refresh: lock wait 12 ms", stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("DEBUG Refresh: lock wait 12 ms", File.ReadAllText(LogFile), StringComparison.Ordinal);
    }

    [Fact]
    public void Open_FileOverTheLimit_IsRotatedToDotOne()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(LogFile)!);
        File.WriteAllText(LogFile, new string('x', (int)KimiLog.MaxFileBytes + 1));
        using var log = new KimiLog(() => LogFile, null);

        log.CreateLogger("T").LogWarning("fresh line");

        Assert.Equal(KimiLog.MaxFileBytes + 1, new FileInfo(LogFile + ".1").Length);
        Assert.Contains("WARN T: fresh line", File.ReadAllText(LogFile), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_ManyLogsOnOneFileAtOnce_EveryLineArrivesWhole()
    {
        // Four logs stand for four kimi processes: each has its own file descriptor on the same file.
        var logs = Enumerable.Range(0, 4).Select(_ => new KimiLog(() => LogFile, null)).ToArray();
        try
        {
            await Task.WhenAll(logs.Select((log, writer) => Task.Run(() =>
            {
                var logger = log.CreateLogger("W" + writer);
                for (var i = 0; i < 300; i++)
                {
                    logger.LogInformation("line {Index} {Padding}", i, new string((char)('a' + writer), 40));
                }
            }, TestContext.Current.CancellationToken)));
        }
        finally
        {
            foreach (var log in logs)
            {
                log.Dispose();
            }
        }

        var lines = File.ReadAllLines(LogFile);
        Assert.Equal(1200, lines.Length);
        for (var writer = 0; writer < 4; writer++)
        {
            var mine = lines.Where(l => l.Contains($" INFO W{writer}: line ", StringComparison.Ordinal)).ToArray();
            Assert.Equal(300, mine.Length);
            Assert.All(mine, l => Assert.EndsWith(" " + new string((char)('a' + writer), 40), l, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Write_UnwritableFolder_NeverThrows()
    {
        Directory.CreateDirectory(Dir);
        File.WriteAllText(Path.Combine(Dir, "logs"), "a file where the folder should be");
        using var log = new KimiLog(() => LogFile, null);

        log.CreateLogger("T").LogError("still fine");

        Assert.False(File.Exists(LogFile));
    }
}
