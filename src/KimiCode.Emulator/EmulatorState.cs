namespace KimiCode.Emulator;

/// <summary>
/// Everything the emulator remembers: device codes, tokens, API keys, the script, faults and the request log.
/// Thread-safe: all members take one lock, because requests arrive on many threads at once.
/// </summary>
public sealed class EmulatorState
{
    private readonly Lock _lock = new();
    private readonly EmulatorOptions _options;
    private readonly TokenMinter _minter = new();
    private readonly Dictionary<string, DeviceGrant> _deviceGrants = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _accessTokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RefreshRecord> _refreshTokens = new(StringComparer.Ordinal);
    private readonly HashSet<string> _apiKeys = new(StringComparer.Ordinal);
    private readonly List<string> _allowedPlatforms = [];
    private readonly Queue<ModelTurn> _script = new();
    private readonly List<EmulatorFault> _faults = [];
    private readonly List<RequestEntry> _requests = [];
    private readonly Dictionary<string, string> _pages = new(StringComparer.Ordinal);
    private string? _searchResults;
    private string? _planUsage;
    private int _refreshCount;
    private int _refreshReuseCount;
    private int _faultsApplied;
    private int _chatCount;

    internal EmulatorState(EmulatorOptions options)
    {
        _options = options;
        ResetCore();
    }

    internal TimeProvider Time => _options.TimeProvider;

