using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using KimiCode.Acp.JsonRpc;
using KimiCode.Acp.Schema;
using KimiCode.Agent;
using KimiCode.Agent.Sessions;
using KimiCode.Auth;
using KimiCode.Config;
using KimiCode.Hosting;
using KimiCode.Mcp;
using KimiCode.Hosting.Accounts;
using KimiCode.Protocol;
using KimiCode.Provider;

namespace KimiCode.Acp;

/// <summary>
/// The ACP v1 agent behind <c>kimi acp</c>: answers an editor's JSON-RPC requests over a pair of streams
/// (stdin/stdout), runs agent sessions, streams their events as <c>session/update</c>, and asks the editor for
/// permissions, files and terminals. One server serves one connection.
/// </summary>
public sealed class AcpServer : IDisposable, IAsyncDisposable
{
    /// <summary>The protocol version this server speaks.</summary>
    public const int ProtocolVersion = 1;

    private const int ListPageSize = 50;

    private readonly AcpServerOptions _options;
    private readonly AgentSessionFactory _factory;
    private readonly SemaphoreSlim _factoryGate = new(1, 1);
    private readonly ConcurrentDictionary<string, AcpSession> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<JsonRpcRequest, AcpSession.PromptTurn> _acceptedPrompts = new(ReferenceEqualityComparer.Instance);
    private readonly TextWriter _log;
    private readonly JsonRpcMethodTable _methods;
    private JsonRpcConnection? _connection;
    private volatile ClientCapabilities? _client;
    private volatile bool _initialized;
    private volatile string? _adoptedModelAlias;

