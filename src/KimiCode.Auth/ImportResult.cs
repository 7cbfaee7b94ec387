namespace KimiCode.Auth;

/// <summary>What <see cref="PythonCredentialImport"/> copied: where from, where to, and when the access token expires. No secrets.</summary>
public sealed record ImportResult(string SourcePath, string DestinationPath, string Slot, DateTimeOffset ExpiresAt, string Scope);
