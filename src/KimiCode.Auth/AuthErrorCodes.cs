namespace KimiCode.Auth;

/// <summary>
/// Every stable <c>auth.*</c> error code, in one place so callers can switch on them, and which are worth retrying.
/// docs/errors.md explains each one to users; a test fails when a code here is missing there.
/// </summary>
public static class AuthErrorCodes
{
    /// <summary>No usable credential, or the session ended (refresh token rejected): run <c>kimi login</c>.</summary>
    public const string LoginRequired = "auth.login_required";

    /// <summary>Another process held the refresh lock (or the Python credential lock) for too long.</summary>
    public const string LockTimeout = "auth.lock_timeout";

    /// <summary>
    /// The refresh lock path can never be judged stale (a plain file, or a folder whose mtime is in the future), so no
    /// one could ever take it: fails at once, naming the path and how to remove it.
    /// </summary>
    public const string LockUnusable = "auth.lock_unusable";

    /// <summary>A folder or file of the login (<c>oauth/</c>, <c>credentials/</c>) cannot be read or written by this user.</summary>
    public const string PermissionDenied = "auth.permission_denied";

    /// <summary>The device code expired before the user approved it.</summary>
    public const string DeviceCodeExpired = "auth.device_code_expired";

    /// <summary>The user refused the device authorization.</summary>
    public const string AccessDenied = "auth.access_denied";

    /// <summary>The OAuth host could not be reached (DNS, TCP, TLS, timeout).</summary>
    public const string Network = "auth.network";

    /// <summary>The OAuth host answered 429 or 5xx: temporary trouble on the server side.</summary>
    public const string ServerUnavailable = "auth.server_unavailable";

    /// <summary>The OAuth host rejected the refresh token (401/403 or <c>invalid_grant</c>).</summary>
    public const string InvalidGrant = "auth.invalid_grant";

    /// <summary>The OAuth host answered something this client does not understand.</summary>
    public const string Protocol = "auth.protocol";

    /// <summary>
    /// Refreshing failed for transient reasons (5xx, 429, network, timeout, a proxy's non-OAuth answer) after all
    /// retries while the access token has expired; the stored credential is intact and the refresh token still usable.
    /// </summary>
    public const string RefreshFailed = "auth.refresh_failed";

    /// <summary>The credential file could not be written (folder not writable, disk full); the old file is left as it was.</summary>
    public const string CredentialWriteFailed = "auth.credential_write_failed";

    /// <summary>No Python kimi-cli credential file to import.</summary>
    public const string ImportNotFound = "auth.import_not_found";

    /// <summary>The Python kimi-cli credential file exists but is not a usable credential.</summary>
    public const string ImportInvalid = "auth.import_invalid";

    /// <summary>The service lists no models for the credential just logged in with.</summary>
    public const string NoModels = "auth.no_models";

    /// <summary>Whether a failure with <paramref name="code"/> may succeed when tried again later (the login is kept).</summary>
    public static bool IsRetryable(string code) => code is Network or ServerUnavailable or RefreshFailed or LockTimeout;
}
