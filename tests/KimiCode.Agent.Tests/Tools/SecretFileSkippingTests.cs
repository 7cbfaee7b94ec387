using KimiCode.Agent.Tools;
using static KimiCode.Agent.Tests.Tools.ToolTesting;

namespace KimiCode.Agent.Tests.Tools;

/// <summary>Grep and Glob leave out files that usually hold secrets unless the request names them.</summary>
public sealed class SecretFileSkippingTests : IDisposable
{
    private readonly ToolTestWorkspace _workspace = new();

    public SecretFileSkippingTests()
    {
        _workspace.WriteFile("app.txt", "TOKEN is read from the environment\n");
        _workspace.WriteFile(".env", "TOKEN=sk-dotenv-secret\n");
        _workspace.WriteFile("config/.env.local", "TOKEN=sk-local-secret\n");
        _workspace.WriteFile(".env.example", "TOKEN=put-yours-here\n");
        _workspace.WriteFile("keys/id_rsa", "-----BEGIN OPENSSH PRIVATE KEY----- TOKEN\n");
        _workspace.WriteFile("keys/id_rsa.pub", "ssh-rsa AAAA TOKEN\n");
        _workspace.WriteFile("keys/server.pem", "no token word here\n");
        _workspace.WriteFile(".netrc", "machine x password TOKEN\n");
    }

    public void Dispose() => _workspace.Dispose();

    /// <summary>The built-in engine, and ripgrep when it is on PATH (else the built-in engine again).</summary>
    public static TheoryData<string> Engines => ["built-in", "default"];

    private static GrepTool Grep(string engine) => engine == "built-in" ? new GrepTool(ripgrepPath: null) : new GrepTool();

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Grep_WorkspaceSearch_LeavesSecretFilesOutAndSaysWhich(string engine)
    {
        var result = await Grep(engine).RunAsync(Args(("pattern", "TOKEN"), ("output_mode", "content")), _workspace.Context);

        Assert.DoesNotContain("sk-dotenv-secret", result.Content, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-local-secret", result.Content, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", result.Content, StringComparison.Ordinal);
        Assert.DoesNotContain("password", result.Content, StringComparison.Ordinal);
        Assert.Contains("app.txt:1:TOKEN", result.Content, StringComparison.Ordinal);
        Assert.Contains(".env.example:1:", result.Content, StringComparison.Ordinal);
        Assert.Contains("keys/id_rsa.pub:1:", result.Content, StringComparison.Ordinal);
        Assert.Contains("(5 secret files left out: .env, .netrc, config/.env.local, keys/id_rsa, keys/server.pem.", result.Content, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Grep_GlobThatMatchesEverything_StillLeavesSecretFilesOut(string engine)
    {
        var star = await Grep(engine).RunAsync(Args(("pattern", "secret"), ("glob", "*")), _workspace.Context);
        var local = await Grep(engine).RunAsync(Args(("pattern", "secret"), ("glob", "*.local")), _workspace.Context);

        Assert.StartsWith("No files found", star.Content, StringComparison.Ordinal);
        Assert.StartsWith("No files found", local.Content, StringComparison.Ordinal);
        Assert.Contains("config/.env.local", local.Content, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public async Task Grep_SecretFileNamedByPathOrGlob_IsSearched(string engine)
    {
        var byPath = await Grep(engine).RunAsync(Args(("pattern", "secret"), ("path", "config/.env.local"), ("output_mode", "content")), _workspace.Context);
        var byGlob = await Grep(engine).RunAsync(Args(("pattern", "secret"), ("glob", ".env"), ("output_mode", "content")), _workspace.Context);

        Assert.Contains("sk-local-secret", byPath.Content, StringComparison.Ordinal);
        Assert.Contains(".env:1:TOKEN=sk-dotenv-secret", byGlob.Content, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-local-secret", byGlob.Content, StringComparison.Ordinal);
        Assert.DoesNotContain("left out", byGlob.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Glob_Everything_LeavesSecretFilesOutAndSaysWhich()
    {
        var result = await new GlobTool().RunAsync(Args(("pattern", "**/*")), _workspace.Context);

        var listed = result.Content.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('(')).Order(StringComparer.Ordinal);
        Assert.Equal([".env.example", "app.txt", "keys/id_rsa.pub"], listed);
        Assert.Contains("(5 secret files left out: .env, .netrc, config/.env.local, keys/id_rsa, keys/server.pem.", result.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Glob_SecretFileNamedInPattern_IsListed()
    {
        var env = await new GlobTool().RunAsync(Args(("pattern", ".env")), _workspace.Context);
        var deep = await new GlobTool().RunAsync(Args(("pattern", "**/.env.local")), _workspace.Context);
        var wildcard = await new GlobTool().RunAsync(Args(("pattern", ".env*")), _workspace.Context);

        Assert.Equal(".env\n", env.Content);
        Assert.Equal("config/.env.local\n", deep.Content);
        Assert.StartsWith(".env.example\n", wildcard.Content, StringComparison.Ordinal);
        Assert.Contains("1 secret file left out: .env.", wildcard.Content, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(".env", true)]
    [InlineData(".env.production", true)]
    [InlineData(".ENV.local", true)]
    [InlineData(".env.example", false)]
    [InlineData(".env.sample", false)]
    [InlineData(".env.template", false)]
    [InlineData("env.txt", false)]
    [InlineData("id_rsa", true)]
    [InlineData("id_ed25519", true)]
    [InlineData("id_ecdsa_old", true)]
    [InlineData("id_dsa.bak", true)]
    [InlineData("id_rsa.pub", false)]
    [InlineData("id_rsafoo", false)]
    [InlineData("tls.key", true)]
    [InlineData("cert.pem", true)]
    [InlineData("store.p12", true)]
    [InlineData("app.jks", true)]
    [InlineData("vault.kdbx", true)]
    [InlineData(".netrc", true)]
    [InlineData(".pgpass", true)]
    [InlineData(".git-credentials", true)]
    [InlineData("credentials.json", true)]
    [InlineData(".aws/credentials", true)]
    [InlineData(".npmrc", true)]
    [InlineData(".pypirc", true)]
    [InlineData("keyboard.cs", false)]
    [InlineData("monkey.txt", false)]
    public void IsSecret_KnownNames(string path, bool expected) => Assert.Equal(expected, SecretFiles.IsSecret(path));
}
