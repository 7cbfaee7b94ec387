using System.Diagnostics;
using KimiCode.Hosting;

namespace KimiCode.Cli.Shell;

/// <summary>What <see cref="ExternalEditor.EditAsync"/> gave back: the edited text, or why there is none (the input stays as it was).</summary>
internal readonly record struct EditedText(string? Text, string? Error);

/// <summary>
/// Ctrl-G: the input goes into a temporary file (0600) opened in <c>$VISUAL</c>, else <c>$EDITOR</c>, else <c>vi</c> or
/// <c>nano</c> from the PATH; once the editor exits the file's text becomes the input (not sent) and the file is
/// deleted. The editor command is run by <c>/bin/sh</c>, so <c>EDITOR="code --wait"</c> works; the file's path is
/// passed as an argument, never pasted into the command. Bracketed paste is off while the editor has the terminal
/// (.NET gives a child the terminal modes the shell started with), and the key reader, paused by the Ctrl-G, is resumed.
/// The editor does not inherit kimi's credentials (<c>KIMI_API_KEY</c>, <c>KIMI_CODE_*</c>, as for tools).
/// </summary>
internal sealed class ExternalEditor(Func<string, string?> variable, Action<string> writeTerminal, Action resumeKeys)
{
    private static readonly string[] Fallbacks = ["vi", "nano"];

    /// <summary>Opens <paramref name="text"/> in the editor and waits for it to exit.</summary>
    public async Task<EditedText> EditAsync(string text, CancellationToken cancellationToken)
    {
        string? file = null;
        try
        {
            if (Command() is not { } command)
            {
                return new(null, $"[{CliErrorCodes.NoEditor}] No editor to open: set $VISUAL or $EDITOR (for example export EDITOR=nano), then press Ctrl-G again.");
            }

            file = Path.Combine(Path.GetTempPath(), $"kimi-prompt-{Guid.NewGuid():N}.md");
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            await using (var writer = new StreamWriter(file, System.Text.Encoding.UTF8, options))
            {
                await writer.WriteAsync(text.AsMemory(), cancellationToken).ConfigureAwait(false);
            }

            writeTerminal(PasteDecoder.Disable + "\u001b[?25h");
            int exitCode;
            try
            {
                exitCode = await RunAsync(command, file, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                writeTerminal(PasteDecoder.Enable);
            }

            if (exitCode != 0)
            {
                return new(null, $"The editor ({command}) exited with code {exitCode}; the input is unchanged.");
            }

            var edited = await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false);
            return new(edited.ReplaceLineEndings("\n").TrimEnd('\n'), null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
        {
            return new(null, $"The editor could not be run ({ex.Message}); the input is unchanged. Check $VISUAL / $EDITOR.");
        }
        finally
        {
            resumeKeys();
            if (file is not null)
            {
                try
                {
                    File.Delete(file);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                }
            }
        }
    }

    /// <summary>The editor command: <c>$VISUAL</c>, <c>$EDITOR</c>, or the first fallback on the PATH; null when there is none.</summary>
    public string? Command()
    {
        foreach (var name in new[] { "VISUAL", "EDITOR" })
        {
            if (variable(name) is { } value && value.Trim().Length > 0)
            {
                return value.Trim();
            }
        }

        var path = variable("PATH") ?? string.Empty;
        return Fallbacks.FirstOrDefault(f => path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Any(d => File.Exists(Path.Combine(d, f))));
    }

    private static async Task<int> RunAsync(string command, string file, CancellationToken cancellationToken)
    {
        var start = OperatingSystem.IsWindows()
            ? new ProcessStartInfo("cmd.exe") { ArgumentList = { "/c", command + " \"" + file + "\"" } }
            : new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", command + " \"$1\"", "kimi-editor", file } };
        start.UseShellExecute = false;
        KimiCode.Agent.Secrets.ChildEnvironment.Default.ApplyTo(start); // kimi's credentials stay with kimi
        using var process = Process.Start(start) ?? throw new IOException("the process did not start");
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return process.ExitCode;
    }
}
