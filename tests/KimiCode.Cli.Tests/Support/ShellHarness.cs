using KimiCode.Cli.Shell;
using KimiCode.Emulator;
using Microsoft.Extensions.Time.Testing;

namespace KimiCode.Cli.Tests.Support;

/// <summary>
/// A shell under test: an in-process emulator, a temporary KIMI_CODE_HOME with an API-key login, a work folder,
/// a <see cref="TestTerminal"/> and a fake clock for the shell's own timing (spinner, the Ctrl-C window).
/// The agent and HTTP use real time. Everything is removed on dispose.
/// </summary>
internal sealed class ShellHarness : IAsyncDisposable
{
    public const string ApiKey = "sk-shell-tests-0123456789";

    private readonly SemaphoreSlim _inputs = new(0);
    private Task<int>? _run;
    private ShellApp? _app;

    private readonly TempFolder _folder = new("kimi-shell");

    private ShellHarness(KimiEmulator emulator)
    {
        Emulator = emulator;
        Home = _folder.Folder("home");
        WorkDir = _folder.Folder("work");
    }

    public KimiEmulator Emulator { get; }

    public string Root => _folder.Path;

    public string Home { get; }

    public string WorkDir { get; }

    public TestTerminal Terminal { get; } = new();

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.Parse("2025-06-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    public ShellApp App => _app ?? throw new InvalidOperationException("Start the shell first.");

    public Task<int> Run => _run ?? throw new InvalidOperationException("Start the shell first.");

    public string ConfigPath => HomeFiles.ConfigPath(Home);

    /// <summary>A harness logged in with an API key (<paramref name="loggedIn"/> false: no config.toml at all).</summary>
    public static async Task<ShellHarness> CreateAsync(string extraConfig = "", bool loggedIn = true)
    {
        var options = new EmulatorOptions { AutoApprove = true, PollIntervalSeconds = 1 };
        options.ApiKeys.Add(ApiKey);
        var emulator = await KimiEmulator.StartAsync(options, CancellationToken.None);
        var harness = new ShellHarness(emulator);
        if (!loggedIn)
        {
            return harness;
        }

        HomeFiles.WriteConfig(
            harness.Home,
            HomeFiles.DefaultModel("kimi-code/kimi-for-coding"),
            HomeFiles.ApiKeyProvider("kimi-code", ApiKey, emulator.CodingBaseUrl),
            HomeFiles.ApiKeyProvider("moonshot-ai", ApiKey, emulator.OpenPlatformBaseUrl),
            HomeFiles.Model("kimi-code/kimi-for-coding", "kimi-code", "kimi-for-coding", 262144),
            HomeFiles.Model("moonshot-ai/kimi-k2-turbo-preview", "moonshot-ai", "kimi-k2-turbo-preview", 131072),
            extraConfig);
        return harness;
    }

    public CliEnvironment Environment(Func<string, bool>? openBrowser = null) => new()
    {
        GetVariable = name => name switch
        {
            "KIMI_CODE_HOME" => Home,
            "HOME" => Root,
            "KIMI_CODE_OAUTH_HOST" => Emulator.BaseUrl,
            "KIMI_CODE_BASE_URL" => Emulator.CodingBaseUrl,
            _ => null,
        },
        Out = TextWriter.Null,
        Error = TextWriter.Null,
        In = TextReader.Null,
        CurrentDirectory = WorkDir,
        OpenBrowser = openBrowser ?? (_ => false),
    };

    /// <summary>Starts the shell; it runs until /exit, Ctrl-D or the keys end.</summary>
    public async Task StartAsync(ShellOptions? options = null)
    {
        _app = new ShellApp(Environment(), Terminal, options ?? new ShellOptions(), Clock);
        _app.WaitingForInput += () => _inputs.Release();
        _run = Task.Run(() => _app.RunAsync(CancellationToken.None));
        var ready = NextInputAsync();
        if (await Task.WhenAny(ready, _run) == _run)
        {
            await _run; // failed at start: let the test see why
        }

        await ready;
    }

    /// <summary>Types a line and presses Enter.</summary>
    public void Submit(string line)
    {
        Terminal.Type(line);
        Terminal.Enter();
    }

    /// <summary>Waits until the shell asks for the next input line (each wait consumes one request).</summary>
    public async Task NextInputAsync()
    {
        if (!await _inputs.WaitAsync(TestTimeouts.Default))
        {
            throw new TimeoutException($"The shell did not come back to the input prompt within {TestTimeouts.Default.TotalSeconds} s. Screen:\n{Terminal.Screen.Text}");
        }
    }

    /// <summary>Submits a line and waits until the shell asks for the next one.</summary>
    public async Task<string> SendAsync(string line)
    {
        Submit(line);
        await NextInputAsync();
        return Terminal.Screen.Text;
    }

    public async Task<int> ExitAsync()
    {
        Submit("/exit");
        return await Run.WaitAsync(TestTimeouts.Default);
    }

    public IReadOnlyList<RecordedRequest> ChatRequests() =>
        Emulator.State.Requests.Where(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).ToList();

    public async ValueTask DisposeAsync()
    {
        Terminal.Close();
        if (_run is not null)
        {
            try
            {
                await _run.WaitAsync(TestTimeouts.Default);
            }
            catch (Exception) when (_run.IsFaulted || _run.IsCanceled)
            {
            }
        }

        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
        _inputs.Dispose();
        await Emulator.DisposeAsync();
        _folder.Dispose();
    }
}
