using System.IO.Pipelines;
using System.Text.Json;
using KimiCode.Emulator;
using KimiCode.Hosting;

namespace KimiCode.Acp.Tests.Support;

/// <summary>How the test's KIMI_CODE_HOME is set up.</summary>
public enum HomeKind
{
    /// <summary>config.toml with an API-key provider (and a custom header) pointing at the emulator; its default model sees images, <c>test/second</c> does not.</summary>
    ApiKey,

    /// <summary>No config at all; only KIMI_API_KEY in the agent's environment.</summary>
    EnvironmentKey,

    /// <summary>The managed OAuth provider and a stored credential, as after `kimi login`.</summary>
    OAuth,

    /// <summary>Nothing: not logged in.</summary>
    Empty,
}

/// <summary>One <see cref="AcpServer"/> connected to an <see cref="AcpTestClient"/> through in-memory pipes.</summary>
internal sealed class AcpConnection : IAsyncDisposable
{
    private readonly Pipe _toServer = new();
    private readonly Pipe _fromServer = new();

    public AcpConnection(IReadOnlyDictionary<string, string> environment, TimeProvider? time = null)
    {
        Log = new StringWriter();
        Server = new AcpServer(new AcpServerOptions
        {
            Host = new HostEnvironment { GetVariable = name => environment.GetValueOrDefault(name), TimeProvider = time ?? TimeProvider.System },
            AgentVersion = "9.9.9-test",
            TerminalLoginCommand = ["/opt/kimi/kimi", "acp", "login"],
            Log = Log,
            MaxMessageBytes = 1024 * 1024,
        });
        ServerTask = Task.Run(async () =>
        {
            try
            {
                await Server.RunAsync(_toServer.Reader.AsStream(), _fromServer.Writer.AsStream(), CancellationToken.None);
            }
            finally
            {
                await _fromServer.Writer.CompleteAsync();
            }
        });
        Client = new AcpTestClient(_fromServer.Reader.AsStream(), _toServer.Writer.AsStream());
    }

    public AcpServer Server { get; }

    public AcpTestClient Client { get; }

    public StringWriter Log { get; }

    public Task ServerTask { get; }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await ServerTask.WaitAsync(TestTimeouts.Default);
        await Server.DisposeAsync();
    }
}

/// <summary>
/// A temporary home and workspace, an in-process emulator, and an ACP connection (more on demand, e.g. to load a
/// session from a fresh server). Everything is torn down on dispose.
/// </summary>
internal sealed class AcpHarness : IAsyncDisposable
{
    public const string ApiKey = "sk-acp-unit-test";
    public const string ModelAlias = "test/kimi-for-coding";
    public const string DefaultCapabilities = """{"fs":{"readTextFile":false,"writeTextFile":false},"terminal":false}""";

    private readonly List<AcpConnection> _connections = [];

    private readonly TempFolder _folder;

    private AcpHarness(KimiEmulator emulator, TempFolder folder, Dictionary<string, string> environment)
    {
        Emulator = emulator;
        _folder = folder;
        Environment = environment;
        Main = Connect();
    }

    public KimiEmulator Emulator { get; }

    public string Root => _folder.Path;

    public string Home => Path.Combine(Root, "home");

    public string Workspace => Path.Combine(Root, "work");

    public Dictionary<string, string> Environment { get; }

    /// <summary>The first connection.</summary>
    public AcpConnection Main { get; }

    public AcpServer Server => Main.Server;

    public AcpTestClient Client => Main.Client;

    public StringWriter Log => Main.Log;

    /// <summary>Another server on the same home (as after the editor restarts the agent).</summary>
    public AcpConnection Connect()
    {
        var connection = new AcpConnection(Environment);
        _connections.Add(connection);
        return connection;
    }

    public static async Task<AcpHarness> StartAsync(HomeKind kind = HomeKind.ApiKey)
    {
        KimiEmulator emulator = await KimiEmulator.StartAsync(new EmulatorOptions(), CancellationToken.None);
        emulator.State.AddApiKey(ApiKey);
        var folder = new TempFolder("kimi-acp");
        string home = folder.Folder("home");
        folder.Folder("work");
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["KIMI_CODE_HOME"] = home,
            ["HOME"] = Path.Combine(folder.Path, "user-home"),
        };
        switch (kind)
        {
            case HomeKind.ApiKey:
                HomeFiles.WriteConfig(
                    home,
                    HomeFiles.DefaultModel(ModelAlias),
                    HomeFiles.ApiKeyProvider("test", ApiKey, emulator.CodingBaseUrl, ("X-Acp-Test", "from-config")),
                    HomeFiles.Model(ModelAlias, "test", "kimi-for-coding", 131072, "Kimi for Coding (test)", "image_in", "thinking"),
                    HomeFiles.Model("test/second", "test", "kimi-for-coding", 65536));
                break;
            case HomeKind.EnvironmentKey:
                environment["KIMI_API_KEY"] = ApiKey;
                environment["KIMI_BASE_URL"] = emulator.CodingBaseUrl;
                break;
            case HomeKind.OAuth:
                var tokens = emulator.State.IssueTokens();
                environment["KIMI_CODE_OAUTH_HOST"] = emulator.BaseUrl;
                environment["KIMI_CODE_BASE_URL"] = emulator.CodingBaseUrl;
                HomeFiles.WriteConfig(home, HomeFiles.ManagedOAuthConfig(emulator.CodingBaseUrl, emulator.BaseUrl));
                HomeFiles.WriteOAuthCredential(home, tokens.AccessToken, tokens.RefreshToken, DateTimeOffset.UtcNow.AddSeconds(tokens.ExpiresIn), tokens.ExpiresIn);
                break;
        }

        return new AcpHarness(emulator, folder, environment);
    }

    public Task<JsonElement> InitializeAsync(string capabilities = DefaultCapabilities) => InitializeAsync(Client, capabilities);

    public static Task<JsonElement> InitializeAsync(AcpTestClient client, string capabilities = DefaultCapabilities) =>
        client.ResultAsync("initialize", $$$"""{"protocolVersion":1,"clientCapabilities":{{{capabilities}}},"clientInfo":{"name":"test-client","version":"1.0"}}""");

    public string NewSessionParams(string? cwd = null) => $$"""{"cwd":{{Json.Str(cwd ?? Workspace)}},"mcpServers":[]}""";

    /// <summary>initialize (when <paramref name="capabilities"/> is given) + session/new; returns the session id.</summary>
    public async Task<string> NewSessionAsync(string? capabilities = DefaultCapabilities)
    {
        if (capabilities is not null)
        {
            await InitializeAsync(capabilities);
        }

        JsonElement result = await Client.ResultAsync("session/new", NewSessionParams());
        return result.Text("sessionId");
    }

    public static string PromptParams(string sessionId, string text) =>
        $$$"""{"sessionId":{{{Json.Str(sessionId)}}},"prompt":[{"type":"text","text":{{{Json.Str(text)}}}}]}""";

    public Task<JsonElement> PromptAsync(string sessionId, string text) => Client.ResultAsync("session/prompt", PromptParams(sessionId, text));

    public async ValueTask DisposeAsync()
    {
        foreach (AcpConnection connection in _connections)
        {
            await connection.DisposeAsync();
        }

        await Emulator.DisposeAsync();
        _folder.Dispose();
    }
}
