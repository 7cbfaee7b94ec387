namespace KimiCode.Testing;

/// <summary>A uniquely named folder under the system temp folder, deleted (best effort) on dispose. One per test.</summary>
public sealed class TempFolder : IDisposable
{
    /// <param name="prefix">Names the suite in the folder's name (<c>kimi-e2e-…</c>), so a leftover says where it came from.</param>
    public TempFolder(string prefix)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), prefix + "-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>The subfolder <paramref name="relative"/>, created if missing.</summary>
    public string Folder(params string[] relative)
    {
        var path = System.IO.Path.Combine([Path, .. relative]);
        Directory.CreateDirectory(path);
        return path;
    }

    public void Dispose()
    {
        // Best effort: a child process may still hold a file, and a leftover folder must not fail the test.
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
