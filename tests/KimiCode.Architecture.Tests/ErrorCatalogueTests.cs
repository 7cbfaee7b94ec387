using System.Reflection;
using System.Text.RegularExpressions;
using KimiCode.Agent;
using KimiCode.Auth;
using KimiCode.Config;
using KimiCode.Hosting;
using KimiCode.Provider;

namespace KimiCode.Architecture.Tests;

/// <summary>docs/errors.md, the *ErrorCodes classes and the retryable and usage exit codes agree, and src/ spells no code twice.</summary>
public sealed partial class ErrorCatalogueTests
{
    private static readonly Type[] CatalogueClasses =
    [
        typeof(AuthErrorCodes), typeof(ProviderErrorCodes), typeof(ConfigErrorCodes),
        typeof(SessionErrorCodes), typeof(AgentErrorCodes), typeof(CliErrorCodes),
    ];

    public static TheoryData<string> Codes()
    {
        var data = new TheoryData<string>();
        foreach (var code in AllCodes())
        {
            data.Add(code);
        }

        return data;
    }

    [Fact]
    public void Catalogue_EveryErrorCodesClassInTheLibraries_IsListed()
    {
        var found = new[] { typeof(AuthErrorCodes), typeof(ProviderErrorCodes), typeof(ConfigErrorCodes), typeof(AgentErrorCodes), typeof(CliErrorCodes) }
            .Select(t => t.Assembly).Distinct()
            .SelectMany(a => a.GetTypes())
            .Where(t => t.Name.EndsWith("ErrorCodes", StringComparison.Ordinal) && t.Namespace?.StartsWith("KimiCode.", StringComparison.Ordinal) == true)
            .Where(t => t.Name != "JsonRpcErrorCodes") // numeric JSON-RPC codes, documented in docs/acp.md
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .ToArray();

        Assert.Equal(CatalogueClasses.OrderBy(t => t.FullName, StringComparer.Ordinal), found);
    }

    [Theory]
    [MemberData(nameof(Codes))]
    public void ErrorsPage_ListsCode_WithTheExitCodeItsRetryabilityGives(string code)
    {
        var rows = PageRows();

        Assert.True(rows.TryGetValue(code, out var exit), $"docs/errors.md has no row for `{code}`; add one with its exit code and what the user should do.");
        var expected = AuthErrorCodes.IsRetryable(code) || ProviderErrorCodes.IsRetryable(code) ? 75
            : CliErrorCodes.IsUsage(code) ? 2
            : 1;
        Assert.Equal(expected, exit);
    }

    [Fact]
    public void ErrorsPage_ListsNoCodeThatDoesNotExist()
    {
        var stale = PageRows().Keys.Except(AllCodes(), StringComparer.Ordinal).ToArray();

        Assert.Empty(stale);
    }

    [Fact]
    public void Sources_SpellCodesOnlyInTheirCatalogueClass()
    {
        var src = Path.Combine(RepositoryRoot.Path, "src");
        var offenders = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => !Path.GetFileName(f).EndsWith("ErrorCodes.cs", StringComparison.Ordinal))
            .Where(f => !f.Contains("KimiCode.Emulator", StringComparison.Ordinal)) // the emulator is the server: it shares nothing with the client
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: f, Line: i + 1, Text: line)))
            .Where(l => CodeLiteral().IsMatch(l.Text))
            .Select(l => $"{Path.GetRelativePath(src, l.File)}:{l.Line}: {l.Text.Trim()}")
            .ToArray();

        Assert.Empty(offenders);
    }

    [Fact]
    public void Retryability_IsDecidedByTheExceptionType()
    {
        Assert.True(new AuthException(AuthErrorCodes.RefreshFailed, "x").IsRetryable);
        Assert.False(new AuthException(AuthErrorCodes.LoginRequired, "x").IsRetryable);
        Assert.True(new ProviderException(ProviderErrorCodes.RateLimit, "x").IsRetryable);
        Assert.False(new ProviderException(ProviderErrorCodes.AccessTerminated, "x").IsRetryable);
        // A plain KimiCodeException is final whatever its code says: only the typed exceptions decide.
        Assert.False(new KimiCode.Protocol.KimiCodeException(AuthErrorCodes.RefreshFailed, "x").IsRetryable);
    }

    private static IEnumerable<string> AllCodes() => CatalogueClasses
        .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!);

    private static Dictionary<string, int> PageRows()
    {
        var page = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "errors.md"));
        return PageRow().Matches(page).ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal);
    }

    [GeneratedRegex(@"^\| `([a-z]+\.[a-z_]+)` \| (\d+) \|", RegexOptions.Multiline)]
    private static partial Regex PageRow();

    [GeneratedRegex(@"""(auth|provider|config|session|agent|cli)\.(?!toml"")[a-z_]+""")] // "config.toml" is a file name
    private static partial Regex CodeLiteral();
}
