using KimiCode.Agent.Tools.Web;
using KimiCode.Emulator;

namespace KimiCode.Agent.Tests.Tools.Web;

/// <summary>What the web tool tests share: a workspace, an in-process emulator that knows <see cref="Key"/>, and service clients for it.</summary>
public abstract class WebToolTestBase : IAsyncLifetime
{
    protected const string Key = "sk-web-tool-tests";

    private protected ToolTestWorkspace Workspace { get; } = new();

    protected HttpClient Http { get; } = new();

    protected KimiEmulator Emulator { get; private set; } = null!;

    public async ValueTask InitializeAsync()
        => Emulator = await KimiEmulator.StartAsync(new EmulatorOptions { ApiKeys = { Key } }, CancellationToken.None);

    public virtual async ValueTask DisposeAsync()
    {
        await Emulator.DisposeAsync();
        Http.Dispose();
        Workspace.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>A client of the emulator's <c>/coding/v1/{path}</c> with <paramref name="key"/> and an identity header.</summary>
    protected WebService Service(string label, string path, string key = Key, TimeSpan? timeout = null, params KeyValuePair<string, string>[] customHeaders)
        => new(label, Http, new Uri(Emulator.CodingBaseUrl + "/" + path), new Provider.StaticTokenSource(key),
            [new("X-Msh-Platform", "kimi_cli"), new("X-Team", "identity")], customHeaders, timeout ?? TimeSpan.FromSeconds(30));
}
