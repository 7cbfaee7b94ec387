using KimiCode.Auth.Tests.Infrastructure;

namespace KimiCode.Auth.Tests;

public sealed class DeviceCodeLoginTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(Task<OAuthCredential> Login, List<DeviceLoginEvent> Events)> RunDrivenAsync(SignallingTimeProvider time, FakeOAuthServer server, Func<Task<OAuthCredential>, Task> body)
    {
        var events = new List<DeviceLoginEvent>();
        using var driving = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var driver = time.DriveAsync(driving.Token);
        var login = new DeviceCodeLogin(server.CreateOAuthClient(), time).RunAsync(events.Add, Ct);
        try
        {
            await body(login);
        }
        finally
        {
            await driving.CancelAsync();
            await driver;
        }

        return (login, events);
    }

    private static double[] PollOffsets(FakeOAuthServer server) => server.PollTimes.Select(t => (t - Start).TotalSeconds).ToArray();

    [Fact]
    public async Task RunAsync_PendingThenApproved_PollsEveryIntervalAndReturnsCredential()
    {
        var time = new SignallingTimeProvider(Start);
        var server = new FakeOAuthServer(time);
        server.PollScript.Enqueue("authorization_pending");
        server.PollScript.Enqueue("authorization_pending");
        server.PollScript.Enqueue("approve");

        OAuthCredential? credential = null;
        var (_, events) = await RunDrivenAsync(time, server, async login => credential = await login);

        Assert.NotNull(credential);
        Assert.StartsWith("secret-access-", credential.AccessToken, StringComparison.Ordinal);
        Assert.Equal([5d, 10d, 15d], PollOffsets(server));
        var issued = Assert.IsType<DeviceLoginEvent.CodeIssued>(events[0]);
        Assert.Equal("ABCD-1234", issued.Authorization.UserCode);
        Assert.Equal([TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10)], events.OfType<DeviceLoginEvent.Waiting>().Select(w => w.Elapsed).ToArray());
        Assert.IsType<DeviceLoginEvent.Approved>(events[^1]);
    }

    [Fact]
    public async Task RunAsync_SlowDown_AddsFiveSecondsForGood()
    {
        var time = new SignallingTimeProvider(Start);
        var server = new FakeOAuthServer(time);
        foreach (var step in new[] { "slow_down", "authorization_pending", "slow_down", "authorization_pending", "approve" })
        {
            server.PollScript.Enqueue(step);
        }

        var (login, events) = await RunDrivenAsync(time, server, login => login);

        await login;
        Assert.Equal([5d, 15d, 25d, 40d, 55d], PollOffsets(server));
        Assert.Equal([TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(15)], events.OfType<DeviceLoginEvent.SlowedDown>().Select(s => s.NewInterval).ToArray());
    }

    [Fact]
    public async Task RunAsync_NeverApproved_GivesUpAfterExpiresIn()
    {
        var time = new SignallingTimeProvider(Start);
        var server = new FakeOAuthServer(time) { DeviceExpiresIn = 12 };

        var (login, _) = await RunDrivenAsync(time, server, login => Assert.ThrowsAsync<OAuthException>(() => login));

        var error = await Assert.ThrowsAsync<OAuthException>(() => login);
        Assert.Equal(AuthErrorCodes.DeviceCodeExpired, error.Code);
        Assert.Equal("The code expired before it was approved. Run `kimi login` again.", error.Message);
        Assert.Equal([5d, 10d], PollOffsets(server));
    }

    [Fact]
    public async Task RunAsync_ServerSaysExpiredToken_ThrowsDeviceCodeExpired()
    {
        var time = new SignallingTimeProvider(Start);
        var server = new FakeOAuthServer(time);
        server.PollScript.Enqueue("expired_token");

        var (login, _) = await RunDrivenAsync(time, server, login => Assert.ThrowsAsync<OAuthException>(() => login));

        Assert.Equal(AuthErrorCodes.DeviceCodeExpired, (await Assert.ThrowsAsync<OAuthException>(() => login)).Code);
    }

    [Fact]
    public async Task RunAsync_AccessDenied_ThrowsAccessDenied()
    {
        var time = new SignallingTimeProvider(Start);
        var server = new FakeOAuthServer(time);
        server.PollScript.Enqueue("authorization_pending");
        server.PollScript.Enqueue("access_denied");

        var (login, _) = await RunDrivenAsync(time, server, login => Assert.ThrowsAsync<OAuthException>(() => login));

        Assert.Equal(AuthErrorCodes.AccessDenied, (await Assert.ThrowsAsync<OAuthException>(() => login)).Code);
        Assert.Equal(2, server.PollTimes.Count);
    }

    [Fact]
    public async Task RunAsync_TransientErrorsThenApproval_KeepsPolling()
    {
        var time = new SignallingTimeProvider(Start);
        var server = new FakeOAuthServer(time);
        server.PollScript.Enqueue("500");
        server.PollScript.Enqueue("500");
        server.PollScript.Enqueue("approve");

        var (login, _) = await RunDrivenAsync(time, server, login => login);

        Assert.StartsWith("secret-access-", (await login).AccessToken, StringComparison.Ordinal);
        Assert.Equal(3, server.PollTimes.Count);
    }

    [Fact]
    public async Task RunAsync_TransientErrorsInARow_ThrowsNetwork()
    {
        var time = new SignallingTimeProvider(Start);
        var server = new FakeOAuthServer(time);
        for (var i = 0; i < 3; i++)
        {
            server.PollScript.Enqueue("500");
        }

        var (login, _) = await RunDrivenAsync(time, server, login => Assert.ThrowsAsync<OAuthException>(() => login));

        var error = await Assert.ThrowsAsync<OAuthException>(() => login);
        Assert.Equal(AuthErrorCodes.Network, error.Code);
        Assert.Equal(3, server.PollTimes.Count);
    }

    [Fact]
    public async Task RunAsync_CancelledWhileWaiting_ThrowsOperationCanceled()
    {
        var time = new SignallingTimeProvider(Start);
        var server = new FakeOAuthServer(time);
        using var cts = new CancellationTokenSource();
        var login = new DeviceCodeLogin(server.CreateOAuthClient(), time).RunAsync(
            e =>
            {
                if (e is DeviceLoginEvent.CodeIssued)
                {
                    cts.Cancel();
                }
            },
            cts.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => login);
        Assert.Empty(server.PollTimes);
    }
}
