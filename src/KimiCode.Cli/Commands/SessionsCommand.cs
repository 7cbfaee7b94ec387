using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using KimiCode.Agent;
using KimiCode.Agent.Sessions;
using KimiCode.Hosting;
using KimiCode.Protocol;
using ShellSessions = KimiCode.Cli.Shell.Commands.SessionsCommand;

namespace KimiCode.Cli.Commands;

/// <summary>
/// <c>kimi sessions [list]|show|rm|export</c>: the recorded sessions from the command line, named by id or id prefix
/// (<see cref="SessionStore.Resolve"/>, the rule <c>-S</c>/<c>-r</c> and <c>/resume</c> use); and which session
/// <c>-S</c>/<c>-r</c>/<c>--continue</c> resume. Reading never takes a session's lock: a session open in another
/// kimi can be listed, shown and exported, not deleted.
/// </summary>
internal static class SessionsCommand
{
    public static Command Create(CliEnvironment env)
    {
        var workDir = new Option<string?>("--work-dir", "-w")
        {
            Description = "The folder whose sessions are listed, and whose sessions an id prefix is matched against first (default: the current folder).",
            HelpName = "dir",
            Recursive = true,
        };
        var command = new Command("sessions", "List, show, delete or export recorded sessions; name one by its id or the start of it (`kimi sessions` alone lists this folder's).") { workDir };
        AddList(env, command, workDir);
        var list = new Command("list", "List the sessions of this folder (--all: every folder), newest first: short id, when, messages, title.");
        AddList(env, list, workDir);
        command.Subcommands.Add(list);
        command.Subcommands.Add(CreateShow(env, workDir));
        command.Subcommands.Add(CreateRemove(env, workDir));
        command.Subcommands.Add(CreateExport(env, workDir));
        return command;
    }

    /// <summary>
    /// The session <c>-S &lt;id|prefix&gt;</c> (through <see cref="SessionStore.Resolve"/>) or <c>--continue</c> names,
    /// for print mode and the shell alike; null for a new session.
    /// </summary>
    public static string? ResumeTarget(SessionStore store, string? idOrPrefix, bool latest, string workDir) =>
        idOrPrefix is not null ? store.Resolve(idOrPrefix, workDir).Id
        : !latest ? null
        : store.Latest(workDir)?.Id
            ?? throw new KimiCodeException(SessionErrorCodes.NotFound, $"No earlier session in {workDir} to continue; drop --continue to start one.");

    /// <summary>The shortest start of <paramref name="sessionId"/> that names it alone among every folder's sessions (for <c>kimi -r</c>).</summary>
    public static string ShortId(SessionStore store, string sessionId) =>
        SessionStore.ShortIds([.. store.ListAll().Select(s => s.Id)]).GetValueOrDefault(sessionId, sessionId);

    private static void AddList(CliEnvironment env, Command command, Option<string?> workDir)
    {
        var all = new Option<bool>("--all", "-a") { Description = "List the sessions of every folder (with the folder)." };
        var json = new Option<bool>("--json") { Description = "Print the list as one JSON object." };
        command.Options.Add(all);
        command.Options.Add(json);
        command.SetAction((parse, ct) => GuardedAction.RunAsync(env, token => ListAsync(env, Folder(env, parse.GetValue(workDir)), parse.GetValue(all), parse.GetValue(json), token), ct));
    }

