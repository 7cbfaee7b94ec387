using KimiCode.Config;

namespace KimiCode.Auth;

/// <summary>
/// The persistent random device id sent as <c>X-Msh-Device-Id</c>, kept in <c>{home}/device_id</c>.
/// Like the official Node client: any non-empty existing value is kept as is (the official client logged in with it,
/// so replacing it would change the device the service sees); a new one is a dashed lowercase UUID.
/// </summary>
public static class DeviceId
{
    public static string GetOrCreate(KimiHome home)
    {
        ArgumentNullException.ThrowIfNull(home);
        var path = home.DeviceIdFile;
        if (TryReadExisting(path) is { } existing)
        {
            return existing;
        }

        KimiHome.EnsureSecretDirectory(home.Root);
        var id = Guid.NewGuid().ToString("D");
        if (!File.Exists(path))
        {
            // Create-if-absent without overwriting: two processes starting together must agree on one id.
            if (AtomicFile.TryCreate(path, id))
            {
                return id;
            }

            if (TryReadExisting(path) is { } winner)
            {
                return winner;
            }
        }

        // Present but empty (or whitespace only): the official client treats it as absent and writes a new one.
        AtomicFile.WriteAllText(path, id);
        return id;
    }

    private static string? TryReadExisting(string path)
    {
        try
        {
            var text = File.ReadAllText(path).Trim();
            return text.Length > 0 ? text : null;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }
}
