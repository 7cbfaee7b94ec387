using KimiCode.Config;

namespace KimiCode.Auth.Tests.Infrastructure;

/// <summary>One throw-away home folder per test, with the credential store on it.</summary>
internal sealed class TempHome : IDisposable
{
    private readonly TempFolder _folder = new("kimi-auth-tests");

    public TempHome()
    {
        Home = new KimiHome(Root);
        Store = new CredentialStore(Home);
    }

    public string Root => _folder.Path;

    public KimiHome Home { get; }

    public CredentialStore Store { get; }

    public string LockTarget(string slot = CredentialSlot.DefaultName) => Path.Combine(Home.OAuthDir, slot);

    public void Dispose() => _folder.Dispose();
}
