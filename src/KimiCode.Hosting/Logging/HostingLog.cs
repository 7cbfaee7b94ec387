using Microsoft.Extensions.Logging;

namespace KimiCode.Hosting.Logging;

/// <summary>Composition's log lines: which config and credential a run uses, retries, tool calls. Never a secret.</summary>
internal static partial class HostingLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "config {Path}: {Providers} provider(s), {Models} model(s), default_model {DefaultModel}")]
    public static partial void ConfigLoaded(ILogger logger, string path, int providers, int models, string defaultModel);

    [LoggerMessage(Level = LogLevel.Information, Message = "model {Alias}: provider {Provider}, {Kind} credential, base_url {BaseUrl}, slot {Slot}")]
    public static partial void CredentialChosen(ILogger logger, string alias, string provider, string kind, string baseUrl, string slot);

    [LoggerMessage(Level = LogLevel.Information, Message = "model {Alias} not usable: {Problem}")]
    public static partial void CredentialUnusable(ILogger logger, string alias, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "config: {Notice}")]
    public static partial void ConfigNotice(ILogger logger, string notice);

    [LoggerMessage(Level = LogLevel.Warning, Message = "retrying (attempt {Attempt}) after {Code} in {DelaySeconds:0.###} s")]
    public static partial void Retrying(ILogger logger, int attempt, string code, double delaySeconds);
}
