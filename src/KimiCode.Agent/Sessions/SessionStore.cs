using System.Security.Cryptography;
using System.Text;
using KimiCode.Config;
using KimiCode.Protocol;

namespace KimiCode.Agent.Sessions;

/// <summary>
/// Sessions on disk: <c>{home}/sessions/&lt;workspace&gt;/&lt;session-id&gt;/context.jsonl</c>, where
/// &lt;workspace&gt; is the working directory's last folder name (sanitized) plus the first 12 hex digits
/// of the SHA-256 of its full path. Folders are 0700 and files 0600. Ids are version-7 GUIDs, so they sort by time.
/// </summary>
public sealed class SessionStore
{
    /// <summary>The file that holds a session's records.</summary>
    public const string ContextFileName = "context.jsonl";

    private const int TitleMaxLength = 80;

    public SessionStore(KimiHome home)
    {
        Home = home ?? throw new ArgumentNullException(nameof(home));
    }

    public KimiHome Home { get; }

    /// <summary>The folder name for <paramref name="workDir"/>, e.g. <c>my-app-3f2a9c0d41b7</c>.</summary>
    public static string WorkspaceName(string workDir)
    {
        string full = NormalizeDirectory(workDir);
        string name = Path.GetFileName(full);
        var sanitized = new StringBuilder(name.Length);
        foreach (char c in name)
        {
            sanitized.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_');
        }

        string folder = sanitized.ToString().TrimStart('.');
        if (folder.Length == 0)
        {
            folder = "root";
        }
        else if (folder.Length > 48)
        {
            folder = folder[..48];
        }

        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(full));
        return folder + "-" + Convert.ToHexStringLower(hash)[..12];
    }

    /// <summary>The folder holding the sessions of <paramref name="workDir"/>.</summary>
    public string WorkspaceDirectory(string workDir) => Path.Combine(Home.SessionsDir, WorkspaceName(workDir));

    /// <summary>The sessions of <paramref name="workDir"/>, newest first.</summary>
    public IReadOnlyList<SessionInfo> List(string workDir) => NewestFirst(SessionsIn(WorkspaceDirectory(workDir)));

    /// <summary>Every session of every working directory, newest first.</summary>
    public IReadOnlyList<SessionInfo> ListAll() =>
        Directory.Exists(Home.SessionsDir) ? NewestFirst(Directory.EnumerateDirectories(Home.SessionsDir).SelectMany(SessionsIn)) : [];

    /// <summary>The most recently updated session of <paramref name="workDir"/>, or null.</summary>
    public SessionInfo? Latest(string workDir)
    {
        IReadOnlyList<SessionInfo> sessions = List(workDir);
        return sessions.Count > 0 ? sessions[0] : null;
    }

    /// <summary>Whether a session with this id exists (in any workspace).</summary>
    public bool Exists(string sessionId) => FindContextFile(sessionId) is not null;

    /// <summary>
    /// Copies a session's record under a new id in <paramref name="workDir"/>'s workspace (the header gets the new id,
    /// folder and creation time; the history is unchanged; <paramref name="title"/>, when given, follows it) and returns
    /// the new id; null when there is no such session. This process holds the copy's lock until it <see cref="Release"/>s it.
    /// </summary>
    public string? Fork(string sessionId, string workDir, DateTimeOffset now, string? title = null)
    {
        if (FindContextFile(sessionId) is not { } source)
        {
            return null;
        }

        string[] lines = File.ReadAllLines(source);
        if (lines.Length == 0 || !SessionReader.TryParse(System.Text.Encoding.UTF8.GetBytes(lines[0]), out SessionRecord? header)
            || header is null || header.Type != SessionRecord.HeaderType)
        {
            throw new KimiCodeException(SessionErrorCodes.Corrupt,
                $"The session file {source} has no readable header, so the session cannot be forked. Start a new session.");
        }

        string id = Guid.CreateVersion7(now).ToString();
        SessionLog log = Create(id, workDir, header.Model ?? "", now, header.AdditionalDirs ?? []);
        using (var stream = new FileStream(log.Path, FileMode.Append, FileAccess.Write, FileShare.Read))
        using (var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false)))
        {
            foreach (string line in lines.Skip(1).Where(l => l.Length > 0))
            {
                writer.Write(line);
                writer.Write('\n');
            }
        }

        if (title is not null)
        {
            log.Append(new SessionRecord { Type = SessionRecord.TitleType, Time = now, Title = title });
        }

        return id;
    }

    /// <summary>
    /// Removes a session's folder (its record and everything beside it) and its lock; false when there is no such
    /// session, or <paramref name="confirm"/> said no. A session another process has open is refused
    /// (<see cref="SessionErrorCodes.InUse"/>) and nothing is deleted: the lock is taken first (before
    /// <paramref name="confirm"/> asks), so no other process can open it while it goes.
    /// </summary>
    public bool Delete(string sessionId, Func<bool>? confirm = null)
    {
        if (FindContextFile(sessionId) is not { } path || Path.GetDirectoryName(path) is not { } directory)
        {
            return false;
        }

        string lockPath = AcquireLock(sessionId, "was not deleted");
        try
        {
            if (confirm is not null && !confirm())
            {
                return false;
            }

            Directory.Delete(directory, recursive: true);
        }
        finally
        {
            SessionLocks.Release(lockPath);
        }

        File.Delete(SessionLocks.HolderPath(lockPath));
        File.Delete(lockPath);
        return true;
    }

    /// <summary>
    /// Lets another process open the session: this process's lock on it (taken when it was created or resumed) is
    /// released. Front ends call it when they close a session or switch to another; process exit releases every lock.
    /// </summary>
    public void Release(string sessionId)
    {
        if (IsSessionId(sessionId))
        {
            SessionLocks.Release(LockPath(sessionId));
        }
    }

    /// <summary>The session with this id, or null.</summary>
    public SessionInfo? Get(string sessionId) =>
        FindContextFile(sessionId) is { } path && SessionReader.Read(path) is { } loaded ? Info(loaded) : null;

    /// <summary>
    /// The session <paramref name="idOrPrefix"/> names: a whole id (of any folder), or the start of one (any case),
    /// looked for among <paramref name="workDir"/>'s sessions first and then among every folder's. The one rule for
    /// <c>-S</c>/<c>-r</c>, <c>/resume</c> and <c>kimi sessions</c>.
    /// </summary>
    /// <exception cref="KimiCodeException">
    /// <see cref="SessionErrorCodes.NotFound"/> when nothing matches; <see cref="SessionErrorCodes.Ambiguous"/> when
    /// several do (the message lists them); <see cref="SessionErrorCodes.Corrupt"/> for a whole id whose file has no header.
    /// </exception>
    public SessionInfo Resolve(string idOrPrefix, string workDir)
    {
        ArgumentNullException.ThrowIfNull(idOrPrefix);
        string text = idOrPrefix.Trim();
        if (IsSessionId(text) && FindContextFile(text.ToLowerInvariant()) is { } path)
        {
            return SessionReader.Read(path) is { } loaded ? Info(loaded)
                : throw new KimiCodeException(SessionErrorCodes.Corrupt, $"The session file {path} has no readable header, so the session cannot be opened. Start a new session.");
        }

        List<SessionInfo> matches = text.Length == 0 ? [] : Matching(List(workDir), text);
        if (matches.Count == 0 && text.Length > 0)
        {
            matches = Matching(ListAll(), text);
        }

        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new KimiCodeException(SessionErrorCodes.NotFound,
                $"No session \"{text}\" in this folder or any other; `kimi sessions list` shows this folder's sessions (--all: every folder's)."),
            _ => throw new KimiCodeException(SessionErrorCodes.Ambiguous,
                $"\"{text}\" matches {matches.Count} sessions: {Candidates(matches)}; give more of the id."),
        };
    }

    /// <summary>
    /// Each id's shortest start (at least <paramref name="minimum"/> characters) that no other id in
    /// <paramref name="ids"/> shares, for listings: ids are time-ordered, so sessions started close together share
    /// a long start.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ShortIds(IReadOnlyCollection<string> ids, int minimum = 8)
    {
        string[] sorted = [.. ids.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        var shortIds = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < sorted.Length; i++)
        {
            // In sorted order the longest start an id shares is with one of its two neighbours.
            int shared = Math.Max(i > 0 ? CommonStart(sorted[i - 1], sorted[i]) : 0, i + 1 < sorted.Length ? CommonStart(sorted[i], sorted[i + 1]) : 0);
            int length = Math.Min(sorted[i].Length, Math.Max(minimum, shared + 1));
            if (length < sorted[i].Length && sorted[i][length - 1] == '-')
            {
                length++; // never end on a dash
            }

            shortIds[sorted[i]] = sorted[i][..length];
        }

        return shortIds;
    }

    /// <summary>
    /// A session's conversation as the events a resume replays (prompts, thinking, answers, tool calls and results),
    /// read without opening it: no lock is taken, so a session another process has open can be read too. Null when
    /// there is no such session (or its file has no header).
    /// </summary>
    public IReadOnlyList<AgentEvent>? Transcript(string sessionId) =>
        FindContextFile(sessionId) is { } path && SessionReader.Read(path) is { } loaded ? [.. SessionReplay.Events(loaded.Id, loaded.Messages)] : null;

    /// <summary>Whether <paramref name="text"/> is a session id (a GUID).</summary>
    public static bool IsSessionId(string text) => Guid.TryParseExact(text, "D", out _);

    /// <summary>A new session's folder and header record.</summary>
    internal SessionLog Create(string sessionId, string workDir, string model, DateTimeOffset now, IReadOnlyList<string> additionalDirectories)
    {
        string workspace = WorkspaceDirectory(workDir);
        string directory = Path.Combine(workspace, sessionId);
        KimiHome.EnsureSecretDirectory(Home.Root);
        KimiHome.EnsureSecretDirectory(Home.SessionsDir);
        KimiHome.EnsureSecretDirectory(workspace);
        KimiHome.EnsureSecretDirectory(directory);
        AcquireLock(sessionId, "cannot be created");
        var log = new SessionLog(Path.Combine(directory, ContextFileName));
        log.Append(new SessionRecord
        {
            Type = SessionRecord.HeaderType,
            Time = now,
            Version = SessionRecord.CurrentVersion,
            Id = sessionId,
            WorkDir = NormalizeDirectory(workDir),
            CreatedAt = now,
            Model = model,
            AdditionalDirs = additionalDirectories.Count > 0 ? [.. additionalDirectories] : null,
        });
        return log;
    }

    /// <summary>
    /// Loads a session for resuming; the file's torn tail, if any, is repaired first. When it is opened with other
    /// <paramref name="additionalDirectories"/> than it last had, a <c>directories</c> record says so (listings show them).
    /// </summary>
    internal (LoadedSession Session, SessionLog Log) Open(string sessionId, IReadOnlyList<string> additionalDirectories, DateTimeOffset now)
    {
        string path = FindContextFile(sessionId)
            ?? throw new KimiCodeException(SessionErrorCodes.NotFound,
                $"No session '{sessionId}' in {Home.SessionsDir}; `kimi sessions list` shows this folder's sessions (--all: every folder's), or start a new session.");
        AcquireLock(sessionId, "cannot be resumed"); // before the repair: a live writer's half-written line is not a torn tail
        var log = new SessionLog(path);
        log.RepairTail();
        LoadedSession loaded = SessionReader.Read(path)
            ?? throw new KimiCodeException(SessionErrorCodes.Corrupt,
                $"The session file {path} has no readable header, so the session cannot be resumed. Start a new session.");
        if (!loaded.AdditionalDirectories.SequenceEqual(additionalDirectories, StringComparer.Ordinal))
        {
            log.Append(new SessionRecord { Type = SessionRecord.DirectoriesType, Time = now, AdditionalDirs = [.. additionalDirectories] });
        }

        return (loaded, log);
    }

    /// <summary>The title for a first prompt: its first non-empty line, 80 characters at most; empty when the prompt is blank.</summary>
    public static string TitleFor(string prompt)
    {
        string line = prompt.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "";
        return line.Length <= TitleMaxLength ? line : line[..(TitleMaxLength - 1)] + "…";
    }

    /// <summary>Where the lock of <paramref name="sessionId"/> lives: outside the session folder (see <see cref="SessionLocks"/>).</summary>
    internal string LockPath(string sessionId) => Path.Combine(Home.Root, "locks", "sessions", sessionId + ".lock");

    private string AcquireLock(string sessionId, string whatFor)
    {
        string lockPath = LockPath(sessionId);
        KimiHome.EnsureSecretDirectory(Home.Root);
        KimiHome.EnsureSecretDirectory(Path.GetDirectoryName(Path.GetDirectoryName(lockPath)!)!);
        KimiHome.EnsureSecretDirectory(Path.GetDirectoryName(lockPath)!);
        SessionLocks.Acquire(lockPath, sessionId, whatFor);
        return lockPath;
    }

    private static IEnumerable<SessionInfo> SessionsIn(string workspaceDirectory)
    {
        if (!Directory.Exists(workspaceDirectory))
        {
            yield break;
        }

        foreach (string sessionDirectory in Directory.EnumerateDirectories(workspaceDirectory))
        {
            if (IsSessionId(Path.GetFileName(sessionDirectory))
                && SessionReader.Read(Path.Combine(sessionDirectory, ContextFileName)) is { } loaded)
            {
                yield return Info(loaded);
            }
        }
    }

    private static List<SessionInfo> Matching(IReadOnlyList<SessionInfo> sessions, string prefix) =>
        [.. sessions.Where(s => s.Id.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))];

    private static string Candidates(List<SessionInfo> matches)
    {
        const int Listed = 5;
        IReadOnlyDictionary<string, string> shortIds = ShortIds([.. matches.Select(m => m.Id)]);
        string listed = string.Join(", ", matches.Take(Listed).Select(m => m.Title.Length > 0 ? $"{shortIds[m.Id]} ({Shorten(m.Title)})" : shortIds[m.Id]));
        return matches.Count > Listed ? $"{listed} and {matches.Count - Listed} more" : listed;
    }

    private static string Shorten(string title) => title.Length <= 30 ? title : title[..29] + "…";

    private static int CommonStart(string a, string b)
    {
        int n = 0;
        while (n < a.Length && n < b.Length && a[n] == b[n])
        {
            n++;
        }

        return n;
    }

    private static List<SessionInfo> NewestFirst(IEnumerable<SessionInfo> sessions) =>
        [.. sessions.OrderByDescending(s => s.Updated).ThenByDescending(s => s.Id, StringComparer.Ordinal)];

    private string? FindContextFile(string sessionId)
    {
        if (!IsSessionId(sessionId) || !Directory.Exists(Home.SessionsDir))
        {
            return null;
        }

        foreach (string workspace in Directory.EnumerateDirectories(Home.SessionsDir))
        {
            string path = Path.Combine(workspace, sessionId, ContextFileName);
            if (File.Exists(path))
            {
                return path;
            }
        }

        return null;
    }

    private static SessionInfo Info(LoadedSession loaded) =>
        new(loaded.Id, loaded.Title, loaded.CreatedAt, loaded.Updated, loaded.Messages.Count, loaded.WorkDir, loaded.Model)
        {
            AdditionalDirectories = loaded.AdditionalDirectories,
        };

    private static string NormalizeDirectory(string workDir)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workDir);
        string full = Path.GetFullPath(workDir);
        string trimmed = Path.TrimEndingDirectorySeparator(full);
        return trimmed.Length == 0 ? full : trimmed;
    }
}
