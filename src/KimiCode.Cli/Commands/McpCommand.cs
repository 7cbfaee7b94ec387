using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using KimiCode.Config;
using KimiCode.Hosting;
using KimiCode.Mcp;
using KimiCode.Protocol;

namespace KimiCode.Cli.Commands;

/// <summary>
/// <c>kimi mcp list|get|add|remove|test</c>: the servers of <c>$KIMI_CODE_HOME/mcp.json</c> (scope <c>user</c>) and
/// the project's <c>.kimi-code/mcp.json</c> (scope <c>project</c>), in the official format. <c>list</c> and <c>test</c>
/// connect the servers and say which work; values of <c>env</c> and <c>headers</c> are never printed (they may be secrets).
/// </summary>
internal static class McpCommand
{
    public static Command Create(CliEnvironment env)
    {
        var command = new Command("mcp", "Manage MCP servers (mcp.json): list, get, add, remove, test, login, logout.");
        command.Subcommands.Add(CreateList(env));
        command.Subcommands.Add(CreateGet(env));
        command.Subcommands.Add(CreateAdd(env));
        command.Subcommands.Add(CreateRemove(env));
        command.Subcommands.Add(CreateTest(env));
        command.Subcommands.Add(CreateLogin(env));
        command.Subcommands.Add(CreateLogout(env));
        return command;
    }

    private static Command CreateLogin(CliEnvironment env)
    {
        var name = new Argument<string>("name") { Description = "The HTTP server to log in to." };
        var workDir = WorkDirOption();
        var command = new Command("login", "Log in to an HTTP MCP server that requires OAuth (opens the browser).") { name, workDir };
        command.SetAction((parse, ct) => GuardedAction.RunAsync(env, token => LoginAsync(env, Folder(env, parse.GetValue(workDir)), parse.GetValue(name)!, token), ct));
        return command;
    }

    private static Command CreateLogout(CliEnvironment env)
    {
        var name = new Argument<string>("name") { Description = "The server whose stored OAuth tokens are removed." };
        var command = new Command("logout", "Remove an MCP server's stored OAuth tokens.") { name };
        command.SetAction((parse, ct) => GuardedAction.RunAsync(env, _ => LogoutAsync(env, parse.GetValue(name)!), ct));
        return command;
    }

    private static async Task<int> LoginAsync(CliEnvironment env, string folder, string name, CancellationToken cancellationToken)
    {
        await using var factory = new AgentSessionFactory(env.Host);
        var server = factory.ConfiguredMcpServers(folder).Servers.FirstOrDefault(s => s.Name == name)
            ?? throw new KimiCodeException(CliErrorCodes.Usage, $"No MCP server named \"{name}\" in {McpConfigFiles.UserFile(env.Home.Root)} or {McpConfigFiles.ProjectFile(folder)}; see `kimi mcp list`.");
        if (server.Transport == McpTransport.Stdio)
        {
            throw new KimiCodeException(CliErrorCodes.Usage, $"\"{name}\" is a stdio server; only HTTP servers (url) log in with OAuth.");
        }

        async Task OpenBrowser(Uri uri)
        {
            await env.Error.WriteLineAsync($"Log in to {name} in your browser: {uri.AbsoluteUri}").ConfigureAwait(false);
            BrowserLauncher.TryOpen(uri.AbsoluteUri);
        }

        await using var set = await factory.ConnectMcpServersAsync(folder, trustProject: false, name, cancellationToken, OpenBrowser).ConfigureAwait(false);
        var status = set.Statuses().Single();
        if (status.State != McpServerState.Ready)
        {
            throw new KimiCodeException(CliErrorCodes.McpLoginFailed, $"Login to {name} failed: {status.Reason ?? status.State.ToString().ToLowerInvariant()}; try `kimi mcp login {name}` again.");
        }

        string file = new McpTokenStore(McpOAuthContext.DirectoryUnder(env.Home.Root), name).FilePath;
        await env.Out.WriteLineAsync(File.Exists(file)
            ? $"Logged in to {name}; {status.Tools.Count} tools. The tokens are in {file}."
            : $"{name} works without a login; nothing stored.").ConfigureAwait(false);
        return ExitCodes.Success;
    }

    private static async Task<int> LogoutAsync(CliEnvironment env, string name)
    {
        if (McpToolName.NameProblem(name) is { } bad)
        {
            throw new KimiCodeException(CliErrorCodes.Usage, bad);
        }

        bool removed = new McpTokenStore(McpOAuthContext.DirectoryUnder(env.Home.Root), name).Delete();
        await env.Out.WriteLineAsync(removed ? $"Logged out of {name}; its tokens are removed." : $"Not logged in to {name}; nothing to remove.").ConfigureAwait(false);
        return ExitCodes.Success;
    }

