using System.Net;
using KimiCode.Auth.Tests.Infrastructure;
using KimiCode.Protocol;
using Microsoft.Extensions.Time.Testing;

namespace KimiCode.Auth.Tests;

/// <summary>Every failure path that had a token at hand: none may put it in a message (tokens all start with "secret-").</summary>
public sealed class SecretLeakTests
{
    private const string Slot = CredentialSlot.DefaultName;
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Exceptions_AllAuthFailureScenarios_NeverContainTokens()
    {
        var errors = new List<Exception>();
        using var home = new TempHome();
        var time = new FakeTimeProvider(Start);
        var server = new FakeOAuthServer(time);
        var client = server.CreateOAuthClient();
        OAuthTokenSource Source() => new(home.Store, Slot, home.LockTarget(Slot), client, time);

        async Task Capture(Func<Task> action)
        {
            var error = await Record.ExceptionAsync(action);
            Assert.NotNull(error);
            errors.Add(error);
        }

        // Not logged in.
        await Capture(() => Source().GetAccessTokenAsync(Ct).AsTask());

        // Refresh token rejected (tombstone path).
        home.Store.Write(Slot, server.Issue(TimeSpan.FromSeconds(10)) with { RefreshToken = "secret-refresh-dead" });
        await Capture(() => Source().GetAccessTokenAsync(Ct).AsTask());

        // Garbage success body quoting a token; HTML error page; 401 with description.
        home.Store.Write(Slot, server.Issue(TimeSpan.FromSeconds(-1)));
        server.RefreshFailures.Enqueue(() => FakeOAuthServer.Json(HttpStatusCode.OK, "{\"access_token\":\"secret-access-leak\","));
        await Capture(() => Source().GetAccessTokenAsync(Ct).AsTask());
        server.RefreshFailures.Enqueue(() => new HttpResponseMessage(HttpStatusCode.BadRequest) { Content = new StringContent("<html>bad</html>") });
        await Capture(() => client.RefreshAsync("secret-refresh-x", Ct));
        await Capture(() => client.RefreshAsync("secret-refresh-unknown", Ct));

        // Transient failures until refresh_failed.
        var transient = new SignallingTimeProvider(Start);
        var transientServer = new FakeOAuthServer(transient);
        home.Store.Write(Slot, transientServer.Issue(TimeSpan.FromSeconds(-1)));
        for (var i = 0; i < 3; i++)
        {
            transientServer.RefreshFailures.Enqueue(() => new HttpResponseMessage(HttpStatusCode.InternalServerError));
        }

        using (var driving = CancellationTokenSource.CreateLinkedTokenSource(Ct))
        {
            var driver = transient.DriveAsync(driving.Token);
            await Capture(() => new OAuthTokenSource(home.Store, Slot, home.LockTarget(Slot), transientServer.CreateOAuthClient(), transient).GetAccessTokenAsync(Ct).AsTask());
            await driving.CancelAsync();
            await driver;
        }

        // Python import of a damaged file that holds a token.
        var pythonHome = Path.Combine(home.Root, "py");
        Directory.CreateDirectory(Path.Combine(pythonHome, "credentials"));
        File.WriteAllText(Path.Combine(pythonHome, "credentials", "kimi-code.json"), "{\"access_token\":\"secret-access-py\"}");
        await Capture(() => Task.Run(() => PythonCredentialImport.Import(pythonHome, home.Store, Slot, TimeSpan.FromSeconds(1)), Ct));

        Assert.Equal(7, errors.Count);
        Assert.All(errors, e => Assert.IsAssignableFrom<KimiCodeException>(e));
        Assert.All(errors, e => Assert.DoesNotContain("secret-", e.ToString(), StringComparison.Ordinal));
    }
}
