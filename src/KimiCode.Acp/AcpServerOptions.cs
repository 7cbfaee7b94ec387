using KimiCode.Hosting;

namespace KimiCode.Acp;

/// <summary>What <see cref="AcpServer"/> needs from its host.</summary>
public sealed class AcpServerOptions
{
    /// <summary>Environment, data folder, time and HTTP: the same composition every front end uses.</summary>
    public required HostEnvironment Host { get; init; }

    /// <summary>Reported as <c>agentInfo.version</c>.</summary>
    public string AgentVersion { get; init; } = ModelClientFactory.Version;

    /// <summary>
    /// The full command line that runs <c>kimi acp login</c> (e.g. <c>["/usr/local/bin/kimi", "acp", "login"]</c>), for
    /// clients that ask for the legacy <c>_meta["terminal-auth"]</c> descriptor; null leaves that descriptor out.
    /// </summary>
    public IReadOnlyList<string>? TerminalLoginCommand { get; init; }

    /// <summary>Diagnostics (stderr in <c>kimi acp</c>); never stdout, which carries only protocol.</summary>
    public TextWriter Log { get; init; } = TextWriter.Null;

    /// <summary>The longest accepted message line in bytes.</summary>
    public int MaxMessageBytes { get; init; } = JsonRpc.JsonRpcConnection.DefaultMaxMessageBytes;
}
