using System.Diagnostics;

namespace KimiCode.Cli;

/// <summary>Best-effort browser opening for the device flow; failing to open one is never an error.</summary>
internal static class BrowserLauncher
{
    public static bool TryOpen(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return false;
        }

        string? opener = OperatingSystem.IsMacOS() ? "open"
            : OperatingSystem.IsWindows() ? "explorer"
            : HasDisplay() ? "xdg-open" : null;
        if (opener is null)
        {
            return false;
        }

        try
        {
            var start = new ProcessStartInfo(opener) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
            start.ArgumentList.Add(uri.AbsoluteUri);
            using var process = Process.Start(start);
            return process is not null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static bool HasDisplay()
        => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DISPLAY"))
           || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WAYLAND_DISPLAY"));
}
