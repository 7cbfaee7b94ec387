using System.Diagnostics;
using KimiCode.Auth.Tests.Infrastructure;
using KimiCode.Protocol;

namespace KimiCode.Auth.Tests;

public sealed class PythonCredentialImportTests
{
    private const string Slot = CredentialSlot.DefaultName;

    // The Python client's locking, for real: flock(LOCK_EX) held for a while; optionally rewrite the
    // credential file just before releasing, as a refresh under the lock would.
    private const string HolderScript = """
        import fcntl, time, sys
        f = open(sys.argv[1], 'w')
        fcntl.flock(f, fcntl.LOCK_EX)
        print('locked', flush=True)
        time.sleep(float(sys.argv[2]))
        if len(sys.argv) > 4:
            with open(sys.argv[3], 'w') as out:
                out.write(sys.argv[4])
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string PythonJson(string access, string refresh, double expiresAt)
        => $"{{\"access_token\": \"{access}\", \"refresh_token\": \"{refresh}\", \"expires_at\": {expiresAt.ToString(System.Globalization.CultureInfo.InvariantCulture)}, \"scope\": \"kimi-code\", \"token_type\": \"Bearer\", \"expires_in\": 900}}";

    private static string PythonHome(TempHome home, string? credentialJson)
    {
        var pythonHome = Path.Combine(home.Root, "python-kimi");
        Directory.CreateDirectory(Path.Combine(pythonHome, "credentials"));
        if (credentialJson is not null)
        {
            File.WriteAllText(Path.Combine(pythonHome, "credentials", "kimi-code.json"), credentialJson);
        }

        return pythonHome;
    }

    private static async Task<Process> StartHolderAsync(string lockPath, double seconds, params string[] extra)
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(HolderScript);
        start.ArgumentList.Add(lockPath);
        start.ArgumentList.Add(seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var arg in extra)
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start)!;
        Assert.Equal("locked", await process.StandardOutput.ReadLineAsync(Ct));
        return process;
    }

    private static async Task StopAsync(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill();
        }

        await process.WaitForExitAsync(Ct);
        process.Dispose();
    }

    [Fact]
    public void Import_ValidPythonLogin_CopiesItIntoStoreWithoutTouchingSource()
    {
        using var home = new TempHome();
        var json = PythonJson("secret-access-py", "secret-refresh-py", 1800000900.5);
        var pythonHome = PythonHome(home, json);

        var result = PythonCredentialImport.Import(pythonHome, home.Store, Slot, TimeSpan.FromSeconds(5));

        Assert.Equal(new OAuthCredential("secret-access-py", "secret-refresh-py", 1_800_000_900, "kimi-code", "Bearer", 900), home.Store.Read(Slot));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_800_000_900), result.ExpiresAt);
        Assert.Equal(home.Store.PathFor(Slot), result.DestinationPath);
        Assert.Equal(json, File.ReadAllText(Path.Combine(pythonHome, "credentials", "kimi-code.json")));
        Assert.DoesNotContain("secret", result.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_PythonHoldsFlock_WaitsForReleaseAndReadsWhatPythonWrote()
    {
        using var home = new TempHome();
        var pythonHome = PythonHome(home, PythonJson("secret-access-old", "secret-refresh-old", 1800000000));
        var credentialPath = Path.Combine(pythonHome, "credentials", "kimi-code.json");
        var holder = await StartHolderAsync(
            Path.Combine(pythonHome, "credentials", "kimi-code.lock"),
            1.5,
            credentialPath,
            PythonJson("secret-access-new", "secret-refresh-new", 1800000900));
        try
        {
            PythonCredentialImport.Import(pythonHome, home.Store, Slot, TimeSpan.FromSeconds(20));

            // Only a reader that waited for the lock can see the pair Python wrote just before releasing it.
            Assert.Equal("secret-access-new", home.Store.Read(Slot)!.AccessToken);
        }
        finally
        {
            await StopAsync(holder);
        }
    }

    [Fact]
    public async Task Import_PythonHoldsFlockPastTimeout_ThrowsLockTimeoutAndWritesNothing()
    {
        using var home = new TempHome();
        var pythonHome = PythonHome(home, PythonJson("secret-access-py", "secret-refresh-py", 1800000900));
        var holder = await StartHolderAsync(Path.Combine(pythonHome, "credentials", "kimi-code.lock"), 30);
        try
        {
            var error = Assert.Throws<AuthException>(() => PythonCredentialImport.Import(pythonHome, home.Store, Slot, TimeSpan.FromMilliseconds(300)));

            Assert.Equal(AuthErrorCodes.LockTimeout, error.Code);
            Assert.Contains("kimi-code.lock", error.Message, StringComparison.Ordinal);
            Assert.Null(home.Store.Read(Slot));
        }
        finally
        {
            await StopAsync(holder);
        }
    }

    [Fact]
    public void Import_NoPythonLogin_ThrowsImportNotFound()
    {
        using var home = new TempHome();
        var pythonHome = PythonHome(home, null);

        var error = Assert.Throws<AuthException>(() => PythonCredentialImport.Import(pythonHome, home.Store, Slot, TimeSpan.FromSeconds(1)));

        Assert.Equal(AuthErrorCodes.ImportNotFound, error.Code);
        Assert.Equal($"No Python kimi-cli login found at {Path.Combine(pythonHome, "credentials", "kimi-code.json")}. Run `kimi login` instead.", error.Message);
    }

    [Theory]
    [InlineData("{oops")]
    [InlineData("{\"access_token\": \"secret-a\"}")]
    [InlineData("{\"access_token\": \"\", \"refresh_token\": \"\", \"expires_at\": 0}")]
    public void Import_CorruptPythonLogin_ThrowsImportInvalidAndWritesNothing(string content)
    {
        using var home = new TempHome();
        var pythonHome = PythonHome(home, content);

        var error = Assert.Throws<AuthException>(() => PythonCredentialImport.Import(pythonHome, home.Store, Slot, TimeSpan.FromSeconds(1)));

        Assert.Equal(AuthErrorCodes.ImportInvalid, error.Code);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(home.Store.PathFor(Slot)));
    }
}
