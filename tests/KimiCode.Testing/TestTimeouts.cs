namespace KimiCode.Testing;

/// <summary>The one timeout every suite shares.</summary>
public static class TestTimeouts
{
    /// <summary>
    /// Safety net only: nothing waits for it unless something is broken, and then the test fails instead of hanging
    /// the run. Generous because a child <c>dotnet</c> process on a busy two-core machine can take seconds to start.
    /// </summary>
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(60);
}
