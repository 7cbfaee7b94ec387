using KimiCode.Config;
using KimiCode.Hosting.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KimiCode.Hosting;

/// <summary>
/// What composition needs from the outside world: environment variables, the data folder, time and HTTP.
/// Injected so tests and every front end build clients the same way without process-wide state.
/// </summary>
public sealed class HostEnvironment
{
    private KimiHome? _home;

    /// <summary>Reads an environment variable.</summary>
    public required Func<string, string?> GetVariable { get; init; }

    /// <summary>Time.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Creates the handler for every HTTP call; tests swap in an in-memory server.</summary>
    public Func<HttpMessageHandler> CreateHttpHandler { get; init; } = () => new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(15),
    };

    /// <summary>Where every library logs (the CLI: <c>{home}/logs/kimi.log</c>, stderr with <c>--debug</c>); none by default.</summary>
    public ILoggerFactory Logging { get; init; } = NullLoggerFactory.Instance;

    /// <summary>Where one-line notices for the user go (the CLI: stderr, never stdout); none by default.</summary>
    public Action<string>? Notice { get; init; }

    /// <summary>The data folder (<c>KIMI_CODE_HOME</c> or <c>~/.kimi-code</c>).</summary>
    public KimiHome Home => _home ??= KimiHome.Resolve(GetVariable);

    /// <summary>
    /// Called by every front end's entry into the data folder (<see cref="AgentSessionFactory"/>, <see cref="Accounts.KimiAccount"/>):
    /// temp files are recorded under <see cref="Home"/> from now on, and those of kimi processes that died are deleted
    /// (once per process; reads a few small files, creates nothing). See <see cref="TempFiles"/>.
    /// </summary>
    internal void OpenHome()
    {
        var swept = TempFiles.OpenHome(Home);
        int files = swept.DeletedFiles.Count, lists = swept.DeletedLists.Count;
        if (files + lists > 0)
        {
            var log = Logging.CreateLogger("KimiCode.Hosting");
            HostingLog.TempFilesSwept(log, files, lists);
        }
    }

    /// <summary>The process's own environment.</summary>
    public static HostEnvironment FromProcess() => new() { GetVariable = Environment.GetEnvironmentVariable };
}
