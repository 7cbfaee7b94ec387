namespace KimiCode.Acp.Schema;

/// <summary>The ACP v1 method names, as they appear in <c>method</c>.</summary>
public static class AcpMethods
{
    // Agent methods: the client calls them.
    public const string Initialize = "initialize";
    public const string Authenticate = "authenticate";
    public const string Logout = "logout";
    public const string SessionNew = "session/new";
    public const string SessionLoad = "session/load";
    public const string SessionResume = "session/resume";
    public const string SessionList = "session/list";
    public const string SessionClose = "session/close";
    public const string SessionDelete = "session/delete";
    public const string SessionFork = "session/fork";
    public const string SessionPrompt = "session/prompt";
    public const string SessionSetMode = "session/set_mode";
    public const string SessionSetConfigOption = "session/set_config_option";

    /// <summary>Notification from the client: stop the session's running prompt.</summary>
    public const string SessionCancel = "session/cancel";

    // Client methods: the agent calls them.
    public const string SessionUpdate = "session/update";
    public const string SessionRequestPermission = "session/request_permission";
    public const string FsReadTextFile = "fs/read_text_file";
    public const string FsWriteTextFile = "fs/write_text_file";
    public const string TerminalCreate = "terminal/create";
    public const string TerminalOutput = "terminal/output";
    public const string TerminalWaitForExit = "terminal/wait_for_exit";
    public const string TerminalKill = "terminal/kill";
    public const string TerminalRelease = "terminal/release";

    /// <summary>Notification either way: the sender no longer waits for the request <c>requestId</c>.</summary>
    public const string CancelRequest = "$/cancel_request";
}
