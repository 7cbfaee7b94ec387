using System.Runtime.InteropServices;
using System.Text;
using KimiCode.Config;

namespace KimiCode.Auth;

/// <summary>
/// The <c>X-Msh-*</c> headers the Kimi Code service uses to admit known coding agents. Sent on OAuth calls
/// and on chat calls to Kimi providers.
/// </summary>
public sealed class IdentityHeaders
{
    private IdentityHeaders()
    {
    }

    public const string Unknown = "unknown";

    public static IReadOnlyList<KeyValuePair<string, string>> Create(KimiHome home, string version, string platform = "kimi_cli")
    {
        ArgumentNullException.ThrowIfNull(home);
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(platform);
        return
        [
            new("X-Msh-Platform", Sanitize(platform)),
            new("X-Msh-Version", Sanitize(version)),
            new("X-Msh-Device-Name", Sanitize(SafeHostName())),
            new("X-Msh-Device-Model", Sanitize(DeviceModel())),
            new("X-Msh-Os-Version", Sanitize(RuntimeInformation.OSDescription)),
            new("X-Msh-Device-Id", Sanitize(DeviceId.GetOrCreate(home))),
        ];
    }

    public static string UserAgent(string version) => "KimiCLI/" + Sanitize(version);

    /// <summary>Keeps printable ASCII (0x20–0x7E) only, trims, and turns an empty result into <c>unknown</c>: header values must be ASCII.</summary>
    public static string Sanitize(string value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return Unknown;
        }

        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c is >= ' ' and <= '~')
            {
                builder.Append(c);
            }
        }

        var result = builder.ToString().Trim();
        return result.Length == 0 ? Unknown : result;
    }

    /// <summary>"Linux 6.1.0 x64", "macOS 15.3 arm64", like the official clients.</summary>
    internal static string DeviceModel()
    {
        var os = OperatingSystem.IsMacOS() ? "macOS" : OperatingSystem.IsWindows() ? "Windows" : OperatingSystem.IsLinux() ? "Linux" : RuntimeInformation.OSDescription.Split(' ')[0];
        var version = Environment.OSVersion.Version;
        var versionText = version.Build >= 0 ? $"{version.Major}.{version.Minor}.{version.Build}" : $"{version.Major}.{version.Minor}";
        var arch = RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant();
        return $"{os} {versionText} {arch}";
    }

    private static string SafeHostName()
    {
        try
        {
            return Environment.MachineName;
        }
        catch (InvalidOperationException)
        {
            return Unknown;
        }
    }
}
