using System.Text.Json;
using KimiCode.Config;
using KimiCode.Protocol;

namespace KimiCode.Auth;

/// <summary>
/// OAuth credentials in <c>{home}/credentials/&lt;slot&gt;.json</c>, the format the Node client reads and writes.
/// Reading never throws for content problems: a missing or damaged file simply means "not logged in".
/// </summary>
public sealed class CredentialStore
{
    private readonly KimiHome _home;

    public CredentialStore(KimiHome home)
    {
        ArgumentNullException.ThrowIfNull(home);
        _home = home;
    }

    public string PathFor(string slot)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(slot);
        if (slot.Contains('/', StringComparison.Ordinal) || slot.Contains('\\', StringComparison.Ordinal) || slot is "." or "..")
        {
            throw new ArgumentException("A credential slot is a plain file name.", nameof(slot));
        }

        return Path.Combine(_home.CredentialsDir, slot + ".json");
    }

    public OAuthCredential? Read(string slot)
    {
        var path = PathFor(slot);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        return Parse(bytes);
    }

    public void Write(string slot, OAuthCredential credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var path = PathFor(slot);
        var json = JsonSerializer.SerializeToUtf8Bytes(CredentialFile.From(credential), AuthJsonContext.Default.CredentialFile);
        try
        {
            KimiHome.EnsureSecretDirectory(_home.Root);
            KimiHome.EnsureSecretDirectory(_home.CredentialsDir);
            AtomicFile.WriteAllBytes(path, json);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A raw "Access to the path '….tmp' is denied" names a temp file and no remedy; the atomic write left the old file intact.
            throw WriteFailed(path, ex);
        }
    }

    private AuthException WriteFailed(string path, Exception ex)
    {
        var reason = ex is UnauthorizedAccessException ? "permission denied" : FirstLine(ex.Message);
        return new AuthException(
            AuthErrorCodes.CredentialWriteFailed,
            $"Could not save the Kimi Code login to {path} ({reason}). Make sure {_home.CredentialsDir} is writable by you (chmod u+rwx '{_home.CredentialsDir}'), then run `kimi login`.",
            ex);
    }

    /// <summary>fsync the folder so a rename in it survives a power cut (best effort; not on Windows).</summary>
    private static void FlushFolder(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var fd = NativeMethods.Open(directory, NativeMethods.O_RDONLY);
        if (fd >= 0)
        {
            NativeMethods.Fsync(fd);
            NativeMethods.Close(fd);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>
    /// Writes a pair the server just issued so that a kill at any instant leaves the old pair or the new one readable,
    /// and a completed new one recoverable: the pair goes to <c>&lt;slot&gt;.json.pending</c> (complete, flushed to
    /// disk), which is then renamed over the slot (and the folder flushed). A kill before the rename leaves the
    /// pending file, which <see cref="RecoverPending"/> adopts on the next refresh under the lock; a kill while it is
    /// being written leaves a partial one that does not parse and is discarded. Call it only under the refresh lock.
    /// </summary>
    public void WriteRefreshed(string slot, OAuthCredential credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var path = PathFor(slot);
        var pending = PendingPathFor(slot);
        var json = JsonSerializer.SerializeToUtf8Bytes(CredentialFile.From(credential), AuthJsonContext.Default.CredentialFile);
        try
        {
            KimiHome.EnsureSecretDirectory(_home.Root);
            KimiHome.EnsureSecretDirectory(_home.CredentialsDir);
            File.Delete(pending); // a damaged leftover; CreateNew below must make a fresh owner-only file
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = AtomicFile.OwnerOnly;
            }

            using (var stream = new FileStream(pending, options))
            {
                stream.Write(json);
                stream.Flush(flushToDisk: true);
            }

            File.Move(pending, path, overwrite: true);
            FlushFolder(_home.CredentialsDir);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Nothing renamed yet means the slot still holds the old pair; a pending file we could not finish is removed.
            TryDelete(pending);
            throw WriteFailed(path, ex);
        }
    }

    /// <summary>
    /// Under the refresh lock, before reading the slot: adopts a complete <c>.pending</c> pair left by a process killed
    /// between writing it and renaming it (it only ever exists after a successful refresh, and its refresh token is
    /// then the only live one). It is adopted only if it is newer than the slot file: a later login or a peer's write
    /// wins. A partial or older one is deleted. True when a pair was adopted.
    /// </summary>
    public bool RecoverPending(string slot)
    {
        var path = PathFor(slot);
        var pending = PendingPathFor(slot);
        try
        {
            var pendingInfo = new FileInfo(pending);
            if (!pendingInfo.Exists)
            {
                return false;
            }

            var candidate = Parse(File.ReadAllBytes(pending));
            var slotInfo = new FileInfo(path);
            if (candidate is { IsTombstone: false } && (!slotInfo.Exists || pendingInfo.LastWriteTimeUtc > slotInfo.LastWriteTimeUtc))
            {
                File.Move(pending, path, overwrite: true);
                FlushFolder(_home.CredentialsDir);
                return true;
            }

            File.Delete(pending);
            return false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false; // the slot is read as it is; a permission problem surfaces on that read
        }
    }

    /// <summary>Where <see cref="WriteRefreshed"/> stages a new pair: <c>{home}/credentials/&lt;slot&gt;.json.pending</c>.</summary>
    public string PendingPathFor(string slot) => PathFor(slot) + ".pending";

    /// <summary>
    /// <see cref="Read"/> for a caller about to use the login: a folder or file this user may not read becomes a one-line
    /// <see cref="AuthErrorCodes.PermissionDenied"/> naming the path and the chmod that fixes it.
    /// </summary>
    public OAuthCredential? ReadForUse(string slot)
    {
        try
        {
            return Read(slot);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw ReadDenied(slot, ex);
        }
        catch (IOException ex)
        {
            var path = PathFor(slot);
            throw new AuthException(
                AuthErrorCodes.PermissionDenied,
                $"Could not read the Kimi Code login {path} ({FirstLine(ex.Message)}). Make sure it is a file you can read (chmod u+rwx '{_home.CredentialsDir}'; chmod u+rw '{path}').",
                ex);
        }
    }

    internal AuthException ReadDenied(string slot, Exception? inner = null)
    {
        var path = PathFor(slot);
        return new AuthException(
            AuthErrorCodes.PermissionDenied,
            $"Cannot read the Kimi Code login {path} (permission denied). Give yourself access, then retry: chmod u+rwx '{_home.CredentialsDir}'; chmod u+rw '{path}'",
            inner);
    }

    /// <summary>Marks the session as ended by the server (the Node client's convention), instead of deleting the file.</summary>
    public void WriteTombstone(string slot) => Write(slot, OAuthCredential.Tombstone);

    public bool Delete(string slot)
    {
        var path = PathFor(slot);
        if (!File.Exists(path))
        {
            return false;
        }

        File.Delete(path);
        return true;
    }

    private static string FirstLine(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        return (end < 0 ? text : text[..end]).Trim();
    }

    internal static OAuthCredential? Parse(ReadOnlySpan<byte> json)
    {
        if (json.IsEmpty)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(json, AuthJsonContext.Default.CredentialFile)?.ToCredential();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
