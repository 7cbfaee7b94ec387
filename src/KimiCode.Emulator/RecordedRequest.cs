namespace KimiCode.Emulator;

/// <summary>One request the emulator served (control requests under /_emulator/ are not recorded).</summary>
/// <param name="Headers">Case-insensitive; repeated headers joined with ", ".</param>
/// <param name="StatusCode">Status sent to the client (0 if the connection died before headers were sent).</param>
public sealed record RecordedRequest(
    string Method,
    string Path,
    string Query,
    IReadOnlyDictionary<string, string> Headers,
    string Body,
    int StatusCode,
    DateTimeOffset Timestamp);
