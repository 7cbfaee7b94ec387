namespace KimiCode.Auth;

/// <summary>Progress of a device-code login, for whatever front end renders it.</summary>
public abstract record DeviceLoginEvent
{
    private protected DeviceLoginEvent()
    {
    }

    /// <summary>Show the user the code and the URL (and try to open a browser).</summary>
    public sealed record CodeIssued(DeviceAuthorization Authorization) : DeviceLoginEvent;

    /// <summary>Still waiting for approval.</summary>
    public sealed record Waiting(TimeSpan Elapsed) : DeviceLoginEvent;

    /// <summary>The server asked us to poll less often.</summary>
    public sealed record SlowedDown(TimeSpan NewInterval) : DeviceLoginEvent;

    /// <summary>The user approved; the credential is about to be returned.</summary>
    public sealed record Approved : DeviceLoginEvent;
}
