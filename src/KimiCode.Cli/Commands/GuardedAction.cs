using KimiCode.Hosting;
using KimiCode.Protocol;

namespace KimiCode.Cli.Commands;

/// <summary>
/// Runs a command body and turns every failure a user can act on into one line on stderr and an exit
/// code: no stack traces for user mistakes, network trouble or server refusals.
/// </summary>
internal static class GuardedAction
{
    /// <param name="handleInterrupts">
    /// When true (every command but the interactive shell, which handles Ctrl-C itself), the first SIGINT or
    /// SIGTERM cancels the command cleanly (running shell commands are killed, the session stays consistent); a
    /// second one terminates the process at once.
    /// </param>
    public static async Task<int> RunAsync(CliEnvironment env, Func<CancellationToken, Task<int>> body, CancellationToken cancellationToken, bool handleInterrupts = true)
    {
        using var interrupted = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigint = handleInterrupts ? Interrupt(System.Runtime.InteropServices.PosixSignal.SIGINT, interrupted) : null;
        using var sigterm = handleInterrupts ? Interrupt(System.Runtime.InteropServices.PosixSignal.SIGTERM, interrupted) : null;
        var token = interrupted.Token;
        try
        {
            return await body(token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            await env.Error.WriteLineAsync("Cancelled.").ConfigureAwait(false);
            return ExitCodes.Cancelled;
        }
        catch (KimiCodeException ex)
        {
            await env.Error.WriteLineAsync($"error: {OneLine(ex.Message)} [{ex.Code}]").ConfigureAwait(false);
            return ex.IsRetryable ? ExitCodes.Retryable
                : CliErrorCodes.IsUsage(ex.Code) ? ExitCodes.Usage // fix the command line; trying again will not help
                : ExitCodes.Failure;
        }
        catch (UnauthorizedAccessException ex)
        {
            await env.Error.WriteLineAsync($"error: permission denied: {OneLine(ex.Message)} Check the permissions of {env.Home.Root} (or set KIMI_CODE_HOME to a writable folder).").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
        catch (IOException ex)
        {
            await env.Error.WriteLineAsync($"error: file system: {OneLine(ex.Message)} Check that {env.Home.Root} is writable and the disk is not full.").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
    }

    private static System.Runtime.InteropServices.PosixSignalRegistration Interrupt(System.Runtime.InteropServices.PosixSignal signal, CancellationTokenSource cancel)
        => System.Runtime.InteropServices.PosixSignalRegistration.Create(signal, context =>
        {
            // First signal: cancel and let the command wind down. Second: the default action ends the process.
            if (!cancel.IsCancellationRequested)
            {
                context.Cancel = true;
                cancel.Cancel();
            }
        });

    public static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