    /// <summary>Snapshot of the request log, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_lock)
            {
                return _requests.Select(e => e.Record).ToArray();
            }
        }
    }

    /// <summary>Successful refresh-token grants.</summary>
    public int RefreshCount
    {
        get
        {
            lock (_lock)
            {
                return _refreshCount;
            }
        }
    }

    /// <summary>Refresh attempts with a refresh token that was valid once but had already been used.</summary>
    public int RefreshReuseCount
    {
        get
        {
            lock (_lock)
            {
                return _refreshReuseCount;
            }
        }
    }

    /// <summary>Requests that a fault (error, cut stream or latency) was applied to.</summary>
    public int FaultsApplied
    {
        get
        {
            lock (_lock)
            {
                return _faultsApplied;
            }
        }
    }

    /// <summary>Chat completion requests that reached the model (after the auth and validation gates).</summary>
    public int ChatCount
    {
        get
        {
            lock (_lock)
            {
                return _chatCount;
            }
        }
    }

    /// <summary>Scripted turns not consumed yet.</summary>
    public int ScriptTurnsRemaining
    {
        get
        {
            lock (_lock)
            {
                return _script.Count;
            }
        }
    }

    public void ClearRequests()
    {
        lock (_lock)
        {
            _requests.Clear();
        }
    }

    /// <summary>Approves a pending device code, as the user would in the browser.</summary>
    /// <returns>false when no pending code has this user code.</returns>
    public bool Approve(string userCode) => Decide(userCode, DeviceGrantStatus.Approved);

    /// <summary>Denies a pending device code; the next poll gets <c>access_denied</c>.</summary>
    public bool Deny(string userCode) => Decide(userCode, DeviceGrantStatus.Denied);

    /// <summary>Mints a valid token pair directly, so tests can skip the device flow.</summary>
    public IssuedTokens IssueTokens(TimeSpan? accessTokenLifetime = null)
    {
        lock (_lock)
        {
            return IssueTokensCore(accessTokenLifetime ?? _options.AccessTokenLifetime);
        }
    }

    public void AddApiKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        lock (_lock)
        {
            _apiKeys.Add(key);
        }
    }

    /// <summary>Replaces the <c>X-Msh-Platform</c> values the coding API admits.</summary>
    public void SetAllowedPlatforms(IEnumerable<string> platforms)
    {
        ArgumentNullException.ThrowIfNull(platforms);
        var list = platforms.ToList();
        lock (_lock)
        {
            _allowedPlatforms.Clear();
            _allowedPlatforms.AddRange(list);
        }
    }

    /// <summary>Replaces the scripted turns (format in docs/emulator.md).</summary>
    /// <exception cref="FormatException">The script is not valid; the message says what is wrong and where.</exception>
    public void LoadScript(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var turns = ScriptParser.Parse(json);
        lock (_lock)
        {
            _script.Clear();
            foreach (var turn in turns)
            {
                _script.Enqueue(turn);
            }
        }
    }

    /// <summary>Queues a fault; faults are served in the order they were injected.</summary>
    public void InjectFault(EmulatorFault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        if (fault.Count < 1)
        {
            throw new ArgumentException("Fault count must be at least 1.", nameof(fault));
        }

        if (!IsKnownTarget(fault.Target))
        {
            throw new ArgumentException($"Unknown fault target '{fault.Target}'; use chat, models, token, device, search, fetch or any.", nameof(fault));
        }

        lock (_lock)
        {
            _faults.Add(fault.Copy());
        }
    }

    /// <summary>Drops the faults not yet served (service is normal from the next request); tokens, log and counters stay.</summary>
    public void ClearFaults()
    {
        lock (_lock)
        {
            _faults.Clear();
        }
    }

    /// <summary>Forgets everything: tokens, codes, script, faults, log and counters; API keys and platforms return to the options.</summary>
    public void Reset()
    {
        lock (_lock)
        {
            ResetCore();
        }
    }

    internal static bool IsKnownTarget(string? target) => target is "chat" or "models" or "token" or "device" or "search" or "fetch" or "usages" or "any";

    /// <summary>
    /// What <c>/coding/v1/search</c> answers from now on: <paramref name="resultsJson"/> is the <c>search_results</c> array
    /// (objects with <c>title</c>, <c>url</c>, <c>snippet</c>, <c>content</c>, <c>date</c>, <c>site_name</c>); null goes back to
    /// the default (results made from the query).
    /// </summary>
    public void SetSearchResults(string? resultsJson)
    {
        if (resultsJson is not null && !JsonText.IsJson(resultsJson))
        {
            throw new FormatException("search_results must be a JSON array of result objects.");
        }

        lock (_lock)
        {
            _searchResults = resultsJson;
        }
    }

    /// <summary>What <c>/coding/v1/fetch</c> answers for <paramref name="url"/> (Markdown); other URLs get a page made from the URL.</summary>
    public void SetPage(string url, string markdown)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(markdown);
        lock (_lock)
        {
            _pages[url] = markdown;
        }
    }

    /// <summary>
    /// What <c>GET /coding/v1/usages</c> answers from now on: the account's plan usage in the service's shape
    /// (<c>{"usage":{"used","limit","resetTime"},"limits":[{"window":{"duration","timeUnit"},"detail":{…}}]}</c>); null goes
    /// back to the default (a weekly 40 of 1000 and a 5-hour 12 of 100).
    /// </summary>
    public void SetPlanUsage(string? usageJson)
    {
        if (usageJson is not null && !JsonText.IsJson(usageJson))
        {
            throw new FormatException("usages must be a JSON object in the service's shape.");
        }

        lock (_lock)
        {
            _planUsage = usageJson;
        }
    }

    internal string? PlanUsage()
    {
        lock (_lock)
        {
            return _planUsage;
        }
    }

    internal string? SearchResults()
    {
        lock (_lock)
        {
            return _searchResults;
        }
    }

    internal string? Page(string url)
    {
        lock (_lock)
        {
            return _pages.GetValueOrDefault(url);
        }
    }

    internal DeviceAuthorization CreateDeviceCode()
    {
        lock (_lock)
        {
            var grant = new DeviceGrant
            {
                DeviceCode = "dc-" + Ids.Random(32),
                UserCode = Ids.UserCode(),
                ExpiresAt = Time.GetUtcNow() + _options.DeviceCodeLifetime,
                IntervalSeconds = _options.PollIntervalSeconds,
            };
            _deviceGrants[grant.DeviceCode] = grant;
            return new DeviceAuthorization(grant.DeviceCode, grant.UserCode, (int)_options.DeviceCodeLifetime.TotalSeconds, grant.IntervalSeconds);
        }
    }

    internal DevicePollResult PollDeviceCode(string deviceCode)
    {
        lock (_lock)
        {
            if (!_deviceGrants.TryGetValue(deviceCode, out var grant) || grant.Status == DeviceGrantStatus.Consumed)
            {
                return new DevicePollResult(DevicePollOutcome.InvalidGrant, null);
            }

            var now = Time.GetUtcNow();
            if (now >= grant.ExpiresAt)
            {
                return new DevicePollResult(DevicePollOutcome.ExpiredToken, null);
            }

            if (grant.Status == DeviceGrantStatus.Denied)
            {
                return new DevicePollResult(DevicePollOutcome.AccessDenied, null);
            }

            // RFC 8628 §3.5: polling faster than the interval earns slow_down and a 5 s longer interval for good.
            // The first poll is never too early, so auto-approve demos finish at once.
            if (grant.LastPoll is { } last && now - last < TimeSpan.FromSeconds(grant.IntervalSeconds))
            {
                grant.LastPoll = now;
                grant.IntervalSeconds += 5;
                return new DevicePollResult(DevicePollOutcome.SlowDown, null);
            }

            grant.LastPoll = now;
            if (grant.Status == DeviceGrantStatus.Approved || _options.AutoApprove)
            {
                grant.Status = DeviceGrantStatus.Consumed;
                return new DevicePollResult(DevicePollOutcome.Success, IssueTokensCore(_options.AccessTokenLifetime));
            }

            return new DevicePollResult(DevicePollOutcome.AuthorizationPending, null);
        }
    }

    /// <summary>Rotates a refresh token; null when it is unknown, used or expired.</summary>
    internal IssuedTokens? Refresh(string refreshToken)
    {
        lock (_lock)
        {
            if (!_refreshTokens.TryGetValue(refreshToken, out var record))
            {
                return null;
            }

            if (record.Used)
            {
                _refreshReuseCount++;
                return null;
            }

            if (Time.GetUtcNow() >= record.ExpiresAt)
            {
                return null;
            }

            record.Used = true;
            _refreshCount++;
            return IssueTokensCore(_options.AccessTokenLifetime);
        }
    }

    internal bool IsValidAccessToken(string token)
    {
        lock (_lock)
        {
            return _accessTokens.TryGetValue(token, out var expiresAt) && Time.GetUtcNow() < expiresAt;
        }
    }

    internal bool IsApiKey(string token)
    {
        lock (_lock)
        {
            return _apiKeys.Contains(token);
        }
    }

    internal bool IsPlatformAllowed(string? platform)
    {
        lock (_lock)
        {
            return platform is not null && _allowedPlatforms.Contains(platform, StringComparer.Ordinal);
        }
    }

    internal IReadOnlyList<string> PendingUserCodes()
    {
        lock (_lock)
        {
            var now = Time.GetUtcNow();
            return _deviceGrants.Values
                .Where(g => g.Status == DeviceGrantStatus.Pending && now < g.ExpiresAt)
                .Select(g => g.UserCode)
                .ToArray();
        }
    }

    internal ModelTurn? NextScriptTurn()
    {
        lock (_lock)
        {
            _chatCount++;
            return _script.TryDequeue(out var turn) ? turn : null;
        }
    }

    /// <summary>Takes one use of the first fault matching the target, if any.</summary>
    internal EmulatorFault? TakeFault(string target)
    {
        lock (_lock)
        {
            var fault = _faults.Find(f => f.Target == "any" || f.Target == target);
            if (fault is null)
            {
                return null;
            }

            fault.Count--;
            if (fault.Count <= 0)
            {
                _faults.Remove(fault);
            }

            _faultsApplied++;
            return fault.Copy();
        }
    }

    internal RequestEntry BeginRequest(RecordedRequest record)
    {
        var entry = new RequestEntry(record);
        lock (_lock)
        {
            _requests.Add(entry);
        }

        return entry;
    }

    internal void CompleteRequest(RequestEntry entry, int statusCode)
    {
        lock (_lock)
        {
            entry.Record = entry.Record with { StatusCode = statusCode };
        }
    }

    private bool Decide(string userCode, DeviceGrantStatus decision)
    {
        ArgumentNullException.ThrowIfNull(userCode);
        lock (_lock)
        {
            var now = Time.GetUtcNow();
            foreach (var grant in _deviceGrants.Values)
            {
                if (string.Equals(grant.UserCode, userCode.Trim(), StringComparison.OrdinalIgnoreCase)
                    && grant.Status == DeviceGrantStatus.Pending && now < grant.ExpiresAt)
                {
                    grant.Status = decision;
                    return true;
                }
            }

            return false;
        }
    }

    private IssuedTokens IssueTokensCore(TimeSpan accessLifetime)
    {
        var now = Time.GetUtcNow();
        var access = _minter.MintAccessToken(now, now + accessLifetime);
        var refresh = TokenMinter.MintRefreshToken();
        _accessTokens[access] = now + accessLifetime;
        _refreshTokens[refresh] = new RefreshRecord { ExpiresAt = now + _options.RefreshTokenLifetime };
        return new IssuedTokens(access, refresh, (int)Math.Max(0, accessLifetime.TotalSeconds));
    }

    private void ResetCore()
    {
        _deviceGrants.Clear();
        _accessTokens.Clear();
        _refreshTokens.Clear();
        _apiKeys.Clear();
        foreach (var key in _options.ApiKeys)
        {
            _apiKeys.Add(key);
        }

        _allowedPlatforms.Clear();
        _allowedPlatforms.AddRange(_options.AllowedPlatforms);
        _script.Clear();
        _faults.Clear();
        _requests.Clear();
        _pages.Clear();
        _searchResults = null;
        _planUsage = null;
        _refreshCount = 0;
        _refreshReuseCount = 0;
        _faultsApplied = 0;
        _chatCount = 0;
    }

    private sealed class RefreshRecord
    {
        public required DateTimeOffset ExpiresAt { get; init; }

        public bool Used { get; set; }
    }
}

/// <summary>A log slot reserved on arrival, so the log keeps arrival order; the status is filled in when headers go out.</summary>
internal sealed class RequestEntry(RecordedRequest record)
{
    public RecordedRequest Record { get; set; } = record;
}
