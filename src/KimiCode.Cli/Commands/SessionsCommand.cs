using KimiCode.Agent;
using KimiCode.Agent.Sessions;
using KimiCode.Protocol;

namespace KimiCode.Cli.Commands;

/// <summary><c>kimi sessions list|show|rm|export</c>, and which session <c>-S</c>/<c>-r</c>/<c>--continue</c> resume.</summary>
internal static class SessionsCommand
{
    /// <summary>
    /// The session <c>-S &lt;id|prefix&gt;</c> (through <see cref="SessionStore.Resolve"/>) or <c>--continue</c> names,
    /// for print mode and the shell alike; null for a new session.
    /// </summary>
    public static string? ResumeTarget(SessionStore store, string? idOrPrefix, bool latest, string workDir) =>
        idOrPrefix is not null ? store.Resolve(idOrPrefix, workDir).Id
        : !latest ? null
        : store.Latest(workDir)?.Id
            ?? throw new KimiCodeException(SessionErrorCodes.NotFound, $"No earlier session in {workDir} to continue; drop --continue to start one.");
}
