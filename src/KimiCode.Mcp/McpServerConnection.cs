using System.Globalization;
using System.Text.Json;
using KimiCode.Agent.Secrets;
using KimiCode.Agent.Tools;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Authentication;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace KimiCode.Mcp;

/// <summary>What a connection needs from its host.</summary>
public sealed record McpConnectionContext
{
    /// <summary>The session's working directory (a stdio server's default cwd).</summary>
    public required string WorkingDirectory { get; init; }

    /// <summary>Global timeouts.</summary>
    public McpTimeouts Timeouts { get; init; } = McpTimeouts.Default;

    /// <summary>The environment of a stdio server: kimi's minus credentials, plus its own <c>env</c>.</summary>
    public ChildEnvironment ChildEnvironment { get; init; } = ChildEnvironment.Default;

    /// <summary>kimi's environment (for <c>bearerTokenEnvVar</c>).</summary>
    public Func<string, string?> GetVariable { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>The client name announced to servers (<c>[identity] slug</c>).</summary>
    public string ClientName { get; init; } = "kimi";

    /// <summary>The watchdog that kills stdio servers when kimi dies.</summary>
    public Func<ProcessGroupWatchdog?> Watchdog { get; init; } = static () => ProcessGroupWatchdog.Shared;

    /// <summary>Where connection problems are logged.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>The clock of startup windows.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>OAuth of HTTP servers (token files, the browser of a login); null: no OAuth.</summary>
    public McpOAuthContext? OAuth { get; init; }
}

/// <summary>
/// One server: connects in the background within its startup timeout, lists its tools, runs calls within the tool
/// timeout, and notices when it dies (stdio exit, garbage on stdout, a broken connection). It never throws into the
/// agent: a failure is a state with a reason, and a call to a failed server is an error the model sees.
/// </summary>
public sealed class McpServerConnection : IAsyncDisposable
{
    private readonly McpConnectionContext _context;
    private readonly CancellationTokenSource _life = new();
    private readonly Lock _gate = new();
    private McpClient? _client;
    private StdioServerProcess? _process;
    private IReadOnlyList<Tool> _tools = [];
    private McpServerState _state = McpServerState.Connecting;
    private string? _reason;
    private string? _garbage;
    private long _startedAt;
    private LoopbackRedirect? _loopback;

    // Completes when the server leaves Connecting (ready, failed, stopped); Started completes later, after the cleanup.
    private readonly TaskCompletionSource _settled = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public McpServerConnection(McpServerConfig config, McpConnectionContext context)
    {
        Config = config ?? throw new ArgumentNullException(nameof(config));
        _context = context ?? throw new ArgumentNullException(nameof(context));
        if (!config.Enabled)
        {
            _state = McpServerState.Disabled;
        }
    }

    public McpServerConfig Config { get; }

    /// <summary>Raised (on a background thread, outside any lock) when the server becomes ready, failed or untrusted.</summary>
    public event Action<McpServerConnection>? StateChanged;

    public McpServerState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    /// <summary>Why the server failed; null unless <see cref="State"/> is Failed or Untrusted.</summary>
    public string? Reason
    {
        get
        {
            lock (_gate)
            {
                return _reason;
            }
        }
    }

    /// <summary>The tools offered (after <c>enabledTools</c>/<c>disabledTools</c>); empty unless ready.</summary>
    public IReadOnlyList<Tool> Tools
    {
        get
        {
            lock (_gate)
            {
                return _state == McpServerState.Ready ? _tools : [];
            }
        }
    }

    /// <summary>Completes when the server is ready or failed (never faults).</summary>
    public Task Started { get; private set; } = Task.CompletedTask;

    /// <summary>The status line of this server.</summary>
    public McpServerStatus Status()
    {
        lock (_gate)
        {
            IReadOnlyList<string> names = _state == McpServerState.Ready ? _tools.Select(t => McpToolName.For(Config.Name, t.Name)).ToArray() : [];
            return new McpServerStatus(Config.Name, Config.Transport, Config.Target, _state, _reason, names);
        }
    }

    /// <summary>Marks a project server as waiting for trust (it is never started).</summary>
    public void MarkUntrusted(string reason) => SetState(McpServerState.Untrusted, reason);

