namespace KimiCode.Hosting.Accounts;

/// <summary>The result of a login: the provider written, its model aliases, the default model and where the secret was saved.</summary>
public sealed record LoginOutcome(string Provider, IReadOnlyList<string> Models, string DefaultModel, string SavedTo);

/// <summary>The result of <see cref="KimiAccount.LogOut"/>: false when there was no login to remove.</summary>
public sealed record LogoutOutcome(bool RemovedAnything);

/// <summary>
/// What <see cref="KimiAccount.Status"/> found: the credential the default model would use and every provider's.
/// Never holds a secret a caller could print by accident: <see cref="Auth.ResolvedCredential.ToString"/> hides the key.
/// </summary>
public sealed record AccountStatus(string Home, string? DefaultModel, Auth.ResolvedCredential ForDefault, IReadOnlyList<ProviderStatus> Providers);

/// <summary>One provider of <see cref="AccountStatus"/> with the model aliases that use it.</summary>
public sealed record ProviderStatus(Auth.ResolvedCredential Credential, IReadOnlyList<string> Models);

/// <summary>The result of <see cref="KimiAccount.ImportPythonLoginAsync"/>.</summary>
public sealed record ImportOutcome(Auth.ImportResult Imported, LoginOutcome Login);
