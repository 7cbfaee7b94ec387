using KimiCode.Config;

namespace KimiCode.Auth;

/// <summary>The persistent random device id sent as <c>X-Msh-Device-Id</c>: 32 lowercase hex digits in <c>{home}/device_id</c>.</summary>
public static class DeviceId
{
    public static string GetOrCreate(KimiHome home)
    {
        ArgumentNullException.ThrowIfNull(home);
        var path = home.DeviceIdFile;
        if (TryReadValid(path) is { } existing)
        {
            return existing;
        }

        KimiHome.EnsureSecretDirectory(home.Root);
        var id = Guid.NewGuid().ToString("N");
        if (!File.Exists(path))
        {
            // Create-if-absent without overwriting: two processes starting together must agree on one id.
            if (AtomicFile.TryCreate(path, id))
            {
                return id;
            }

            if (TryReadValid(path) is { } winner)
            {
                return winner;
            }
        }

        // Present but garbage: replace it.
        AtomicFile.WriteAllText(path, id);
        return id;
    }

    internal static bool IsValid(string value) => value.Length == 32 && value.All(static c => char.IsAsciiHexDigitLower(c) || char.IsAsciiDigit(c));

    private static string? TryReadValid(string path)
    {
        try
        {
            var text = File.ReadAllText(path).Trim();
            return IsValid(text) ? text : null;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }
}