    /// <summary>Starts connecting in the background; <see cref="Started"/> completes within the startup timeout.</summary>
    public Task StartAsync()
    {
        if (State != McpServerState.Connecting)
        {
            return Started;
        }

        _startedAt = _context.Time.GetTimestamp();
        Started = Task.Run(ConnectAsync);
        return Started;
    }

    /// <summary>How long after its start this server may hold up a model request while it is starting.</summary>
    public TimeSpan PromptWindow => _context.Timeouts.PromptWaitFor(Config);

    /// <summary>
    /// Waits while the server is starting, but only within its prompt window (<see cref="McpTimeouts.PromptWaitFor"/>,
    /// counted from its start): true when it is no longer starting (ready, failed, ...), false when it still is.
    /// </summary>
    public async Task<bool> WaitWhileStartingAsync(CancellationToken cancellationToken)
    {
        if (State != McpServerState.Connecting || _startedAt == 0)
        {
            return State != McpServerState.Connecting;
        }

        // A window as long as the startup timeout waits for the outcome itself: the timeout settles it a moment later.
        TimeSpan left = PromptWindow >= _context.Timeouts.StartupFor(Config) ? Timeout.InfiniteTimeSpan : PromptWindow - _context.Time.GetElapsedTime(_startedAt);
        if (left > TimeSpan.Zero || left == Timeout.InfiniteTimeSpan)
        {
            try
            {
                await _settled.Task.WaitAsync(left, _context.Time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Still starting: the request goes on without it.
            }
        }

        return State != McpServerState.Connecting;
    }

    /// <summary>
    /// Calls <paramref name="tool"/>. Returns the server's result; throws <see cref="McpConnectionException"/> with a
    /// one-line reason when the server is not ready or dies, <see cref="TimeoutException"/> past the tool timeout, and
    /// <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> fires (the server is told).
    /// </summary>
    public async Task<CallToolResult> CallAsync(string tool, IReadOnlyDictionary<string, JsonElement> arguments, CancellationToken cancellationToken)
    {
        McpClient client;
        lock (_gate)
        {
            if (_state != McpServerState.Ready || _client is null)
            {
                throw new McpConnectionException(_state == McpServerState.Failed ? $"the MCP server '{Config.Name}' failed: {_reason}" : $"the MCP server '{Config.Name}' is {_state.ToString().ToLowerInvariant()}");
            }

            client = _client;
        }

        TimeSpan timeout = _context.Timeouts.ToolFor(Config);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _life.Token);
        linked.CancelAfter(timeout);
        try
        {
            return await client.CallToolAsync(
                new CallToolRequestParams { Name = tool, Arguments = arguments.ToDictionary(p => p.Key, p => p.Value) },
                linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException) when (_life.IsCancellationRequested || State != McpServerState.Ready)
        {
            throw new McpConnectionException($"the MCP server '{Config.Name}' stopped during the call: {Reason ?? "it was shut down"}");
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"the MCP server '{Config.Name}' did not answer within {FormatMs(timeout)} (toolTimeoutMs)");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            if (DeathReason() is { } died)
            {
                Fail(died);
                throw new McpConnectionException($"the MCP server '{Config.Name}' failed during the call: {died}");
            }

            throw new McpConnectionException($"the MCP server '{Config.Name}' could not run {tool}: {OneLine(ex.Message)}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _life.CancelAsync().ConfigureAwait(false);
        McpClient? client;
        StdioServerProcess? process;
        lock (_gate)
        {
            client = _client;
            process = _process;
            _client = null;
            _process = null;
            if (_state is McpServerState.Ready or McpServerState.Connecting)
            {
                _state = McpServerState.Stopped;
            }
        }

        _settled.TrySetResult();

        await Started.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await DisposeQuietlyAsync(client, process).ConfigureAwait(false);
        _life.Dispose();
    }

    private async Task ConnectAsync()
    {
        TimeSpan timeout = _context.Timeouts.StartupFor(Config);
        using var startup = CancellationTokenSource.CreateLinkedTokenSource(_life.Token);
        startup.CancelAfter(timeout);
        McpClient? client = null;
        try
        {
            IClientTransport transport = CreateTransport(startup);
            var options = new McpClientOptions
            {
                ClientInfo = new Implementation { Name = _context.ClientName, Version = typeof(McpServerConnection).Assembly.GetName().Version?.ToString(3) ?? "0.1.0" },
                InitializationTimeout = timeout,
            };
            client = await McpClient.CreateAsync(transport, options, _context.LoggerFactory, startup.Token).ConfigureAwait(false);
            var tools = await ListToolsAsync(client, startup.Token).ConfigureAwait(false);
            if (DeathReason() is { } died)
            {
                throw new McpConnectionException(died);
            }

            lock (_gate)
            {
                if (_life.IsCancellationRequested)
                {
                    throw new OperationCanceledException(_life.Token);
                }

                _client = client;
                _tools = tools;
                _state = McpServerState.Ready;
                client = null;
            }

            _settled.TrySetResult();
            StateChanged?.Invoke(this);
            _ = WatchAsync();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            await LetExitSettleAsync().ConfigureAwait(false);
            string reason = DeathReason()
                ?? (Ours(ex) is { } ours ? ours.Message
                    : startup.IsCancellationRequested && !_life.IsCancellationRequested ? $"did not finish starting within {FormatMs(timeout)} (startupTimeoutMs){StderrNote()}"
                    : _life.IsCancellationRequested ? "stopped before it was ready"
                    : OneLine(ex.Message) + StderrNote());
            Fail(reason);
            StdioServerProcess? process;
            lock (_gate)
            {
                process = _process;
                _process = null;
            }

            await DisposeQuietlyAsync(client, process).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Exchange(ref _loopback, null)?.Dispose();
        }
    }

    private async Task<IReadOnlyList<Tool>> ListToolsAsync(McpClient client, CancellationToken cancellationToken)
    {
        var offered = new List<Tool>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tool in await client.ListToolsAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var definition = tool.ProtocolTool;
            if (Config.OffersTool(definition.Name) && seen.Add(McpToolName.For(Config.Name, definition.Name)))
            {
                offered.Add(definition);
            }
        }

        return offered;
    }

    private IClientTransport CreateTransport(CancellationTokenSource startup)
    {
        if (Config.Transport == McpTransport.Stdio)
        {
            var process = StdioServerProcess.Start(Config, _context.WorkingDirectory, _context.ChildEnvironment, _context.Watchdog);
            lock (_gate)
            {
                _process = process;
            }

            // A server that exits at start or prints garbage fails now, not when the startup timeout runs out.
            _ = process.WaitForExitAsync(CancellationToken.None).ContinueWith(_ => TryCancel(startup), TaskScheduler.Default);
            var output = new ProtocolLineGuard(process.Output, sample =>
            {
                lock (_gate)
                {
                    _garbage ??= sample;
                }

                TryCancel(startup);
                if (State == McpServerState.Ready)
                {
                    Fail($"printed something that is not MCP on stdout: \"{sample}\"");
                }
            });
            return new StreamClientTransport(process.Input, output, _context.LoggerFactory);
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in Config.Headers)
        {
            headers[name] = value;
        }

        if (Config.BearerTokenEnvVar is { Length: > 0 } variable)
        {
            string token = _context.GetVariable(variable) is { Length: > 0 } found
                ? found
                : throw new McpConnectionException($"bearerTokenEnvVar names {variable}, which is not set; export it and start again");
            headers["Authorization"] = "Bearer " + token;
        }

        ClientOAuthOptions? oauth = headers.ContainsKey("Authorization") || _context.OAuth is null ? null : OAuthOptions(_context.OAuth);

        return new HttpClientTransport(
            new HttpClientTransportOptions
            {
                Endpoint = Config.Url!,
                Name = Config.Name,
                TransportMode = Config.Transport == McpTransport.Sse ? HttpTransportMode.Sse : HttpTransportMode.StreamableHttp,
                AdditionalHeaders = headers,
                OAuth = oauth,
                ConnectionTimeout = _context.Timeouts.StartupFor(Config),
            },
            _context.LoggerFactory);
    }

    /// <summary>The token file is the SDK's cache; the browser flow runs only when the host allows one (a login).</summary>
    private ClientOAuthOptions OAuthOptions(McpOAuthContext oauth)
    {
        string loginHint = $"needs login: run `kimi mcp login {Config.Name}`";
        if (oauth.OpenBrowser is not null)
        {
            _loopback = new LoopbackRedirect();
        }

        var loopback = _loopback;
        return new ClientOAuthOptions
        {
            RedirectUri = loopback?.RedirectUri ?? new Uri("http://127.0.0.1/callback"),
            TokenCache = new McpTokenStore(oauth.CredentialsDirectory, Config.Name, Config.Url),
            DynamicClientRegistration = new DynamicClientRegistrationOptions { ClientName = _context.ClientName },
            AuthorizationCallbackHandler = async (context, cancellationToken) =>
                loopback is not null && oauth.OpenBrowser is { } open && Volatile.Read(ref _loopback) == loopback
                    ? await loopback.AuthorizeAsync(context.AuthorizationUri, open, cancellationToken).ConfigureAwait(false)
                    : throw new McpConnectionException(loginHint),
        };
    }

    /// <summary>Our own one-line failure, wherever the SDK wrapped it.</summary>
    private static McpConnectionException? Ours(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is McpConnectionException ours)
            {
                return ours;
            }
        }

