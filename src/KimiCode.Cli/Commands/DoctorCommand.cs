using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using KimiCode.Agent.Prompts;
using KimiCode.Agent.Skills;
using KimiCode.Auth;
using KimiCode.Config;
using KimiCode.Hosting;
using KimiCode.Hosting.Accounts;
using KimiCode.Protocol;
using KimiCode.Provider;

namespace KimiCode.Cli.Commands;

/// <summary>
/// <c>kimi doctor</c>: one line per check of what kimi needs from the data folder and the service: config.toml loads,
/// credentials are usable, no lock is stuck, which instruction files are read, what MCP servers, skills and hooks
/// exist on disk (counted, not run: this client does not support them yet), and whether the default model's service
/// answers one request. A failing check says what to do; the exit code is 1 when any check fails. Never prints a secret.
/// </summary>
internal static class DoctorCommand
{
    /// <summary>How long the reachability probe may take; one attempt, no retries.</summary>
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(15);

    private enum Status
    {
        Ok,
        Warn,
        Fail,
        Skip,
    }

    private sealed record Check(string Name, Status Status, string Detail, string? Fix = null);

    public static Command Create(CliEnvironment env)
    {
        var json = new Option<bool>("--json") { Description = "Print the checks as one JSON object." };
        var workDir = new Option<string?>("--work-dir", "-w") { Description = "The project folder whose instruction files and MCP servers are checked (default: the current folder).", HelpName = "dir" };
        var command = new Command("doctor", "Check config, credentials, locks, instructions, MCP/skills/hooks and service reachability; one line each, with the fix for a failure.") { json, workDir };
        command.SetAction((parse, ct) => GuardedAction.RunAsync(env, token => RunAsync(env, parse.GetValue(json), parse.GetValue(workDir), token), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliEnvironment env, bool json, string? workDir, CancellationToken cancellationToken)
    {
        var home = env.Home;
        string project = Path.GetFullPath(workDir ?? env.CurrentDirectory);
        string userHome = env.GetVariable("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var checks = new List<Check>();
        var config = CheckConfig(env, checks);
        var credential = CheckCredentials(env, config, checks);
        checks.AddRange(CheckLocks(home, env.TimeProvider));
        checks.Add(CheckInstructions(project, home.Root, userHome));
        checks.Add(CheckMcp(home.Root, project));
        checks.Add(CheckSkills(home.Root, userHome, project, config));
        checks.Add(CheckHooks(config));
        checks.Add(await CheckReachabilityAsync(env, config, credential, cancellationToken).ConfigureAwait(false));

        bool ok = checks.All(static c => c.Status != Status.Fail);
        if (json)
        {
            await JsonLines.WriteAsync(env.Out, w =>
            {
                w.WriteBoolean("ok", ok);
                w.WriteString("home", home.Root);
                w.WriteStartArray("checks");
                foreach (var check in checks)
                {
                    w.WriteStartObject();
                    w.WriteString("name", check.Name);
                    w.WriteString("status", StatusName(check.Status));
                    w.WriteString("detail", check.Detail);
                    if (check.Fix is { } fix)
                    {
                        w.WriteString("fix", fix);
                    }

                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }).ConfigureAwait(false);
        }
        else
        {
            foreach (var check in checks)
            {
                string fix = check.Fix is { } f ? $" -> {f}" : string.Empty;
                await env.Out.WriteLineAsync($"{StatusName(check.Status),-4} {check.Name}: {GuardedAction.OneLine(check.Detail)}{fix}").ConfigureAwait(false);
            }
        }

        return ok ? ExitCodes.Success : ExitCodes.Failure;
    }

    private static string StatusName(Status status) => status switch
    {
        Status.Ok => "ok",
        Status.Warn => "warn",
        Status.Fail => "FAIL",
        _ => "skip",
    };

    /// <summary>config.toml parses and validates, and the settings the environment overrides are usable.</summary>
    private static KimiConfig? CheckConfig(CliEnvironment env, List<Check> checks)
    {
        string path = env.Home.ConfigFile;
        try
        {
            var config = new ConfigStore(env.Home, env.GetVariable).LoadEffective();
            if (config.Validate() is [var first, ..])
            {
                checks.Add(new Check("config", Status.Fail, $"{first} [{ConfigErrorCodes.Invalid}]", $"fix {path}"));
                return null;
            }

            _ = NetworkSettings.Resolve(config, env.GetVariable);
            _ = AgentSettings.Resolve(config, env.GetVariable);
            string source = File.Exists(path) ? path : "no config.toml (environment only)";
            checks.Add(new Check("config", Status.Ok, $"{source}: {config.Providers.Count} provider(s), {config.Models.Count} model(s), default model {config.DefaultModel ?? "(none)"}"));
            return config;
        }
        catch (KimiCodeException ex)
        {
            checks.Add(new Check("config", Status.Fail, $"{ex.Message} [{ex.Code}]", $"fix {path} (or the variable named)"));
            return null;
        }
    }

    /// <summary>One line per provider: how it authenticates, usable or not, token expiry. Fails when the default model has no usable credential.</summary>
    private static ResolvedCredential? CheckCredentials(CliEnvironment env, KimiConfig? config, List<Check> checks)
    {
        if (config is null)
        {
            checks.Add(new Check("credentials", Status.Skip, "not checked: config.toml does not load"));
            return null;
        }

        var status = new KimiAccount(env.Host).Status();
        var now = env.TimeProvider.GetUtcNow();
        if (status.Providers.Count == 0)
        {
            checks.Add(new Check("credentials", Status.Fail, "no providers configured", "run `kimi login` (Kimi account) or `kimi login --api-key`, or set KIMI_API_KEY"));
            return null;
        }

        foreach (var (entry, _) in status.Providers)
        {
            var name = $"credentials {entry.Provider!.Name}";
            bool isDefault = entry.Provider.Name == status.ForDefault.Provider?.Name;
            if (!entry.IsUsable)
            {
                checks.Add(new Check(name, isDefault ? Status.Fail : Status.Warn, $"{Kind(entry.Kind)}, not usable: {entry.Problem ?? "no credential"}", "run `kimi login` (or `kimi login --api-key`)"));
                continue;
            }

            string expiry = entry.ExpiresAt is { } expires
                ? expires > now ? $", access token valid until {expires.ToUniversalTime():yyyy-MM-dd HH:mm} UTC" : ", access token expired (refreshed on the next request)"
                : string.Empty;
            checks.Add(new Check(name, Status.Ok, $"{Kind(entry.Kind)}, usable{expiry}{(isDefault ? " (default model)" : string.Empty)}"));
        }

        if (!status.ForDefault.IsUsable && status.Providers.All(p => p.Credential.Provider?.Name != status.ForDefault.Provider?.Name))
        {
            checks.Add(new Check("credentials", Status.Fail, status.ForDefault.Problem ?? "the default model has no usable credential", "run `kimi login`"));
        }

        return status.ForDefault.IsUsable ? status.ForDefault : null;
    }

    private static string Kind(CredentialKind kind) => kind switch
    {
        CredentialKind.OAuth => "Kimi account (OAuth)",
        CredentialKind.ApiKey => "API key in config.toml",
        CredentialKind.ProviderEnv => "API key in the provider's env table",
        CredentialKind.Environment => "API key from KIMI_API_KEY",
        _ => "no credential",
    };

    /// <summary>
    /// The refresh locks (<c>credentials/*.lock</c> folders, shared with the official client) and <c>config.toml.lock</c>.
    /// A lock someone holds right now is fine; a refresh lock older than the stale limit is left by a crashed process
    /// (both clients take it over, but it is worth knowing).
    /// </summary>
    private static IEnumerable<Check> CheckLocks(KimiHome home, TimeProvider time)
    {
        var stale = new RefreshLockOptions().StaleAfter;
        var now = time.GetUtcNow();
        var notes = new List<string>();
        bool anyStale = false;
        if (Directory.Exists(home.CredentialsDir))
        {
            foreach (var lockDir in Directory.EnumerateDirectories(home.CredentialsDir, "*.lock").Order(StringComparer.Ordinal))
            {
                var age = now - Directory.GetLastWriteTimeUtc(lockDir);
                bool isStale = age > stale;
                anyStale |= isStale;
                notes.Add($"{Path.GetFileName(lockDir)} {(isStale ? $"stale ({Seconds(age)} old)" : "held by a refresh in progress")}");
            }
        }

        yield return notes.Count == 0
            ? new Check("refresh lock", Status.Ok, "free")
            : new Check("refresh lock", anyStale ? Status.Warn : Status.Ok, string.Join("; ", notes),
                anyStale ? $"if no kimi or kimi-code is running, remove it: rm -rf '{home.CredentialsDir}'/*.lock" : null);

        string configLock = home.ConfigFile + ".lock";
        yield return !File.Exists(configLock)
            ? new Check("config lock", Status.Ok, "free")
            : IsHeld(configLock)
                ? new Check("config lock", Status.Warn, $"{configLock} is held: another process is editing config.toml", "wait for it to finish, or end it")
                : new Check("config lock", Status.Ok, "free");
    }

    private static string Seconds(TimeSpan span) => string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0, (long)span.TotalSeconds)} s");

    /// <summary>Whether another process holds the flock on <paramref name="path"/> (tried once, released at once).</summary>
    private static bool IsHeld(string path)
    {
        try
        {
            using var probe = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None);
            return false;
        }
        catch (IOException ex) when (ex is not FileNotFoundException)
        {
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static Check CheckInstructions(string project, string kimiHome, string userHome)
    {
        var instructions = Instructions.Load(project, kimiHome, userHome);
        bool cut = instructions.All.Any(static f => f.Truncated);
        return new Check("instructions", cut ? Status.Warn : Status.Ok, instructions.Summary(),
            cut ? $"files over {AgentsFile.MaxBytes / 1024} KB are cut; shorten them" : null);
    }

    /// <summary>MCP servers in <c>{home}/mcp.json</c> and the project's <c>.kimi-code/mcp.json</c> (project entries win by name).</summary>
    private static Check CheckMcp(string kimiHome, string project)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (string path in (ReadOnlySpan<string>)[Path.Combine(kimiHome, "mcp.json"), Path.Combine(project, ".kimi-code", "mcp.json")])
        {
            if (!File.Exists(path))
            {
                continue;
            }

            try
            {
                using var document = JsonDocument.Parse(File.ReadAllText(path));
                if (document.RootElement.ValueKind == JsonValueKind.Object
                    && document.RootElement.TryGetProperty("mcpServers", out var servers) && servers.ValueKind == JsonValueKind.Object)
                {
                    foreach (var server in servers.EnumerateObject())
                    {
                        names.Add(server.Name);
                    }
                }
            }
            catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
            {
                problems.Add($"{path} is not readable JSON");
            }
        }

        string found = names.Count == 0 ? "no servers configured" : $"{names.Count} server(s) configured ({string.Join(", ", names.Order(StringComparer.Ordinal))})";
        return problems.Count > 0
            ? new Check("mcp", Status.Warn, $"{found}; {string.Join("; ", problems)}", "fix the JSON (the official client reads it)")
            : new Check("mcp", Status.Ok, names.Count == 0 ? found : $"{found}; `kimi mcp list` connects them");
    }

    /// <summary>Skills in the official folders (and <c>extra_skill_dirs</c>), read as a session reads them; a file that cannot be used warns.</summary>
    private static Check CheckSkills(string kimiHome, string userHome, string project, KimiConfig? config)
    {
        var catalog = SkillCatalog.Discover(new SkillFolders(project, kimiHome, userHome, config?.ExtraSkillDirs ?? []));
        var names = catalog.Skills.Where(static s => s.Source != SkillSource.BuiltIn).Select(static s => s.Name).ToList();
        var found = names.Count == 0 ? "none found" : $"{names.Count} found ({string.Join(", ", names)})";
        return catalog.Warnings.Count > 0
            ? new Check("skills", Status.Warn, $"{found}; {string.Join("; ", catalog.Warnings)}", "fix the front matter of the named file (see docs/skills.md)")
            : new Check("skills", Status.Ok, found);
    }

    private static Check CheckHooks(KimiConfig? config)
    {
        if (config is null)
        {
            return new Check("hooks", Status.Skip, "not checked: config.toml does not load");
        }

        int count = config.Hooks.Entries.Count;
        var found = count == 0 ? "none configured" : $"{count} [[hooks]] entr{(count == 1 ? "y" : "ies")} ({string.Join(", ", config.Hooks.Entries.Select(static e => e.Event).Distinct())})";
        return config.Hooks.Warnings.Count > 0
            ? new Check("hooks", Status.Warn, $"{found}; {string.Join("; ", config.Hooks.Warnings)}", "fix or remove the named [[hooks]] entry (see docs/hooks.md)")
            : new Check("hooks", Status.Ok, found);
    }

    /// <summary>One <c>GET {base_url}/models</c> with the default model's credential: a single attempt, bounded by <see cref="ProbeTimeout"/>.</summary>
    private static async Task<Check> CheckReachabilityAsync(CliEnvironment env, KimiConfig? config, ResolvedCredential? credential, CancellationToken cancellationToken)
    {
        if (config is null || credential is null)
        {
            return new Check("service", Status.Skip, "not checked: no usable config and credential");
        }

        string baseUrl = credential.Provider?.BaseUrl is { Length: > 0 } url ? url : ConfigStore.DefaultCodingBaseUrl;
        // One attempt: the doctor reports what happens now instead of retrying for minutes.
        var host = new HostEnvironment
        {
            GetVariable = name => name == "KIMI_LOOP_MAX_ATTEMPTS_PER_STEP" ? "1" : env.GetVariable(name),
            TimeProvider = env.TimeProvider,
            Logging = env.Host.Logging,
        };
        using var clients = new ModelClientFactory(host);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            var client = clients.CreateChatClient(config, credential);
            var models = await client.ListModelsAsync(timeout.Token).ConfigureAwait(false);
            return new Check("service", Status.Ok, $"{baseUrl} answers ({models.Count} model(s) listed)");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new Check("service", Status.Fail, $"{baseUrl} did not answer within {ProbeTimeout.TotalSeconds:0} s", "check your network or proxy, then run `kimi doctor` again");
        }
        catch (KimiCodeException ex)
        {
            string fix = ex.Code.StartsWith("auth.", StringComparison.Ordinal) ? "run `kimi login`" : "check the network and the provider's base_url, then run `kimi doctor` again";
            return new Check("service", Status.Fail, $"{baseUrl}: {ex.Message} [{ex.Code}]", fix);
        }
        catch (HttpRequestException ex)
        {
            return new Check("service", Status.Fail, $"{baseUrl} is not reachable: {ex.Message}", "check the network and the provider's base_url, then run `kimi doctor` again");
        }
    }
}