    public AcpServer(AcpServerOptions options)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _log = TextWriter.Synchronized(options.Log);
        _factory = new AgentSessionFactory(options.Host);
        _methods = new JsonRpcMethodTable()
            .Add(AcpMethods.Initialize, AcpJsonContext.Default.InitializeRequest, (request, _) => Task.FromResult(Initialize(request)))
            .Add(AcpMethods.Authenticate, AcpJsonContext.Default.AuthenticateRequest, AuthenticateAsync)
            .Add(AcpMethods.Logout, LogoutAsync)
            .Add(AcpMethods.SessionNew, AcpJsonContext.Default.NewSessionRequest, NewSessionAsync)
            .Add(AcpMethods.SessionLoad, AcpJsonContext.Default.LoadSessionRequest, LoadSessionAsync)
            .Add(AcpMethods.SessionResume, AcpJsonContext.Default.ResumeSessionRequest, ResumeSessionAsync)
            .Add(AcpMethods.SessionList, AcpJsonContext.Default.ListSessionsRequest, (request, _) => Task.FromResult(ListSessions(request)))
            .Add(AcpMethods.SessionClose, AcpJsonContext.Default.SessionIdParams, (request, _) => CloseSessionAsync(request))
            .Add(AcpMethods.SessionFork, AcpJsonContext.Default.ResumeSessionRequest, ForkSessionAsync)
            .Add(AcpMethods.SessionDelete, AcpJsonContext.Default.SessionIdParams, (request, _) => DeleteSessionAsync(request))
            .Add(AcpMethods.SessionPrompt, AcpJsonContext.Default.PromptRequest, (request, cancellationToken) => PromptAsync(request, null, cancellationToken))
            .Add(AcpMethods.SessionSetMode, AcpJsonContext.Default.SetModeRequest, SetModeAsync)
            .Add(AcpMethods.SessionSetConfigOption, AcpJsonContext.Default.SetConfigOptionRequest, SetConfigOptionAsync);
    }

    internal JsonRpcConnection Connection => _connection ?? throw new InvalidOperationException("The server is not running.");

    internal ClientCapabilities? Client => _client;

    internal bool ClientSupportsBooleanOptions => _client?.Session?.ConfigOptions?.Boolean is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined or JsonValueKind.False) };

    internal TimeProvider Time => _options.Host.TimeProvider;

    internal KimiConfig Config => _factory.Config;

    /// <summary>Serves one client until <paramref name="input"/> ends, then cancels what is still running.</summary>
    public async Task RunAsync(Stream input, Stream output, CancellationToken cancellationToken)
    {
        if (_connection is not null)
        {
            throw new InvalidOperationException("An AcpServer serves one connection.");
        }

        // Reads must give up on cancellation (SIGTERM) even when the stream ignores the token, as stdin does.
        var connection = new JsonRpcConnection(new CancellableInputStream(input), output, _log)
        {
            MaxMessageBytes = _options.MaxMessageBytes,
            OnRequest = HandleAsync,
            OnNotification = HandleNotification,
            OnAccepted = AcceptRequest,
            IsInline = static method => method == AcpMethods.Initialize,
        };
        _connection = connection;
        try
        {
            await connection.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // The editor went away: every open session ends as session/close would end it (prompt cancelled,
            // SessionEnd hooks run, MCP servers stopped, lock released).
            AcpSession[] open = [.. _sessions.Values];
            _sessions.Clear();
            try
            {
                await Task.WhenAll(open.Select(EndAsync)).ConfigureAwait(false);
            }
            finally
            {
                connection.Dispose();
            }
        }
    }

    public void Dispose()
    {
        _factory.Dispose();
        _factoryGate.Dispose();
    }

    /// <summary>Like <see cref="Dispose"/>, and waits for the sessions' MCP servers to stop.</summary>
    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync().ConfigureAwait(false);
        _factoryGate.Dispose();
    }

    internal void LogLine(string message)
    {
        try
        {
            _log.WriteLine("kimi acp: " + message);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Resolves the credential of <paramref name="modelAlias"/> (default: the adopted or default model).</summary>
    internal ResolvedCredential Resolve(string? modelAlias) => _factory.Resolve(modelAlias ?? _adoptedModelAlias);

    internal async Task<AgentSession> CreateAgentAsync(AgentLaunch launch, CancellationToken cancellationToken)
    {
        await _factoryGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await _factory.CreateAsync(launch, cancellationToken).ConfigureAwait(false);
        }
        catch (KimiCodeException ex)
        {
            throw Translate(ex, launch.ResumeSessionId);
        }
        finally
        {
            _factoryGate.Release();
        }
    }

    /// <summary>The error a prompt answers with when its turn failed.</summary>
    internal AcpException TurnFailed(AgentError? error)
    {
        if (error is null)
        {
            return new AcpException(JsonRpcErrorCodes.InternalError, "The turn failed without a reason; try again.");
        }

        return IsAuthError(error.Code)
            ? AuthRequired(error.Message)
            : new AcpException(JsonRpcErrorCodes.InternalError, error.Message,
                JsonSerializer.SerializeToElement(new ErrorDetails { Code = error.Code, Retryable = error.Retryable }, AcpJsonContext.Default.ErrorDetails));
    }

    /// <summary>
    /// On the reading loop, before the request's handler starts: a prompt becomes its session's turn at once, so a
    /// <c>session/cancel</c> read after it always reaches it (cancellation is a property of the session, not of a
    /// handler that may not have run yet).
    /// </summary>
    private void AcceptRequest(JsonRpcRequest request)
    {
        if (request.Method == AcpMethods.SessionPrompt
            && request.Params is { ValueKind: JsonValueKind.Object } parameters
            && parameters.TryGetProperty("sessionId"u8, out JsonElement id)
            && id.ValueKind == JsonValueKind.String
            && id.GetString() is { } sessionId
            && _sessions.TryGetValue(sessionId, out AcpSession? session))
        {
            _acceptedPrompts[request] = session.Accept();
        }
    }

    private async Task<RpcResult> HandleAsync(JsonRpcRequest request, CancellationToken cancellationToken)
    {
        _acceptedPrompts.TryRemove(request, out AcpSession.PromptTurn? accepted);
        try
        {
            if (!_methods.Contains(request.Method))
            {
                throw JsonRpcMethodTable.MethodNotFound(request.Method);
            }

            if (!_initialized && request.Method != AcpMethods.Initialize)
            {
                throw AcpException.InvalidRequest($"Invalid request: {request.Method} before initialize; send initialize first.");
            }

            if (request.Method == AcpMethods.SessionPrompt)
            {
                return await PromptAsync(request.ReadParams(AcpJsonContext.Default.PromptRequest), accepted, cancellationToken).ConfigureAwait(false);
            }

            return await _methods.InvokeAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (KimiCodeException ex)
        {
            throw Translate(ex, null);
        }
        finally
        {
            // A prompt that never ran (bad params, unknown session) must not hold its session's turn.
            accepted?.Abandon();
        }
    }

    private void HandleNotification(JsonRpcRequest notification)
    {
        switch (notification.Method)
        {
            case AcpMethods.SessionCancel:
                SessionIdParams cancel;
                try
                {
                    cancel = notification.ReadParams(AcpJsonContext.Default.SessionIdParams);
                }
                catch (AcpException ex)
                {
                    LogLine($"ignored session/cancel: {ex.Message}");
                    return;
                }

                if (_sessions.TryGetValue(cancel.SessionId, out AcpSession? session))
                {
                    session.Cancel();
                }

                break;
            default:
                LogLine($"ignored notification {notification.Method}");
                break;
        }
    }

    private RpcResult Initialize(InitializeRequest request)
    {
        _client = request.ClientCapabilities;
        _initialized = true;
        if (request.ClientInfo is { } info)
        {
            LogLine($"client {info.Name} {info.Version}, protocol {request.ProtocolVersion}");
        }

        var response = new InitializeResponse
        {
            // The client's version when we speak it, else the latest we do: there is only v1.
            ProtocolVersion = ProtocolVersion,
            AgentCapabilities = new AgentCapabilities
            {
                LoadSession = true,
                // Images only when the model a new session gets can see them; a prompt to a model that cannot is refused.
                PromptCapabilities = new PromptCapabilities { Image = DefaultModelSeesImages(), Audio = false, EmbeddedContext = true },
                // stdio always; streamable HTTP and legacy SSE servers connect too (KimiCode.Mcp).
                McpCapabilities = new McpCapabilities { Http = true, Sse = true },
                SessionCapabilities = new SessionCapabilities
                {
                    List = EmptyObject.Instance,
                    Resume = EmptyObject.Instance,
                    Close = EmptyObject.Instance,
                    AdditionalDirectories = EmptyObject.Instance,
                    Fork = EmptyObject.Instance,
                    Delete = EmptyObject.Instance,
                },
                Auth = new AgentAuthCapabilities { Logout = EmptyObject.Instance },
            },
            AuthMethods = CurrentAuthMethods(),
            AgentInfo = new Implementation { Name = "kimi", Title = "Kimi Code", Version = _options.AgentVersion },
        };
        return RpcResult.Of(response, AcpJsonContext.Default.InitializeResponse);
    }

    private bool DefaultModelSeesImages()
    {
        try
        {
            return SessionSettings.SeesImages(Config, _adoptedModelAlias ?? Config.DefaultModel);
        }
        catch (KimiCode.Protocol.KimiCodeException)
        {
            // A broken config.toml is reported by session/new; until then nothing beyond text is promised.
            return false;
        }
    }

    private IReadOnlyList<AuthMethod> CurrentAuthMethods() => AuthMethods.For(_client, _options.TerminalLoginCommand);

    private async Task<RpcResult> AuthenticateAsync(AuthenticateRequest request, CancellationToken cancellationToken)
    {
        switch (request.MethodId)
        {
            case AuthMethods.ApiKeyId:
                if (string.IsNullOrWhiteSpace(_options.Host.GetVariable("KIMI_API_KEY")))
                {
                    throw AuthRequired(
                        "KIMI_API_KEY is not set in the environment kimi acp was started with. Add it to this agent's env in your editor's settings and restart the agent, or log in with your Kimi account (`kimi login`).");
                }

                await _factoryGate.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    _factory.Reload();
                    string? alias = _factory.Config.Models.Values.FirstOrDefault(m => m.Provider == ConfigStore.EnvProviderName)?.Alias;
                    ResolvedCredential credential = _factory.Resolve(alias);
                    if (alias is null || !credential.IsUsable)
                    {
                        throw AuthRequired($"KIMI_API_KEY is set but cannot be used: {credential.Problem ?? "no model uses it"}");
                    }

                    _adoptedModelAlias = alias;
                }
                finally
                {
                    _factoryGate.Release();
                }

                return RpcResult.Empty;
            case AuthMethods.LoginId:
                // Terminal methods are run by the client, never sent here; a client that does send it gets the current state.
                await EnsureAuthenticatedAsync(cancellationToken).ConfigureAwait(false);
                return RpcResult.Empty;
            default:
                throw AcpException.InvalidParams(
                    $"Invalid params for authenticate: unknown methodId '{request.MethodId}'; use one of {string.Join(", ", CurrentAuthMethods().Select(m => m.Id))}.");
        }
    }

    private async Task<RpcResult> LogoutAsync(CancellationToken cancellationToken)
    {
        await _factoryGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // The same logout as `kimi logout` and the shell's /logout: one meaning everywhere.
            _adoptedModelAlias = null;
            new KimiAccount(_options.Host).LogOut(region: null);
            _factory.Reload();
        }
        finally
        {
            _factoryGate.Release();
        }

        return RpcResult.Empty;
    }

    private async Task<ResolvedCredential> EnsureAuthenticatedAsync(CancellationToken cancellationToken)
    {
        await _factoryGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // A login in the editor's terminal (or an edit of config.toml) happened in another process: look again.
            _factory.Reload();
            ResolvedCredential credential = _factory.Resolve(_adoptedModelAlias);
            return credential.IsUsable
                ? credential
                : throw AuthRequired($"Authentication required: {credential.Problem ?? "no usable credential."}");
        }
        finally
        {
            _factoryGate.Release();
        }
    }

    private async Task<RpcResult> NewSessionAsync(NewSessionRequest request, CancellationToken cancellationToken)
    {
        (string cwd, IReadOnlyList<string> additional, IReadOnlyList<McpServerConfig> mcp) = Workspace(request.Cwd, request.AdditionalDirectories, request.McpServers);
        ResolvedCredential credential = await EnsureAuthenticatedAsync(cancellationToken).ConfigureAwait(false);
        var session = new AcpSession(this, cwd, additional, SessionSettings.Initial(Config, credential)) { McpServers = mcp };
        session.Attach(await CreateAgentAsync(session.Launch(null), cancellationToken).ConfigureAwait(false));
        _sessions[session.Id] = session;
        return RpcResult.Of(
            new NewSessionResponse { SessionId = session.Id, Modes = session.Modes, ConfigOptions = session.ConfigOptions },
            AcpJsonContext.Default.NewSessionResponse,
            session.AnnounceAsync);
    }

    private async Task<RpcResult> LoadSessionAsync(LoadSessionRequest request, CancellationToken cancellationToken)
    {
        AcpSession session = await OpenAsync(request.SessionId, request.Cwd, request.AdditionalDirectories, request.McpServers, cancellationToken).ConfigureAwait(false);

        // The whole history goes out before the response, as the protocol asks.
        await session.ReplayAsync(cancellationToken).ConfigureAwait(false);
        return RpcResult.Of(new LoadSessionResponse { Modes = session.Modes, ConfigOptions = session.ConfigOptions }, AcpJsonContext.Default.LoadSessionResponse, session.AnnounceAsync);
    }

    private async Task<RpcResult> ResumeSessionAsync(ResumeSessionRequest request, CancellationToken cancellationToken)
    {
        AcpSession session = await OpenAsync(request.SessionId, request.Cwd, request.AdditionalDirectories, request.McpServers ?? [], cancellationToken).ConfigureAwait(false);
        return RpcResult.Of(new LoadSessionResponse { Modes = session.Modes, ConfigOptions = session.ConfigOptions }, AcpJsonContext.Default.LoadSessionResponse, session.AnnounceAsync);
    }

    private async Task<AcpSession> OpenAsync(string sessionId, string cwdText, IReadOnlyList<string>? additionalDirectories, IReadOnlyList<JsonElement> mcpServers, CancellationToken cancellationToken)
    {
        (string cwd, IReadOnlyList<string> additional, IReadOnlyList<McpServerConfig> mcp) = Workspace(cwdText, additionalDirectories, mcpServers);
        ResolvedCredential credential = await EnsureAuthenticatedAsync(cancellationToken).ConfigureAwait(false);
        // Only whether it exists: the file is read once, by the resume itself (a 10 MB history parsed twice doubled the wait).
        if (!_factory.Store.Exists(sessionId))
        {
            throw SessionNotFound(sessionId);
        }

        if (_sessions.TryRemove(sessionId, out AcpSession? open))
        {
            await open.CloseAsync().ConfigureAwait(false);
        }

        var session = new AcpSession(this, cwd, additional, SessionSettings.Initial(Config, credential)) { McpServers = mcp };
        AgentSession agent = await CreateAgentAsync(session.Launch(sessionId), cancellationToken).ConfigureAwait(false);
        session.Title = agent.ResumedTitle;
        session.Attach(agent);
        _sessions[session.Id] = session;
        return session;
    }

    private RpcResult ListSessions(ListSessionsRequest request)
    {
        if (request.Cwd is { } cwd)
        {
            RequireAbsolute(cwd, "cwd");
        }

        IReadOnlyList<SessionInfo> sessions = request.Cwd is { } workDir ? _factory.Store.List(workDir) : _factory.Store.ListAll();

        int offset = 0;
        if (request.Cursor is { } cursor && (!int.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out offset) || offset < 0))
        {
            throw AcpException.InvalidParams($"Invalid params for session/list: cursor '{cursor}' did not come from this agent; start again without a cursor.");
        }

        List<SessionInfo> page = [.. sessions.Skip(offset).Take(ListPageSize + 1)];
        return RpcResult.Of(
            new ListSessionsResponse
            {
                Sessions = [.. page.Take(ListPageSize).Select(s => new SessionListEntry
                {
                    SessionId = s.Id,
                    Cwd = s.WorkDir,
                    Title = s.Title.Length > 0 ? s.Title : null,
                    UpdatedAt = s.Updated.ToString("O", CultureInfo.InvariantCulture),
                    AdditionalDirectories = s.AdditionalDirectories.Count > 0 ? s.AdditionalDirectories : null,
                })],
                NextCursor = page.Count > ListPageSize ? (offset + ListPageSize).ToString(CultureInfo.InvariantCulture) : null,
            },
            AcpJsonContext.Default.ListSessionsResponse);
    }

    private async Task<RpcResult> CloseSessionAsync(SessionIdParams request)
    {
        if (!_sessions.TryRemove(request.SessionId, out AcpSession? session))
        {
            throw SessionNotFound(request.SessionId);
        }

        await EndAsync(session).ConfigureAwait(false);
        return RpcResult.Empty;
    }

    /// <summary>Closes <paramref name="session"/> (its prompt cancelled, <c>SessionEnd</c> run), stops its MCP servers and releases its lock.</summary>
    private async Task EndAsync(AcpSession session)
    {
        await session.CloseAsync().ConfigureAwait(false);
        await _factory.StopMcpServersAsync(session.Id).ConfigureAwait(false);
        _factory.Store.Release(session.Id);
    }

    /// <summary><c>session/fork</c> (unstable): a new session with a copy of the history, opened in <c>cwd</c>; the original is untouched.</summary>
    private async Task<RpcResult> ForkSessionAsync(ResumeSessionRequest request, CancellationToken cancellationToken)
    {
        (string cwd, _, _) = Workspace(request.Cwd, request.AdditionalDirectories, request.McpServers ?? []);
        string forkId = _factory.Store.Fork(request.SessionId, cwd, Time.GetUtcNow()) ?? throw SessionNotFound(request.SessionId);
        AcpSession session = await OpenAsync(forkId, request.Cwd, request.AdditionalDirectories, request.McpServers ?? [], cancellationToken).ConfigureAwait(false);
        return RpcResult.Of(
            new NewSessionResponse { SessionId = session.Id, Modes = session.Modes, ConfigOptions = session.ConfigOptions },
            AcpJsonContext.Default.NewSessionResponse,
            session.AnnounceAsync);
    }

    /// <summary><c>session/delete</c>: closes the session here if it is open (cancelling its prompt), then removes its record.</summary>
    private async Task<RpcResult> DeleteSessionAsync(SessionIdParams request)
    {
        if (!SessionStore.IsSessionId(request.SessionId) || !_factory.Store.Exists(request.SessionId))
        {
            throw SessionNotFound(request.SessionId);
        }

        if (_sessions.TryRemove(request.SessionId, out AcpSession? open))
        {
            await open.CloseAsync().ConfigureAwait(false);
        }

        _factory.Store.Delete(request.SessionId);
        return RpcResult.Empty;
    }

    private async Task<RpcResult> PromptAsync(PromptRequest request, AcpSession.PromptTurn? accepted, CancellationToken cancellationToken)
    {
        AcpSession session = Find(request.SessionId);
        try
        {
            session.Settings.RequireContentSupport(Config, request.Prompt);
        }
        catch
        {
            accepted?.Abandon();
            throw;
        }

        AcpSession.PromptTurn turn;
        if (accepted is not null && ReferenceEquals(accepted.Session, session))
        {
            turn = accepted;
        }
        else
        {
            accepted?.Abandon();
            turn = session.Accept();
        }

        PromptResponse response = await session.PromptAsync(turn, request.Prompt, cancellationToken).ConfigureAwait(false);
        return RpcResult.Of(response, AcpJsonContext.Default.PromptResponse);
    }

    private async Task<RpcResult> SetModeAsync(SetModeRequest request, CancellationToken cancellationToken)
    {
        AcpSession session = Find(request.SessionId);
        await session.SetModeAsync(request.ModeId, cancellationToken).ConfigureAwait(false);

        // Keep the editor's config options (which also show the mode) in step.
        return RpcResult.Of(EmptyObject.Instance, AcpJsonContext.Default.EmptyObject, session.SendConfigOptionsAsync);
    }

    private async Task<RpcResult> SetConfigOptionAsync(SetConfigOptionRequest request, CancellationToken cancellationToken)
    {
        AcpSession session = Find(request.SessionId);
        await session.SetConfigOptionAsync(request.ConfigId, request.Value, cancellationToken).ConfigureAwait(false);
        return RpcResult.Of(
            new SetConfigOptionResponse { ConfigOptions = session.ConfigOptions },
            AcpJsonContext.Default.SetConfigOptionResponse,
            request.ConfigId == SessionSettings.ModeOptionId ? session.SendModeAsync : null);
    }

    private AcpSession Find(string sessionId) =>
        _sessions.TryGetValue(sessionId, out AcpSession? session) ? session : throw SessionNotFound(sessionId);

    private static (string Cwd, IReadOnlyList<string> Additional, IReadOnlyList<McpServerConfig> Mcp) Workspace(string cwd, IReadOnlyList<string>? additionalDirectories, IReadOnlyList<JsonElement> mcpServers)
    {
        RequireAbsolute(cwd, "cwd");
        if (!Directory.Exists(cwd))
        {
            throw AcpException.InvalidParams($"Invalid params: cwd '{cwd}' is not an existing directory.");
        }

        var additional = new List<string>();
        foreach (string directory in additionalDirectories ?? [])
        {
            RequireAbsolute(directory, "additionalDirectories");
            if (!Directory.Exists(directory))
            {
                throw AcpException.InvalidParams($"Invalid params: additionalDirectories entry '{directory}' is not an existing directory; create it or leave it out.");
            }

            additional.Add(Path.GetFullPath(directory));
        }

        IReadOnlyList<McpServerConfig> mcp;
        try
        {
            // stdio, http and sse become servers of the session (they win by name over mcp.json); "acp" ones are left out.
            mcp = McpConfigReader.ReadEditorServers(mcpServers, allowRemote: true, out _);
        }
        catch (McpConfigException ex)
        {
            throw AcpException.InvalidParams($"Invalid params: {ex.Message}.");
        }

        return (Path.GetFullPath(cwd), additional, mcp);
    }

    private static void RequireAbsolute(string path, string name)
    {
        if (string.IsNullOrWhiteSpace(path) || path.Contains('\0', StringComparison.Ordinal) || !Path.IsPathFullyQualified(path))
        {
            throw AcpException.InvalidParams($"Invalid params: {name} must be an absolute path, got '{path}'.");
        }
    }

    private AcpException AuthRequired(string message) => new(
        JsonRpcErrorCodes.AuthRequired,
        message,
        JsonSerializer.SerializeToElement(new AuthRequiredData { AuthMethods = CurrentAuthMethods() }, AcpJsonContext.Default.AuthRequiredData));

    private static AcpException SessionNotFound(string sessionId) => new(
        JsonRpcErrorCodes.ResourceNotFound,
        $"Resource not found: no session {sessionId}. List sessions with session/list, or start one with session/new.",
        JsonSerializer.SerializeToElement(new SessionNotFoundData { SessionId = sessionId }, AcpJsonContext.Default.SessionNotFoundData));

    private AcpException Translate(KimiCodeException ex, string? sessionId)
    {
        if (IsAuthError(ex.Code))
        {
            return AuthRequired("Authentication required: " + ex.Message);
        }

        if (ex.Code == SessionErrorCodes.NotFound && sessionId is not null)
        {
            return SessionNotFound(sessionId);
        }

        return new AcpException(JsonRpcErrorCodes.InternalError, ex.Message,
            JsonSerializer.SerializeToElement(new ErrorDetails { Code = ex.Code }, AcpJsonContext.Default.ErrorDetails));
    }

    private static bool IsAuthError(string code) =>
        code is AuthErrorCodes.LoginRequired or AuthErrorCodes.InvalidGrant or ProviderErrorCodes.Auth;
}
