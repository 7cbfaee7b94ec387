namespace KimiCode.Auth;

/// <summary>What the user needs to approve this device: open <see cref="VerificationUri"/> and enter <see cref="UserCode"/>.</summary>
public sealed record DeviceAuthorization(
    string UserCode,
    string DeviceCode,
    string VerificationUri,
    string VerificationUriComplete,
    TimeSpan ExpiresIn,
    TimeSpan Interval)
{
    // The device code is a bearer secret until approved: keep it out of logs.
    public override string ToString()
        => $"DeviceAuthorization {{ UserCode = {UserCode}, VerificationUri = {VerificationUri}, ExpiresIn = {ExpiresIn}, Interval = {Interval} }}";
}