    private static Command CreateShow(CliEnvironment env, Option<string?> workDir)
    {
        var session = SessionArgument();
        var command = new Command("show", "Print a session's conversation: prompts, answers and tool calls with the start of their results.") { session };
        command.SetAction((parse, ct) => GuardedAction.RunAsync(env, async token =>
        {
            var (info, transcript) = Read(env, parse.GetValue(session)!, parse.GetValue(workDir));
            await env.Out.WriteAsync(SessionTranscript.Text(info, transcript, env.TimeProvider.GetUtcNow())).ConfigureAwait(false);
            await env.Out.FlushAsync(token).ConfigureAwait(false);
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Command CreateRemove(CliEnvironment env, Option<string?> workDir)
    {
        var session = SessionArgument();
        var yes = new Option<bool>("--yes", "-y") { Description = "Delete without asking (needed when stdin is not a terminal)." };
        var command = new Command("rm", "Delete a session (asks first on a terminal; refused while another kimi has it open).") { session, yes };
        command.Aliases.Add("delete");
        command.SetAction((parse, ct) => GuardedAction.RunAsync(env, token =>
            Task.FromResult(Remove(env, parse.GetValue(session)!, parse.GetValue(workDir), parse.GetValue(yes))), ct));
        return command;
    }

    private static Command CreateExport(CliEnvironment env, Option<string?> workDir)
    {
        var session = SessionArgument();
        var output = new Option<string?>("--output", "-o") { Description = "Write the Markdown to this file instead of stdout (replaced if it exists).", HelpName = "file" };
        var command = new Command("export", "Write a session's conversation as Markdown (to stdout, or to a file with -o).") { session, output };
        command.SetAction((parse, ct) => GuardedAction.RunAsync(env, async token =>
        {
            var (info, transcript) = Read(env, parse.GetValue(session)!, parse.GetValue(workDir));
            var markdown = SessionTranscript.Markdown(info, transcript);
            if (parse.GetValue(output) is not { } file)
            {
                await env.Out.WriteAsync(markdown).ConfigureAwait(false);
                await env.Out.FlushAsync(token).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            var path = Path.GetFullPath(file, env.CurrentDirectory);
            if (Directory.Exists(path) || Path.GetDirectoryName(path) is not { } parent || !Directory.Exists(parent))
            {
                throw new KimiCodeException(CliErrorCodes.Usage, $"Cannot write {path}: {(Directory.Exists(path) ? "it is a folder" : "its folder does not exist")}; give -o a file in an existing folder.");
            }

            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite; // a conversation may hold private code
            }

            await using (var writer = new StreamWriter(path, new System.Text.UTF8Encoding(false), options))
            {
                await writer.WriteAsync(markdown.AsMemory(), token).ConfigureAwait(false);
            }

            await env.Error.WriteLineAsync($"Exported session {info.Id} to {path}.").ConfigureAwait(false);
            return ExitCodes.Success;
        }, ct));
        return command;
    }

    private static Argument<string> SessionArgument() => new("session") { Description = "A session id, or the start of one (`kimi sessions list` shows them)." };

    private static string Folder(CliEnvironment env, string? workDir) => Path.GetFullPath(workDir ?? env.CurrentDirectory, env.CurrentDirectory);

    private static (SessionInfo Info, IReadOnlyList<AgentEvent> Transcript) Read(CliEnvironment env, string idOrPrefix, string? workDir)
    {
        var store = new SessionStore(env.Home);
        var info = store.Resolve(idOrPrefix, Folder(env, workDir));
        var transcript = store.Transcript(info.Id)
            ?? throw new KimiCodeException(SessionErrorCodes.NotFound, $"Session {info.Id} went away while it was being read; `kimi sessions list` shows what is left.");
        return (info, transcript);
    }

    private static async Task<int> ListAsync(CliEnvironment env, string workDir, bool all, bool json, CancellationToken cancellationToken)
    {
        var store = new SessionStore(env.Home);
        var sessions = all ? store.ListAll() : store.List(workDir);
        var shortIds = SessionStore.ShortIds([.. (all ? sessions : store.ListAll()).Select(s => s.Id)]); // unique among every folder's
        if (json)
        {
            await JsonLines.WriteAsync(env.Out, w =>
            {
                w.WriteString("work_dir", all ? null : workDir);
                w.WriteStartArray("sessions");
                foreach (var s in sessions)
                {
                    WriteJson(w, s, shortIds[s.Id]);
                }

                w.WriteEndArray();
            }).ConfigureAwait(false);
            return ExitCodes.Success;
        }

        if (sessions.Count == 0)
        {
            await env.Error.WriteLineAsync(all
                ? "No sessions yet."
                : $"No sessions in {workDir} yet (`kimi sessions list --all` lists every folder's).").ConfigureAwait(false);
            return ExitCodes.Success;
        }

        var now = env.TimeProvider.GetUtcNow();
        var idWidth = Math.Max(2, sessions.Max(s => shortIds[s.Id].Length));
        var whenWidth = Math.Max(7, sessions.Max(s => ShellSessions.Ago(s.Updated, now).Length));
        var folderWidth = all ? Math.Max(6, sessions.Max(s => s.WorkDir.Length)) : 0;
        await env.Out.WriteLineAsync(Row("ID", idWidth, "UPDATED", whenWidth, "MESSAGES", all ? "FOLDER" : null, folderWidth, "TITLE")).ConfigureAwait(false);
        foreach (var s in sessions)
        {
            await env.Out.WriteLineAsync(Row(shortIds[s.Id], idWidth, ShellSessions.Ago(s.Updated, now), whenWidth,
                s.MessageCount.ToString(CultureInfo.InvariantCulture), all ? s.WorkDir : null, folderWidth, ShellSessions.Title(s))).ConfigureAwait(false);
        }

        await env.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
        return ExitCodes.Success;
    }

    private static string Row(string id, int idWidth, string when, int whenWidth, string messages, string? folder, int folderWidth, string title) =>
        $"{id.PadRight(idWidth)}  {when.PadRight(whenWidth)}  {messages,8}  {(folder is null ? "" : folder.PadRight(folderWidth) + "  ")}{title}".TrimEnd();

    private static void WriteJson(Utf8JsonWriter w, SessionInfo s, string shortId)
    {
        w.WriteStartObject();
        w.WriteString("id", s.Id);
        w.WriteString("short_id", shortId);
        w.WriteString("title", s.Title);
        w.WriteString("work_dir", s.WorkDir);
        w.WriteString("created_at", s.CreatedAt);
        w.WriteString("updated_at", s.Updated);
        w.WriteNumber("message_count", s.MessageCount);
        w.WriteString("model", s.Model);
        w.WriteEndObject();
    }

    private static int Remove(CliEnvironment env, string idOrPrefix, string? workDir, bool yes)
    {
        var store = new SessionStore(env.Home);
        var info = store.Resolve(idOrPrefix, Folder(env, workDir));
        if (!yes && env.InputRedirected)
        {
            throw new KimiCodeException(CliErrorCodes.Usage, $"kimi sessions rm asks before deleting, and stdin is not a terminal; add --yes to delete session {info.Id} without asking.");
        }

        var deleted = store.Delete(info.Id, yes ? null : () =>
        {
            // Asked with the session's lock held: nothing can open it between the answer and the deletion.
            env.Error.Write($"Delete session {info.Id} \"{ShellSessions.Title(info)}\" ({ShellSessions.Messages(info.MessageCount)}, {info.WorkDir})? [y/N] ");
            env.Error.Flush();
            var answer = env.In.ReadLine()?.Trim();
            return string.Equals(answer, "y", StringComparison.OrdinalIgnoreCase) || string.Equals(answer, "yes", StringComparison.OrdinalIgnoreCase);
        });
        if (!deleted)
        {
            env.Error.WriteLine($"Nothing deleted; session {info.Id} is still there.");
            return ExitCodes.Failure;
        }

        env.Out.WriteLine($"Deleted session {info.Id} ({ShellSessions.Title(info)}).");
        return ExitCodes.Success;
    }
}
