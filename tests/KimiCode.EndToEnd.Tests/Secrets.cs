namespace KimiCode.EndToEnd.Tests;

internal static class Secrets
{
    /// <summary>No secret in the process's output, and no stack trace either.</summary>
    public static void AssertAbsent(ProcessResult result, params string[] secrets)
    {
        foreach (var secret in secrets)
        {
            Assert.False(string.IsNullOrEmpty(secret));
            Assert.DoesNotContain(secret, result.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, result.Stderr, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }
}
