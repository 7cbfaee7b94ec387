using System.Text.Json;
using KimiCode.Auth.Tests.Infrastructure;

namespace KimiCode.Auth.Tests;

public sealed class CredentialStoreTests
{
    private static readonly OAuthCredential Sample = new("secret-access-x", "secret-refresh-x", 1_800_000_900, "kimi-code", "Bearer", 900);

    [Fact]
    public void Write_ThenRead_RoundTrips()
    {
        using var home = new TempHome();
        home.Store.Write("kimi-code", Sample);
        Assert.Equal(Sample, home.Store.Read("kimi-code"));
        Assert.Equal(Path.Combine(home.Root, "credentials", "kimi-code.json"), home.Store.PathFor("kimi-code"));
    }

    [Fact]
    public void Write_NewFile_UsesNodeClientJsonFields()
    {
        using var home = new TempHome();
        home.Store.Write("kimi-code", Sample);
        using var doc = JsonDocument.Parse(File.ReadAllText(home.Store.PathFor("kimi-code")));
        var root = doc.RootElement;
        Assert.Equal("secret-access-x", root.GetProperty("access_token").GetString());
        Assert.Equal("secret-refresh-x", root.GetProperty("refresh_token").GetString());
        Assert.Equal(1_800_000_900, root.GetProperty("expires_at").GetInt64());
        Assert.Equal("kimi-code", root.GetProperty("scope").GetString());
        Assert.Equal("Bearer", root.GetProperty("token_type").GetString());
        Assert.Equal(900, root.GetProperty("expires_in").GetInt64());
    }

    [Fact]
    public void Write_NewFile_IsOwnerOnlyInOwnerOnlyFolder()
    {
        using var home = new TempHome();
        home.Store.Write("kimi-code", Sample);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(home.Store.PathFor("kimi-code")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(home.Home.CredentialsDir));
    }

    [Fact]
    public void Write_Twice_LeavesNoTemporaryFiles()
    {
        using var home = new TempHome();
        home.Store.Write("kimi-code", Sample);
        home.Store.Write("kimi-code", Sample with { AccessToken = "secret-access-y" });
        Assert.Equal(["kimi-code.json"], Directory.GetFiles(home.Home.CredentialsDir).Select(f => Path.GetFileName(f)).ToArray());
        Assert.Equal("secret-access-y", home.Store.Read("kimi-code")!.AccessToken);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("{not json")]
    [InlineData("[1,2,3]")]
    [InlineData("\"just a string\"")]
    [InlineData("null")]
    [InlineData("{\"access_token\":\"a\",\"refresh_token\":\"r\"}")]
    [InlineData("{\"access_token\":1,\"refresh_token\":\"r\",\"expires_at\":5}")]
    [InlineData("{\"access_token\":\"a\",\"refresh_token\":\"r\",\"expires_at\":\"soon\"}")]
    [InlineData("{\"access_token\":\"a\",\"refresh_token\":\"r\",\"expires_at\":-5}")]
    public void Read_DamagedFile_ReturnsNull(string content)
    {
        using var home = new TempHome();
        Directory.CreateDirectory(home.Home.CredentialsDir);
        File.WriteAllText(home.Store.PathFor("kimi-code"), content);
        Assert.Null(home.Store.Read("kimi-code"));
    }

    [Fact]
    public void Read_MissingFileOrFolder_ReturnsNull()
    {
        using var home = new TempHome();
        Assert.Null(home.Store.Read("kimi-code"));
    }

    [Fact]
    public void Read_PythonStyleFloatExpiry_IsAccepted()
    {
        using var home = new TempHome();
        Directory.CreateDirectory(home.Home.CredentialsDir);
        File.WriteAllText(home.Store.PathFor("kimi-code"), "{\"access_token\":\"a\",\"refresh_token\":\"r\",\"expires_at\":1800000900.75,\"scope\":\"kimi-code\",\"token_type\":\"Bearer\",\"expires_in\":900.0}");
        var credential = home.Store.Read("kimi-code");
        Assert.NotNull(credential);
        Assert.Equal(1_800_000_900, credential.ExpiresAt);
        Assert.Equal(900, credential.ExpiresIn);
    }

    [Fact]
    public void WriteTombstone_WritesEmptyTokensAndZeroExpiry()
    {
        using var home = new TempHome();
        home.Store.Write("kimi-code", Sample);
        home.Store.WriteTombstone("kimi-code");
        using var doc = JsonDocument.Parse(File.ReadAllText(home.Store.PathFor("kimi-code")));
        Assert.Equal(string.Empty, doc.RootElement.GetProperty("access_token").GetString());
        Assert.Equal(string.Empty, doc.RootElement.GetProperty("refresh_token").GetString());
        Assert.Equal(0, doc.RootElement.GetProperty("expires_at").GetInt64());
        var read = home.Store.Read("kimi-code");
        Assert.NotNull(read);
        Assert.True(read.IsTombstone);
    }

    [Fact]
    public void Delete_ExistingThenMissing_ReportsWhetherDeleted()
    {
        using var home = new TempHome();
        home.Store.Write("kimi-code", Sample);
        Assert.True(home.Store.Delete("kimi-code"));
        Assert.False(File.Exists(home.Store.PathFor("kimi-code")));
        Assert.False(home.Store.Delete("kimi-code"));
    }

    [Theory]
    [InlineData("../evil")]
    [InlineData("a/b")]
    [InlineData("..")]
    public void PathFor_SlotWithPathSeparators_Throws(string slot)
    {
        using var home = new TempHome();
        Assert.Throws<ArgumentException>(() => home.Store.PathFor(slot));
    }

    [Fact]
    public void ToString_Credential_RedactsTokens()
    {
        var text = Sample.ToString();
        Assert.DoesNotContain("secret", text, StringComparison.Ordinal);
        Assert.Contains("1800000900", text, StringComparison.Ordinal);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_800_000_900), Sample.ExpiresAtTime);
    }
}
