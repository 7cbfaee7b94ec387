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
            var reason = ex is UnauthorizedAccessException ? "permission denied" : FirstLine(ex.Message);
            throw new AuthException(
                AuthErrorCodes.CredentialWriteFailed,
                $"Could not save the Kimi Code login to {path} ({reason}). Make sure {_home.CredentialsDir} is writable by you (chmod 700 it), then run `kimi login`.",
                ex);
        }
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
