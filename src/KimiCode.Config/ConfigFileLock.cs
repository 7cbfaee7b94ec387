using System.Diagnostics;
using KimiCode.Protocol;

namespace KimiCode.Config;

/// <summary>
/// The cross-process lock that serialises config.toml edits: <c>config.toml.lock</c> beside the file, opened with
/// <see cref="FileShare.None"/>, which .NET takes as an exclusive <c>flock(2)</c> on Unix (and a share lock on
/// Windows). The kernel drops it when the holder exits, even on kill -9, so it can never be stale; the file itself
/// stays (empty, mode 0600). Two opens in one process exclude each other too (flock locks belong to the open file).
/// </summary>
internal static class ConfigFileLock
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(20);

    /// <summary>Waits up to <paramref name="timeout"/> for the lock; dispose the stream to release it.</summary>
    public static FileStream Acquire(string lockPath, string configPath, TimeSpan timeout)
    {
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = AtomicFile.OwnerOnly;
        }

        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var held = new FileStream(lockPath, options);
                if (!OperatingSystem.IsWindows() && File.GetUnixFileMode(held.SafeFileHandle) != AtomicFile.OwnerOnly)
                {
                    File.SetUnixFileMode(held.SafeFileHandle, AtomicFile.OwnerOnly); // made by hand or by an older client
                }

                return held;
            }
            catch (IOException ex) when (ex is not FileNotFoundException and not DirectoryNotFoundException && clock.Elapsed < timeout)
            {
                Thread.Sleep(RetryDelay);
            }
            catch (IOException ex) when (ex is not FileNotFoundException and not DirectoryNotFoundException)
            {
                throw new KimiCodeException(
                    ConfigErrorCodes.Locked,
                    $"Another kimi process has been editing {configPath} for over {timeout.TotalSeconds:0.#} s (it holds the lock {lockPath}); let it finish or end it, then try again.",
                    ex);
            }
        }
    }
}
