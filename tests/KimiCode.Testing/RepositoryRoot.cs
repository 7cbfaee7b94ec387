namespace KimiCode.Testing;

/// <summary>The checkout the tests run from.</summary>
public static class RepositoryRoot
{
    /// <summary>The folder holding KimiCode.slnx, found from the test's output folder.</summary>
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "KimiCode.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("KimiCode.slnx not found above " + AppContext.BaseDirectory);
    }
}