    private static Option<string?> WorkDirOption() => new("--work-dir", "-w") { Description = "The project folder whose .kimi-code/mcp.json is read (default: the current folder).", HelpName = "dir" };

    private static Option<string?> ScopeOption(string description)
    {
        var scope = new Option<string?>("--scope", "-s") { Description = description, HelpName = "user|project" };
        scope.AcceptOnlyFromAmong("user", "project");
        return scope;
    }

    private static Option<bool> TrustOption() => new("--trust-project-mcp") { Description = "Also start the project's stdio servers that were not allowed yet." };

    private static Command CreateList(CliEnvironment env)
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var workDir = WorkDirOption();
        var trust = TrustOption();
        var command = new Command("list", "Connect every configured MCP server and show its status and tools.") { json, workDir, trust };
        command.SetAction((parse, ct) => GuardedAction.RunAsync(env, token => ListAsync(env, Folder(env, parse.GetValue(workDir)), parse.GetValue(json), parse.GetValue(trust), null, token), ct));
        return command;
    }

    private static Command CreateTest(CliEnvironment env)
    {
        var name = new Argument<string>("name") { Description = "The server to test." };
        var workDir = WorkDirOption();
        var command = new Command("test", "Start one MCP server, list its tools and stop it; exit 1 when it does not work.") { name, workDir };
        command.SetAction((parse, ct) => GuardedAction.RunAsync(env, token => ListAsync(env, Folder(env, parse.GetValue(workDir)), false, trustProject: true, parse.GetValue(name), token), ct));
        return command;
    }

    private static async Task<int> ListAsync(CliEnvironment env, string folder, bool json, bool trustProject, string? only, CancellationToken cancellationToken)
    {
        await using var factory = new AgentSessionFactory(env.Host);
        var configured = factory.ConfiguredMcpServers(folder);
        if (only is not null && configured.Servers.All(s => s.Name != only))
        {
            throw new KimiCodeException(CliErrorCodes.Usage, $"No MCP server named \"{only}\" in {McpConfigFiles.UserFile(env.Home.Root)} or {McpConfigFiles.ProjectFile(folder)}; see `kimi mcp list`.");
        }

        await using var set = await factory.ConnectMcpServersAsync(folder, trustProject, only, cancellationToken).ConfigureAwait(false);
        var statuses = set.Statuses();
        var scopes = configured.Servers.ToDictionary(s => s.Name, s => Scope(s.Origin));
        if (json)
        {
            await JsonLines.WriteAsync(env.Out, w =>
            {
                w.WriteStartArray("servers");
                foreach (var status in statuses)
                {
                    w.WriteStartObject();
                    w.WriteString("name", status.Name);
                    w.WriteString("scope", scopes.GetValueOrDefault(status.Name, "user"));
                    w.WriteString("transport", status.Transport.ToString().ToLowerInvariant());
                    w.WriteString("target", status.Target);
                    w.WriteString("state", status.State.ToString().ToLowerInvariant());
                    if (status.Reason is { } reason)
                    {
                        w.WriteString("reason", reason);
                    }

                    w.WriteStartArray("tools");
                    foreach (var tool in status.Tools)
                    {
                        w.WriteStringValue(tool);
                    }

                    w.WriteEndArray();
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteStartArray("problems");
                foreach (var problem in configured.Problems)
                {
                    w.WriteStringValue(McpConfigFiles.Format(problem));
                }

                w.WriteEndArray();
            }).ConfigureAwait(false);
        }
        else
        {
            if (statuses.Count == 0 && configured.Problems.Count == 0)
            {
                await env.Out.WriteLineAsync($"No MCP servers configured. Add one with `kimi mcp add <name> -- <command> [args...]` or `kimi mcp add <name> <url>`.").ConfigureAwait(false);
            }

            foreach (var status in statuses)
            {
                await env.Out.WriteLineAsync($"{status.Describe()} [{scopes.GetValueOrDefault(status.Name, "user")}]").ConfigureAwait(false);
                if (status.Tools.Count > 0)
                {
                    await env.Out.WriteLineAsync("  " + string.Join(", ", status.Tools)).ConfigureAwait(false);
                }
            }
        }

        if (!json)
        {
            foreach (var problem in configured.Problems)
            {
                await env.Error.WriteLineAsync("error: " + McpConfigFiles.Format(problem)).ConfigureAwait(false);
            }
        }

        bool broken = statuses.Any(s => s.State == McpServerState.Failed) || (only is not null && statuses.Any(s => s.State != McpServerState.Ready));
        return broken || configured.Problems.Count > 0 ? ExitCodes.Failure : ExitCodes.Success;
    }

    private static Command CreateGet(CliEnvironment env)
    {
        var name = new Argument<string>("name") { Description = "The server to show." };
        var workDir = WorkDirOption();
        var command = new Command("get", "Show one MCP server's configuration (values of env and headers are hidden).") { name, workDir };
        command.SetAction((parse, ct) => GuardedAction.RunAsync(env, token => GetAsync(env, Folder(env, parse.GetValue(workDir)), parse.GetValue(name)!), ct));
        return command;
    }

    private static async Task<int> GetAsync(CliEnvironment env, string folder, string name)
    {
        await using var factory = new AgentSessionFactory(env.Host);
        var server = factory.ConfiguredMcpServers(folder).Servers.FirstOrDefault(s => s.Name == name)
            ?? throw new KimiCodeException(CliErrorCodes.Usage, $"No MCP server named \"{name}\" in {McpConfigFiles.UserFile(env.Home.Root)} or {McpConfigFiles.ProjectFile(folder)}; see `kimi mcp list`.");
        var lines = new List<string>
        {
            $"{server.Name}:",
            $"  scope: {Scope(server.Origin)} ({server.SourcePath})",
            $"  transport: {server.Transport.ToString().ToLowerInvariant()}",
            server.Transport == McpTransport.Stdio ? $"  command: {server.Target}" : $"  url: {server.Target}",
            $"  enabled: {(server.Enabled ? "true" : "false")}",
        };
        void Add(string label, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                lines.Add($"  {label}: {value}");
            }
        }

        Add("cwd", server.Cwd);
        Add("env", string.Join(", ", server.Env.Select(p => p.Key + "=***")));
        Add("headers", string.Join(", ", server.Headers.Select(p => p.Key + ": ***")));
        Add("bearerTokenEnvVar", server.BearerTokenEnvVar);
        Add("startupTimeoutMs", server.StartupTimeoutMs?.ToString(CultureInfo.InvariantCulture));
        Add("toolTimeoutMs", server.ToolTimeoutMs?.ToString(CultureInfo.InvariantCulture));
        Add("enabledTools", string.Join(", ", server.EnabledTools));
        Add("disabledTools", string.Join(", ", server.DisabledTools));
        foreach (var line in lines)
        {
            await env.Out.WriteLineAsync(line).ConfigureAwait(false);
        }

        return ExitCodes.Success;
    }

    private static Command CreateAdd(CliEnvironment env)
    {
        var name = new Argument<string>("name") { Description = "The server's name (letters, digits, '_' and '-'); tools become mcp__<name>__<tool>." };
        var target = new Argument<string[]>("command-or-url") { Description = "A URL (http/sse), or the command and its arguments (stdio; put -- before a command with flags).", Arity = ArgumentArity.OneOrMore };
        var transport = new Option<string?>("--transport", "-t") { Description = "stdio, http or sse (default: http for a URL, else stdio).", HelpName = "stdio|http|sse" };
        transport.AcceptOnlyFromAmong("stdio", "http", "sse");
        var scope = ScopeOption("Where to write: user ($KIMI_CODE_HOME/mcp.json, the default) or project (.kimi-code/mcp.json).");
        var envVars = new Option<string[]>("--env", "-e") { Description = "An environment variable for a stdio server, NAME=value; repeatable.", HelpName = "NAME=value", AllowMultipleArgumentsPerToken = false };
        var headers = new Option<string[]>("--header", "-H") { Description = "A header for an http/sse server, 'Name: value'; repeatable.", HelpName = "Name: value", AllowMultipleArgumentsPerToken = false };
        var bearer = new Option<string?>("--bearer-token-env-var") { Description = "An environment variable holding a bearer token (http/sse).", HelpName = "NAME" };
        var cwd = new Option<string?>("--cwd") { Description = "The working directory of a stdio server.", HelpName = "dir" };
        var workDir = WorkDirOption();
        var command = new Command("add", "Add an MCP server to mcp.json (kept in the official format; other fields stay as they are).")
        {
            name, target, transport, scope, envVars, headers, bearer, cwd, workDir,
        };
        command.SetAction((parse, ct) => GuardedAction.RunAsync(env, _ =>
        {
            var words = parse.GetValue(target) ?? [];
            var kind = parse.GetValue(transport) ?? (words[0].StartsWith("http://", StringComparison.OrdinalIgnoreCase) || words[0].StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? "http" : "stdio");
            var entry = new JsonObject();
            if (kind == "stdio")
            {
                entry["command"] = words[0];
                entry["args"] = new JsonArray([.. words.Skip(1).Select(w => (JsonNode)JsonValue.Create(w))]);
                AddMap(entry, "env", parse.GetValue(envVars) ?? [], '=', "--env NAME=value");
                if (parse.GetValue(cwd) is { } dir)
                {
                    entry["cwd"] = dir;
                }
            }
            else
            {
                if (words.Length > 1)
                {
                    throw new KimiCodeException(CliErrorCodes.Usage, $"An {kind} server takes one URL, not {words.Length} words; put stdio commands after --.");
                }

                if (kind == "sse")
                {
                    entry["transport"] = "sse";
                }

                entry["url"] = words[0];
                AddMap(entry, "headers", parse.GetValue(headers) ?? [], ':', "--header 'Name: value'");
                if (parse.GetValue(bearer) is { } variable)
                {
                    entry["bearerTokenEnvVar"] = variable;
                }
            }

            var path = FileFor(env, parse.GetValue(scope), Folder(env, parse.GetValue(workDir)));
            var serverName = parse.GetValue(name)!;
            Edit(() => McpConfigEditor.Add(path, serverName, entry));
            env.Out.WriteLine($"Added MCP server '{serverName}' ({kind}) to {path}. It joins new sessions; check it with `kimi mcp test {serverName}`.");
            return Task.FromResult(ExitCodes.Success);
        }, ct));
        return command;
    }

    private static Command CreateRemove(CliEnvironment env)
    {
        var name = new Argument<string>("name") { Description = "The server to remove." };
        var scope = ScopeOption("Which file: user or project (default: the one that has it).");
        var workDir = WorkDirOption();
        var command = new Command("remove", "Remove an MCP server from mcp.json.") { name, scope, workDir };
        command.SetAction((parse, ct) => GuardedAction.RunAsync(env, _ =>
        {
            var folder = Folder(env, parse.GetValue(workDir));
            var serverName = parse.GetValue(name)!;
            string user = McpConfigFiles.UserFile(env.Home.Root);
            string project = McpConfigFiles.ProjectFile(folder);
            string path = parse.GetValue(scope) switch
            {
                "user" => user,
                "project" => project,
                _ when Edit(() => McpConfigEditor.Contains(user, serverName)) && Edit(() => McpConfigEditor.Contains(project, serverName))
                    => throw new KimiCodeException(CliErrorCodes.Usage, $"\"{serverName}\" is in both {user} and {project}; pick one with --scope user or --scope project."),
                _ => Edit(() => McpConfigEditor.Contains(project, serverName)) ? project : user,
            };
            if (!Edit(() => McpConfigEditor.Remove(path, serverName)))
            {
                throw new KimiCodeException(CliErrorCodes.Usage, $"No MCP server named \"{serverName}\" in {path}; see `kimi mcp list`.");
            }

            env.Out.WriteLine($"Removed MCP server '{serverName}' from {path}.");
            return Task.FromResult(ExitCodes.Success);
        }, ct));
        return command;
    }

    private static void AddMap(JsonObject entry, string field, string[] pairs, char separator, string shape)
    {
        if (pairs.Length == 0)
        {
            return;
        }

        var map = new JsonObject();
        foreach (var pair in pairs)
        {
            int at = pair.IndexOf(separator, StringComparison.Ordinal);
            if (at <= 0)
            {
                throw new KimiCodeException(CliErrorCodes.Usage, $"\"{pair}\" is not {shape}.");
            }

            map[pair[..at].Trim()] = pair[(at + 1)..].Trim();
        }

        entry[field] = map;
    }

    private static T Edit<T>(Func<T> edit)
    {
        try
        {
            return edit();
        }
        catch (McpConfigException ex)
        {
            throw new KimiCodeException(ConfigErrorCodes.Invalid, ex.Message);
        }
    }

    private static void Edit(Action edit) => Edit(() =>
    {
        edit();
        return true;
    });

    private static string FileFor(CliEnvironment env, string? scope, string folder)
        => scope == "project" ? McpConfigFiles.ProjectFile(folder) : McpConfigFiles.UserFile(env.Home.Root);

    private static string Folder(CliEnvironment env, string? workDir) => Path.GetFullPath(workDir ?? env.CurrentDirectory);

    private static string Scope(McpServerOrigin origin) => origin switch
    {
        McpServerOrigin.Project => "project",
        McpServerOrigin.Editor => "editor",
        _ => "user",
    };
}
