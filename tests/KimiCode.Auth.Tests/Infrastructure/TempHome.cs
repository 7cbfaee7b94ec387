using KimiCode.Config;

namespace KimiCode.Auth.Tests.Infrastructure;

/// <summary>One throw-away home folder per test.</summary>
internal sealed class TempHome : IDisposable
{
    public TempHome()
    {
        Root = Path.Combine(Path.GetTempPath(), "kimi-auth-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        Home = new KimiHome(Root);
        Store = new CredentialStore(Home);
    }

    public string Root { get; }

    public KimiHome Home { get; }

    public CredentialStore Store { get; }

    public string LockTarget(string slot = CredentialSlot.DefaultName) => Path.Combine(Home.OAuthDir, slot);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