        return null;
    }

    /// <summary>Marks the server failed when its process exits while ready (its tools are withdrawn).</summary>
    private async Task WatchAsync()
    {
        StdioServerProcess? process;
        lock (_gate)
        {
            process = _process;
        }

        if (process is null)
        {
            return;
        }

        try
        {
            await process.WaitForExitAsync(_life.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (DeathReason() is { } died)
        {
            Fail(died);
        }
    }

    /// <summary>A closed pipe is often seen just before the exit it comes from: wait a moment so the reason says "exited with code N".</summary>
    private async Task LetExitSettleAsync()
    {
        StdioServerProcess? process;
        lock (_gate)
        {
            process = _process;
        }

        if (process is { HasExited: false })
        {
            using var settle = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
            await process.WaitForExitAsync(settle.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Why the server is dead, when it visibly is: garbage on stdout, or its process exited.</summary>
    private string? DeathReason()
    {
        StdioServerProcess? process;
        string? garbage;
        lock (_gate)
        {
            process = _process;
            garbage = _garbage;
        }

        if (garbage is not null)
        {
            return $"printed something that is not MCP on stdout: \"{garbage}\"";
        }

        return process is { HasExited: true } ? $"exited with code {process.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "?"}{StderrNote()}" : null;
    }

    private string StderrNote()
    {
        StdioServerProcess? process;
        lock (_gate)
        {
            process = _process;
        }

        return process?.StderrTail is { Length: > 0 } tail ? $" (stderr: {tail})" : "";
    }

    private void Fail(string reason) => SetState(McpServerState.Failed, reason);

    private void SetState(McpServerState state, string reason)
    {
        lock (_gate)
        {
            if (_state is McpServerState.Stopped or McpServerState.Failed)
            {
                return;
            }

            _state = state;
            _reason = reason;
        }

        _settled.TrySetResult();
        StateChanged?.Invoke(this);
    }

    private static void TryCancel(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Startup is over.
        }
    }

    private static async Task DisposeQuietlyAsync(McpClient? client, StdioServerProcess? process)
    {
        if (process is not null)
        {
            // First the process: the client's shutdown waits for its reader, which ends when stdout closes.
            await process.DisposeAsync().ConfigureAwait(false);
        }

        if (client is not null)
        {
            try
            {
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await client.DisposeAsync().AsTask().WaitAsync(grace.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Shutting down a broken connection: nothing left to do.
            }
        }
    }

    internal static string FormatMs(TimeSpan span) => span.TotalMilliseconds >= 1000
        ? $"{span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s"
        : $"{span.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms";

    internal static string OneLine(string text)
    {
        string line = text.ReplaceLineEndings(" ").Trim();
        return line.Length > 300 ? line[..300] + "…" : line;
    }
}
