using System.Text;

namespace KimiCode.Agent.Tools;

/// <summary>
/// Files that usually hold secrets, which Grep and Glob leave out unless the request names them: <c>.env</c> and
/// <c>.env.*</c> (not <c>.env.example</c>, <c>.env.sample</c>, <c>.env.template</c>); private keys (<c>id_rsa</c>,
/// <c>id_dsa</c>, <c>id_ecdsa</c>, <c>id_ed25519</c> and their <c>-</c>/<c>_</c>/<c>.</c> variants but not
/// <c>*.pub</c>; <c>*.pem</c>, <c>*.key</c>, <c>*.p12</c>, <c>*.pfx</c>, <c>*.ppk</c>, <c>*.keystore</c>,
/// <c>*.jks</c>); credential stores (<c>.netrc</c>, <c>_netrc</c>, <c>.pgpass</c>, <c>.git-credentials</c>,
/// <c>.npmrc</c>, <c>.pypirc</c>, <c>.htpasswd</c>, <c>credentials</c>, <c>credentials.json</c>, <c>*.kdbx</c>,
/// anything in <c>.aws/</c> or <c>.gcp/</c> named <c>credentials</c>). Names are compared ignoring case.
/// A file is named when the Grep <c>path</c> is the file itself, or the last segment of the Glob pattern or Grep glob
/// is its name written without wildcards (<c>.env.local</c>, <c>**/.env</c>).
/// </summary>
internal static class SecretFiles
{
    private static readonly HashSet<string> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        ".env", ".netrc", "_netrc", ".pgpass", ".git-credentials", ".npmrc", ".pypirc", ".htpasswd", "credentials", "credentials.json",
    };

    private static readonly HashSet<string> EnvExamples = new(StringComparer.OrdinalIgnoreCase) { ".env.example", ".env.sample", ".env.template" };

    private static readonly string[] KeyNames = ["id_rsa", "id_dsa", "id_ecdsa", "id_ed25519"];

    private static readonly string[] Extensions = [".pem", ".key", ".p12", ".pfx", ".ppk", ".keystore", ".jks", ".kdbx"];

    /// <summary>
    /// Exclusion globs for ripgrep that cover the names above without exceptions; the rest (<c>.env.*</c>, key
    /// variants) is excluded file by file.
    /// </summary>
    public static readonly IReadOnlyList<string> RipgrepExclusions =
        [.. Names.Select(static n => "!" + n), .. KeyNames.Select(static n => "!" + n), .. Extensions.Select(static e => "!*" + e)];

    /// <summary>True when the file at <paramref name="path"/> (its name decides) usually holds secrets.</summary>
    public static bool IsSecret(string path)
    {
        var name = Path.GetFileName(path.AsSpan().TrimEnd('/')).ToString();
        if (name.Length == 0 || EnvExamples.Contains(name))
        {
            return false;
        }

        if (Names.Contains(name) || name.StartsWith(".env.", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (!name.EndsWith(".pub", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var key in KeyNames)
            {
                if (name.StartsWith(key, StringComparison.OrdinalIgnoreCase) && (name.Length == key.Length || name[key.Length] is '-' or '_' or '.'))
                {
                    return true;
                }
            }
        }

        foreach (var extension in Extensions)
        {
            if (name.EndsWith(extension, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when <paramref name="pattern"/> (a glob, possibly <c>!</c>-prefixed) names <paramref name="fileName"/> literally in its last segment.</summary>
    public static bool IsNamedBy(string? pattern, string fileName)
    {
        if (string.IsNullOrEmpty(pattern) || pattern.StartsWith('!'))
        {
            return false;
        }

        var last = LastSegment(pattern);
        return !GlobPattern.HasWildcards(last) && string.Equals(last, fileName, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>True when <paramref name="pattern"/> names some secret file literally (then no exclusion applies to that name).</summary>
    public static bool NamesASecret(string? pattern) => !string.IsNullOrEmpty(pattern) && IsNamedBy(pattern, LastSegment(pattern)) && IsSecret(LastSegment(pattern));

    /// <summary>A short note for a result: how many secret files were left out, which, and how to get them.</summary>
    public static string Note(IReadOnlyCollection<string> skipped, string workingDirectory, string tool)
    {
        var names = skipped.Take(5).Select(path => WorkspacePaths.Display(path, workingDirectory));
        var text = new StringBuilder()
            .Append('(').Append(skipped.Count).Append(skipped.Count == 1 ? " secret file" : " secret files").Append(" left out: ")
            .AppendJoin(", ", names);
        if (skipped.Count > 5)
        {
            text.Append(", ...");
        }

        text.Append(tool == "Grep"
            ? ". Name a file to search it, with path or glob, e.g. glob \".env\".)"
            : ". Name a file in the pattern to list it, e.g. \"**/.env\".)");
        return text.ToString();
    }

    private static string LastSegment(string pattern)
    {
        var trimmed = pattern.TrimEnd('/');
        var slash = trimmed.LastIndexOf('/');
        return slash >= 0 ? trimmed[(slash + 1)..] : trimmed;
    }
}
