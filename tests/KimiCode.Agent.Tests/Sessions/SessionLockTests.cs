using KimiCode.Agent.Sessions;
using KimiCode.Agent.Tests.Support;
using KimiCode.Protocol;

namespace KimiCode.Agent.Tests.Sessions;

/// <summary>One process per session; "another process" is the test holding the lock (<see cref="SessionLockFiles"/>).</summary>
public sealed class SessionLockTests
{
    [Fact]
    public async Task Create_LockHeldOutsideTheSessionFolder_EveryFileThereStaysReadable()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        AgentSession session = await h.CreateSessionAsync();
        await AgentHarness.RunAsync(session, "hello");
        string lockPath = h.Store.LockPath(session.Id);

        Assert.StartsWith(Path.Combine(h.Home.Root, "locks", "sessions") + Path.DirectorySeparatorChar, lockPath, StringComparison.Ordinal);
        Assert.True(SessionLockFiles.IsHeld(lockPath), "the session's lock should be held while it is open");
        foreach (string file in Directory.EnumerateFiles(h.Home.SessionsDir, "*", SearchOption.AllDirectories))
        {
            Assert.NotEmpty(File.ReadAllText(file)); // a file held without sharing could not be read
        }

        Assert.Equal(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), File.ReadAllText(Path.ChangeExtension(lockPath, ".pid")).Trim());
        h.Store.Release(session.Id);
        Assert.False(SessionLockFiles.IsHeld(lockPath), "Release should let the lock go");
    }

    [Fact]
    public async Task Resume_OpenInAnotherProcess_InUseNamingItsPidAndTheFileIsUntouched()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        AgentSession session = await h.CreateSessionAsync();
        await AgentHarness.RunAsync(session, "hello");
        h.Store.Release(session.Id);
        string contextFile = Path.Combine(h.Store.WorkspaceDirectory(h.WorkDir), session.Id, SessionStore.ContextFileName);
        File.AppendAllText(contextFile, "{\"type\":\"message\",\"message\":{\"role\":\"us"); // another writer's half-written line
        byte[] before = File.ReadAllBytes(contextFile);

        using (SessionLockFiles.HoldAsAnotherProcess(h.Store.LockPath(session.Id), pid: 4242))
        {
            var refused = await Assert.ThrowsAsync<KimiCodeException>(() => AgentSession.ResumeAsync(h.Options(), session.Id, AgentHarness.Ct));

            Assert.Equal(SessionErrorCodes.InUse, refused.Code);
            Assert.Contains($"Session {session.Id} is open in another kimi process (pid 4242), so it cannot be resumed", refused.Message, StringComparison.Ordinal);
            Assert.Contains($"read it meanwhile with `kimi sessions show {session.Id}`", refused.Message, StringComparison.Ordinal);
            Assert.Contains("start a new session here", refused.Message, StringComparison.Ordinal);
            Assert.Equal(before, File.ReadAllBytes(contextFile)); // the live writer's line is not "repaired" away
        }

        AgentSession resumed = await AgentSession.ResumeAsync(h.Options(), session.Id, AgentHarness.Ct);
        Assert.Equal(2, resumed.History.Count);
    }

    [Fact]
    public async Task Delete_OpenInAnotherProcess_RefusedAndNothingDeleted_ThenDeletedWithItsLock()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        var (id, lockPath) = await ClosedSessionAsync(h);

        using (SessionLockFiles.HoldAsAnotherProcess(lockPath, pid: 777))
        {
            var refused = Assert.Throws<KimiCodeException>(() => h.Store.Delete(id));

            Assert.Equal(SessionErrorCodes.InUse, refused.Code);
            Assert.Contains("(pid 777), so it was not deleted", refused.Message, StringComparison.Ordinal);
            Assert.True(h.Store.Exists(id));
        }

        Assert.True(h.Store.Delete(id));
        Assert.False(h.Store.Exists(id));
        Assert.False(File.Exists(lockPath));
        Assert.False(File.Exists(Path.ChangeExtension(lockPath, ".pid")));
    }

    [Fact]
    public async Task Resume_LockCannotBeCreated_WriteFailedNotInUse()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        var (id, lockPath) = await ClosedSessionAsync(h);
        File.Delete(lockPath);
        Directory.CreateDirectory(lockPath); // in the way of the lock file: no process holds anything

        var failed = await Assert.ThrowsAsync<KimiCodeException>(() => AgentSession.ResumeAsync(h.Options(), id, AgentHarness.Ct));

        Assert.Equal(SessionErrorCodes.WriteFailed, failed.Code);
        Assert.Contains($"The lock of session {id} ({lockPath}) could not be created", failed.Message, StringComparison.Ordinal);
        Assert.Contains("fix the permissions of", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resume_SameProcessAgain_KeepsTheLockAndSucceeds()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        AgentSession session = await h.CreateSessionAsync();

        AgentSession again = await AgentSession.ResumeAsync(h.Options(), session.Id, AgentHarness.Ct);

        Assert.Equal(session.Id, again.Id);
        Assert.True(SessionLockFiles.IsHeld(h.Store.LockPath(session.Id)));
        Assert.Equal(SessionLockFiles.PathFor(h.Home.Root, session.Id), h.Store.LockPath(session.Id));
    }

    /// <summary>A session this process created and then let go of (as when it is closed), and the path of its lock.</summary>
    private static async Task<(string Id, string LockPath)> ClosedSessionAsync(AgentHarness h)
    {
        AgentSession session = await h.CreateSessionAsync();
        h.Store.Release(session.Id);
        return (session.Id, h.Store.LockPath(session.Id));
    }
}
