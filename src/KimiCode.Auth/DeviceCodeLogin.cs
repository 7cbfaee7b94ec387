namespace KimiCode.Auth;

/// <summary>
/// The whole RFC 8628 login loop without any UI: request a code, report it, poll no faster than the server
/// allows, and give up when the code expires. Storing the credential is the caller's job.
/// </summary>
public sealed class DeviceCodeLogin
{
    /// <summary>Consecutive transient polling failures tolerated before giving up with auth.network.</summary>
    internal const int MaxConsecutiveTransientFailures = 3;

    private static readonly TimeSpan SlowDownStep = TimeSpan.FromSeconds(5);
    private readonly OAuthClient _client;
    private readonly TimeProvider _timeProvider;

    public DeviceCodeLogin(OAuthClient client, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _client = client;
        _timeProvider = timeProvider;
    }

    public async Task<OAuthCredential> RunAsync(Action<DeviceLoginEvent> onEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onEvent);
        var authorization = await _client.RequestDeviceAuthorizationAsync(cancellationToken).ConfigureAwait(false);
        var started = _timeProvider.GetTimestamp();
        onEvent(new DeviceLoginEvent.CodeIssued(authorization));

        var interval = authorization.Interval;
        var transientFailures = 0;
        while (true)
        {
            // RFC 8628 3.5: wait the interval before every poll, including the first.
            await Task.Delay(interval, _timeProvider, cancellationToken).ConfigureAwait(false);
            var elapsed = _timeProvider.GetElapsedTime(started);
            if (elapsed >= authorization.ExpiresIn)
            {
                throw Expired();
            }

            TokenPollResult result;
            try
            {
                result = await _client.PollDeviceTokenAsync(authorization.DeviceCode, cancellationToken).ConfigureAwait(false);
                transientFailures = 0;
            }
            catch (OAuthException ex) when (ex.Kind == OAuthErrorKind.Transient)
            {
                transientFailures++;
                if (transientFailures >= MaxConsecutiveTransientFailures)
                {
                    throw new OAuthException(
                        OAuthErrorKind.Transient,
                        AuthErrorCodes.Network,
                        $"Lost contact with {_client.OAuthHost} while waiting for approval ({transientFailures} failures in a row). Check your connection or KIMI_CODE_OAUTH_HOST, then run `kimi login` again.",
                        ex);
                }

                onEvent(new DeviceLoginEvent.Waiting(elapsed));
                continue;
            }

            switch (result.Status)
            {
                case TokenPollStatus.Success:
                    onEvent(new DeviceLoginEvent.Approved());
                    return result.Credential!;
                case TokenPollStatus.Pending:
                    onEvent(new DeviceLoginEvent.Waiting(elapsed));
                    break;
                case TokenPollStatus.SlowDown:
                    // RFC 8628 3.5: the increase applies to this and all subsequent requests.
                    interval += SlowDownStep;
                    onEvent(new DeviceLoginEvent.SlowedDown(interval));
                    break;
                case TokenPollStatus.Expired:
                    throw Expired();
                case TokenPollStatus.Denied:
                    throw new OAuthException(OAuthErrorKind.Protocol, AuthErrorCodes.AccessDenied, "The login request was denied in the browser. Run `kimi login` again if that was a mistake.");
            }
        }
    }

    private static OAuthException Expired()
        => new(OAuthErrorKind.Protocol, AuthErrorCodes.DeviceCodeExpired, "The code expired before it was approved. Run `kimi login` again.");
}
