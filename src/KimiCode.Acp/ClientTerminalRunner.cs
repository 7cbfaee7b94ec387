using KimiCode.Acp.JsonRpc;
using KimiCode.Acp.Schema;
using KimiCode.Agent.Tools;

namespace KimiCode.Acp;

/// <summary>
/// Runs the <c>Bash</c> tool's commands in the editor's terminal: <c>terminal/create</c>, then
/// <c>terminal/wait_for_exit</c> raced against the timeout and cancellation (<c>terminal/kill</c> when either
/// wins), <c>terminal/output</c> for the result, and always <c>terminal/release</c>. The terminal's environment is
/// the editor's, not ours, so we cannot remove variables from it; the only lever ACP gives is <c>env</c>, so every
/// name <see cref="CommandRequest.Environment"/> removes is sent with an empty value (kimi treats a blank credential
/// variable as unset, and so do most tools).
/// </summary>
internal sealed class ClientTerminalRunner : ICommandRunner
{
    /// <summary>
    /// Reported through the output progress right after the terminal exists, so the session can show it live in
    /// the tool call (<c>{type:"terminal", terminalId}</c>). It can never come from a command: output is text, and
    /// this starts with a NUL.
    /// </summary>
    public const string TerminalMarker = "\0acp-terminal:";

    private static readonly TimeSpan CleanupTimeout = TimeSpan.FromSeconds(10);

    private readonly JsonRpcConnection _connection;
    private readonly Func<string> _sessionId;
    private readonly TimeProvider _time;

    public ClientTerminalRunner(JsonRpcConnection connection, Func<string> sessionId, TimeProvider time)
    {
        _connection = connection;
        _sessionId = sessionId;
        _time = time;
    }

    public async Task<CommandResult> RunAsync(CommandRequest request, IProgress<string>? output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        string sessionId = _sessionId();
        CreateTerminalResponse created = await _connection.RequestAsync(
            AcpMethods.TerminalCreate,
            new CreateTerminalRequest
            {
                SessionId = sessionId,
                Command = "/bin/bash",
                Args = ["-c", request.Command],
                Cwd = request.WorkingDirectory,
                Env = [.. request.Environment.NamesToBlank(Environment.GetEnvironmentVariables()).Select(static name => new EnvVariable { Name = name, Value = string.Empty })],
                OutputByteLimit = request.OutputLimitBytes > 0 ? request.OutputLimitBytes : null,
            },
            AcpJsonContext.Default.CreateTerminalRequest,
            AcpJsonContext.Default.CreateTerminalResponse,
            cancellationToken).ConfigureAwait(false);
        var terminal = new TerminalRequest { SessionId = sessionId, TerminalId = created.TerminalId };
        output?.Report(TerminalMarker + created.TerminalId);
        try
        {
            using var timeout = new CancellationTokenSource(request.Timeout, _time);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            try
            {
                TerminalExitStatus exit = await _connection.RequestAsync(
                    AcpMethods.TerminalWaitForExit, terminal, AcpJsonContext.Default.TerminalRequest, AcpJsonContext.Default.TerminalExitStatus, wait.Token).ConfigureAwait(false);
                TerminalOutputResponse final = await OutputAsync(terminal, cancellationToken).ConfigureAwait(false);
                return new CommandResult(final.Output, exit.ExitCode, TimedOut: false, final.Truncated);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                await KillQuietlyAsync(terminal).ConfigureAwait(false);
                TerminalOutputResponse partial = await OutputAsync(terminal, cancellationToken).ConfigureAwait(false);
                return new CommandResult(partial.Output, null, TimedOut: true, partial.Truncated);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await KillQuietlyAsync(terminal).ConfigureAwait(false);
                throw;
            }
        }
        finally
        {
            await ReleaseQuietlyAsync(terminal).ConfigureAwait(false);
        }
    }

    private Task<TerminalOutputResponse> OutputAsync(TerminalRequest terminal, CancellationToken cancellationToken) =>
        _connection.RequestAsync(AcpMethods.TerminalOutput, terminal, AcpJsonContext.Default.TerminalRequest, AcpJsonContext.Default.TerminalOutputResponse, cancellationToken);

    private Task KillQuietlyAsync(TerminalRequest terminal) => QuietlyAsync(AcpMethods.TerminalKill, terminal);

    private Task ReleaseQuietlyAsync(TerminalRequest terminal) => QuietlyAsync(AcpMethods.TerminalRelease, terminal);

    private async Task QuietlyAsync(string method, TerminalRequest terminal)
    {
        // Cleanup must happen even when the turn was cancelled, but must not hang on a client that never answers.
        using var timeout = new CancellationTokenSource(CleanupTimeout, _time);
        try
        {
            await _connection.RequestAsync(method, terminal, AcpJsonContext.Default.TerminalRequest, AcpJsonContext.Default.JsonElement, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AcpException or OperationCanceledException or IOException)
        {
            // The process may already be gone; nothing else to do.
        }
    }
}
