namespace KimiCode.Hosting;

/// <summary>
/// Every stable <c>cli.*</c> error code: what the user asked a front end for cannot be done as asked (a bad flag
/// value, a missing prompt, an unknown slash command). Here rather than in the executable because the shared
/// composition (<see cref="AgentSessionFactory"/>) checks launch options too. docs/errors.md explains each.
/// </summary>
public static class CliErrorCodes
{
    /// <summary>A command-line option or argument is missing or invalid.</summary>
    public const string Usage = "cli.usage";

    /// <summary>A print-mode prompt too large for the model's context window; refused before anything is sent or saved.</summary>
    public const string PromptTooLarge = "cli.prompt_too_large";

    /// <summary>A slash command the shell does not know.</summary>
    public const string UnknownCommand = "cli.unknown_command";

    /// <summary>A <c>/skill:name</c> prompt names no skill (print mode, ACP).</summary>
    public const string UnknownSkill = "cli.unknown_skill";

    /// <summary>Ctrl-G in the shell found no external editor ($VISUAL, $EDITOR, vi, nano).</summary>
    public const string NoEditor = "cli.no_editor";

    /// <summary><c>kimi mcp login</c> did not end with a working login (refused, timed out, the server is not HTTP).</summary>
    public const string McpLoginFailed = "mcp.login_failed";

    /// <summary>Codes a command-line front end exits 2 for (usage: the command line asked for something that cannot be done as given).</summary>
    public static bool IsUsage(string code) => code is Usage or PromptTooLarge or UnknownSkill;
}
