using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using KimiCode.Protocol;

namespace KimiCode.Auth;

/// <summary>
/// Bearer tokens from the OAuth credential file, refreshed safely when several processes (ours and the
/// official clients) share one single-use, rotating refresh token: one refresh in flight per instance,
/// the cross-process <see cref="RefreshLock"/> around every refresh, and a re-read of the file under the lock
/// so that a token a peer already rotated is adopted instead of burnt.
/// </summary>
public sealed class OAuthTokenSource : IAccessTokenSource
{
    /// <summary>Official retry schedule for transient refresh failures: 3 tries, waiting 1 s then 2 s.</summary>
    internal static readonly TimeSpan[] TransientRetryDelays = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)];

    /// <summary>Official refresh threshold floor: refresh when less than max(300 s, expires_in / 2) remains.</summary>
    internal const long MinimumRefreshWindowSeconds = 300;

    /// <summary>
    /// After an early refresh failed while the access token still works, how long that token is used without trying
    /// again: every model call of a turn would otherwise wait for the same unreachable token endpoint.
    /// </summary>
    internal static readonly TimeSpan EarlyRefreshPause = TimeSpan.FromSeconds(60);

    private readonly CredentialStore _store;
    private readonly string _slot;
    private readonly string _lockTargetPath;
    private readonly OAuthClient _client;
    private readonly TimeProvider _timeProvider;
    private readonly RefreshLockOptions _lockOptions;
    private readonly Lock _gate = new();
    private volatile OAuthCredential? _cached;
    private Task<OAuthCredential>? _inflight;
    private long _earlyRefreshPausedUntil;

    public OAuthTokenSource(CredentialStore store, string slot, string lockTargetPath, OAuthClient client, TimeProvider timeProvider, RefreshLockOptions? lockOptions = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrWhiteSpace(slot);
        ArgumentException.ThrowIfNullOrWhiteSpace(lockTargetPath);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _store = store;
        _slot = slot;
        _lockTargetPath = lockTargetPath;
        _client = client;
        _timeProvider = timeProvider;
        _lockOptions = lockOptions ?? new RefreshLockOptions();
    }

    /// <summary>Where refreshes, lock waits and their outcomes are logged (never a token).</summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;

    public async ValueTask<string> GetAccessTokenAsync(CancellationToken cancellationToken)
    {
        var credential = Current();
        if (!NeedsRefresh(credential) || (!IsExpired(credential) && _timeProvider.GetUtcNow().ToUnixTimeSeconds() < Interlocked.Read(ref _earlyRefreshPausedUntil)))
        {
            return credential.AccessToken;
        }

        var refreshed = await RefreshSingleFlightAsync(rejectedToken: null, cancellationToken).ConfigureAwait(false);
        return refreshed.AccessToken;
    }

    public async ValueTask<string?> RefreshAfterUnauthorizedAsync(string rejectedToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rejectedToken);
        var onDisk = _store.ReadForUse(_slot);
        if (onDisk is { IsTombstone: false })
        {
            _cached = onDisk;
            if (onDisk.AccessToken != rejectedToken && !IsExpired(onDisk))
            {
                return onDisk.AccessToken; // a peer already refreshed
            }
        }

        var refreshed = await RefreshSingleFlightAsync(rejectedToken, cancellationToken).ConfigureAwait(false);
        return refreshed.AccessToken;
    }

    internal bool NeedsRefresh(OAuthCredential credential)
    {
        var remaining = credential.ExpiresAt - _timeProvider.GetUtcNow().ToUnixTimeSeconds();
        return remaining < Math.Max(MinimumRefreshWindowSeconds, credential.ExpiresIn / 2);
    }

    private bool IsExpired(OAuthCredential credential) => _timeProvider.GetUtcNow().ToUnixTimeSeconds() >= credential.ExpiresAt;

    private OAuthCredential Current()
    {
        var credential = _cached;
        if (credential is null)
        {
            credential = _store.ReadForUse(_slot);
            if (credential is { IsTombstone: false })
            {
                _cached = credential;
            }
        }

        return credential is null || credential.IsTombstone ? throw LoginRequired() : credential;
    }

    private async Task<OAuthCredential> RefreshSingleFlightAsync(string? rejectedToken, CancellationToken cancellationToken)
    {
        for (var round = 0; ; round++)
        {
            Task<OAuthCredential> flight;
            lock (_gate)
            {
                if (_inflight is null || _inflight.IsCompleted)
                {
                    // The flight is shared, so no single caller's token cancels it; each caller stops waiting on its own token.
                    var rejected = rejectedToken;
                    _inflight = Task.Run(() => RefreshUnderLockAsync(rejected));
                }

                flight = _inflight;
            }

            var result = await flight.WaitAsync(cancellationToken).ConfigureAwait(false);
            // Joining a flight started for another reason can hand back the very token the server just refused.
            if (rejectedToken is null || result.AccessToken != rejectedToken || round > 0)
            {
                return result;
            }
        }
    }

    private async Task<OAuthCredential> RefreshUnderLockAsync(string? rejectedToken)
    {
        var cancellationToken = CancellationToken.None;
        RefreshLock held;
        var waitStarted = _timeProvider.GetTimestamp();
        try
        {
            held = await RefreshLock.AcquireAsync(_lockTargetPath, _lockOptions, _timeProvider, cancellationToken).ConfigureAwait(false);
            var waited = _timeProvider.GetElapsedTime(waitStarted);
            AuthLog.LockAcquired(Logger, _slot, waited.TotalMilliseconds);
        }
        catch (AuthException ex) when (rejectedToken is null && ex.Code is AuthErrorCodes.LockTimeout or AuthErrorCodes.LockUnusable or AuthErrorCodes.PermissionDenied)
        {
            var waited = _timeProvider.GetElapsedTime(waitStarted);
            AuthLog.LockNotAcquired(Logger, _slot, waited.TotalMilliseconds, ex.Code);
            // Never refresh without the lock, but an access token that has not expired yet is still good to use.
            if (_store.ReadForUse(_slot) is { IsTombstone: false } usable && !IsExpired(usable))
            {
                KeepUsing(usable, ex.Code);
                return usable;
            }

            throw;
        }

        await using (held.ConfigureAwait(false))
        {
            // A process killed between writing a refreshed pair and renaming it left the only live pair pending.
            if (_store.RecoverPending(_slot))
            {
                AuthLog.PendingRecovered(Logger, _slot);
            }

            var onDisk = _store.ReadForUse(_slot);
            if (onDisk is null || onDisk.IsTombstone)
            {
                _cached = null;
                throw LoginRequired();
            }

            _cached = onDisk;
            var peerAlreadyRefreshed = rejectedToken is null
                ? !NeedsRefresh(onDisk)
                : onDisk.AccessToken != rejectedToken && !IsExpired(onDisk);
            if (peerAlreadyRefreshed)
            {
                AuthLog.PeerRefreshed(Logger, _slot);
                return onDisk;
            }

            return await RefreshWithRetriesAsync(onDisk, held, mayKeepValidToken: rejectedToken is null, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Only the OAuth server's JSON word (<see cref="OAuthErrorKind.InvalidGrant"/>) ends the login. Anything else
    /// leaves the file untouched: with a still-valid access token (a proactive refresh) that token is used; with an
    /// expired one, transient failures become <see cref="AuthErrorCodes.RefreshFailed"/> after the retries.
    /// </summary>
    private async Task<OAuthCredential> RefreshWithRetriesAsync(OAuthCredential basis, RefreshLock held, bool mayKeepValidToken, CancellationToken cancellationToken)
    {
        OAuthException? lastTransient = null;
        for (var attempt = 0; attempt <= TransientRetryDelays.Length; attempt++)
        {
            if (attempt > 0)
            {
                await Task.Delay(TransientRetryDelays[attempt - 1], _timeProvider, cancellationToken).ConfigureAwait(false);
            }

            OAuthCredential fresh;
            try
            {
                fresh = await _client.RefreshAsync(basis.RefreshToken, cancellationToken).ConfigureAwait(false);
            }
            catch (OAuthException ex) when (ex.Kind == OAuthErrorKind.InvalidGrant)
            {
                // A peer that ignores the lock may have rotated the token a moment ago: its pair is valid, ours is not.
                var again = _store.ReadForUse(_slot);
                if (again is { IsTombstone: false } && again.RefreshToken != basis.RefreshToken)
                {
                    _cached = again;
                    return again;
                }

                AuthLog.RefreshTokenRejected(Logger, _slot);
                _store.WriteTombstone(_slot);
                _cached = null;
                throw new AuthException(
                    AuthErrorCodes.LoginRequired,
                    "Your Kimi Code session has ended (the refresh token was rejected). Run `kimi login` to sign in again.",
                    ex);
            }
            catch (OAuthException ex) when ((ex.Kind is OAuthErrorKind.Transient or OAuthErrorKind.Protocol) && mayKeepValidToken && !IsExpired(basis))
            {
                // An early refresh: the token still works, so it carries the prompt at once rather than after the
                // retries (a hung endpoint would cost a token timeout per try), and the refresh waits a while.
                AuthLog.RefreshAttemptFailed(Logger, _slot, attempt + 1, ex.Code);
                Interlocked.Exchange(ref _earlyRefreshPausedUntil, _timeProvider.GetUtcNow().Add(EarlyRefreshPause).ToUnixTimeSeconds());
                KeepUsing(basis, ex.Code);
                return basis;
            }
            catch (OAuthException ex) when (ex.Kind == OAuthErrorKind.Transient)
            {
                AuthLog.RefreshAttemptFailed(Logger, _slot, attempt + 1, ex.Code);
                lastTransient = ex;
                continue;
            }

            return Commit(basis, fresh, held);
        }

        throw new AuthException(
            AuthErrorCodes.RefreshFailed,
            $"Could not refresh the Kimi Code login after {TransientRetryDelays.Length + 1} tries: {lastTransient!.Answer ?? lastTransient.Message.TrimEnd('.')}. Your login is kept; try again in a minute.",
            lastTransient);
    }

    /// <summary>
    /// Stores the pair the server just issued, unless our lock was taken over meanwhile and a peer already stored a
    /// newer pair: then that one is adopted rather than overwritten.
    /// </summary>
    private OAuthCredential Commit(OAuthCredential basis, OAuthCredential fresh, RefreshLock held)
    {
        if (held.IsLost)
        {
            AuthLog.LockLost(Logger, _slot);
            var again = _store.ReadForUse(_slot);
            if (again is { IsTombstone: false } && again.RefreshToken != basis.RefreshToken)
            {
                _cached = again;
                return again;
            }
        }

        // Even if the file cannot be written, this process keeps the only live pair in memory.
        _cached = fresh;
        _store.WriteRefreshed(_slot, fresh);
        AuthLog.Refreshed(Logger, _slot, fresh.ExpiresIn);
        return fresh;
    }

    private void KeepUsing(OAuthCredential credential, string reason)
    {
        _cached = credential;
        AuthLog.UsingStillValidToken(Logger, _slot, reason, credential.ExpiresAt - _timeProvider.GetUtcNow().ToUnixTimeSeconds());
    }

    private AuthException LoginRequired()
        => new(AuthErrorCodes.LoginRequired, $"Not logged in to Kimi Code (no usable credential in {_store.PathFor(_slot)}). Run `kimi login`.");
}
