using System.Diagnostics;
using System.Runtime.InteropServices;
using KimiCode.Protocol;

namespace KimiCode.Auth;

/// <summary>
/// <c>kimi auth import</c>: copies the Python kimi-cli login (<c>~/.kimi/credentials/kimi-code.json</c>) into our
/// store. The Python client guards that file with <c>flock</c> on <c>kimi-code.lock</c>, so we read it under the
/// same lock and never modify it.
/// </summary>
public static class PythonCredentialImport
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    public static ImportResult Import(string pythonHome, CredentialStore store, string slot, TimeSpan lockTimeout)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pythonHome);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrWhiteSpace(slot);

        var credentialsDir = Path.Combine(Path.GetFullPath(pythonHome), "credentials");
        var source = Path.Combine(credentialsDir, "kimi-code.json");
        if (!File.Exists(source))
        {
            throw NotFound(source);
        }

        byte[] bytes;
        var lockPath = Path.Combine(credentialsDir, "kimi-code.lock");
        using (AcquireFlock(lockPath, lockTimeout))
        {
            try
            {
                bytes = File.ReadAllBytes(source);
            }
            catch (FileNotFoundException)
            {
                throw NotFound(source);
            }
        }

        var credential = CredentialStore.Parse(bytes);
        if (credential is null || credential.IsTombstone || credential.RefreshToken.Length == 0)
        {
            throw new AuthException(
                AuthErrorCodes.ImportInvalid,
                $"The Python kimi-cli login at {source} is not a usable credential (damaged or signed out). Run `kimi login` instead.");
        }

        store.Write(slot, credential);
        return new ImportResult(source, store.PathFor(slot), slot, credential.ExpiresAtTime, credential.Scope);
    }

    private static AuthException NotFound(string source)
        => new(AuthErrorCodes.ImportNotFound, $"No Python kimi-cli login found at {source}. Run `kimi login` instead.");

    /// <summary>Takes flock(LOCK_EX) with non-blocking attempts until <paramref name="timeout"/>; disposing releases it.</summary>
    private static FlockHandle AcquireFlock(string lockPath, TimeSpan timeout)
    {
        if (OperatingSystem.IsWindows())
        {
            return new FlockHandle(-1); // the Python client's flock does not exist there
        }

        EnsureLockFile(lockPath);
        // Opened with libc directly: a FileStream would take its own advisory flock and fail while Python holds it.
        var fd = NativeMethods.Open(lockPath, NativeMethods.O_RDONLY);
        if (fd < 0)
        {
            throw new IOException($"Could not open {lockPath} (errno {Marshal.GetLastPInvokeError()}).");
        }

        var handle = new FlockHandle(fd);
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (NativeMethods.Flock(fd, NativeMethods.LOCK_EX | NativeMethods.LOCK_NB) == 0)
            {
                return handle;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno != NativeMethods.EWOULDBLOCK)
            {
                handle.Dispose();
                throw new IOException($"Could not lock {lockPath} (errno {errno}).");
            }

            if (watch.Elapsed >= timeout)
            {
                handle.Dispose();
                throw new AuthException(
                    AuthErrorCodes.LockTimeout,
                    $"Timed out after {timeout.TotalSeconds:0.#} s waiting for {lockPath}: a Python kimi-cli process is using its login. Close it (or wait) and run `kimi auth import` again.");
            }

            Thread.Sleep(PollInterval);
        }
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void EnsureLockFile(string lockPath)
    {
        if (File.Exists(lockPath))
        {
            return;
        }

        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.ReadWrite, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite };
            using var _ = new FileStream(lockPath, options);
        }
        catch (IOException) when (File.Exists(lockPath))
        {
        }
    }

    private sealed class FlockHandle(int fd) : IDisposable
    {
        private int _fd = fd;

        public void Dispose()
        {
            if (_fd >= 0)
            {
                // Closing the descriptor releases the flock.
                _ = NativeMethods.Close(_fd);
                _fd = -1;
            }
        }
    }
}
