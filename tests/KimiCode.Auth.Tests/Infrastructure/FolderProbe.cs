namespace KimiCode.Auth.Tests.Infrastructure;

/// <summary>What the current user can really do in a folder (root ignores permission bits, so tests ask first).</summary>
internal static class FolderProbe
{
    /// <summary>True when a file can be created (and removed again) in <paramref name="folder"/>.</summary>
    public static bool CanCreateFileIn(string folder)
    {
        var probe = Path.Combine(folder, ".probe-" + Guid.NewGuid().ToString("N"));
        try
        {
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
