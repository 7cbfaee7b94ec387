using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace KimiCode.Agent.Prompts;

/// <summary>The default system prompt: who the agent is, where it runs, how to use the tools, and the project's AGENTS.md files.</summary>
public static class SystemPrompt
{
    /// <summary>Builds the prompt for <paramref name="workingDirectory"/>.</summary>
    /// <param name="platform">The OS, e.g. <c>Linux 6.1 (x64)</c>.</param>
    /// <param name="agentsFiles">Project instructions, root first (see <see cref="AgentsFile.Discover"/>).</param>
    public static string Build(string workingDirectory, string platform, DateOnly today, IReadOnlyList<AgentsFile> agentsFiles)
    {
        ArgumentNullException.ThrowIfNull(agentsFiles);
        var text = new StringBuilder();
        text.Append("""
            You are Kimi Code, an interactive coding agent running in the user's terminal. You help with
            software engineering tasks: reading and changing code, running commands, finding and fixing bugs,
            explaining code. Be concise and direct: short answers, no filler, no repeating the question. Use
            Markdown only where it helps (code blocks, short lists). Do what was asked; nothing more, nothing less.

            # Environment
            """);
        text.Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"- Working directory: {workingDirectory}\n");
        text.Append(CultureInfo.InvariantCulture, $"- Platform: {platform}\n");
        text.Append(CultureInfo.InvariantCulture, $"- Today's date: {today:yyyy-MM-dd}\n");
        text.Append('\n');
        text.Append("""
            # Working with tools
            - Relative paths resolve against the working directory; prefer paths inside it.
            - Read a file before you edit it, and keep its style (indentation, naming, comments).
            - Edit replaces `old_string` with `new_string`: `old_string` must match the file exactly (whitespace
              included) and occur exactly once; include enough surrounding lines to make it unique. Use Write only
              for new files or complete rewrites.
            - To find files use Glob, to search contents use Grep; do not run `find`, `grep`, `cat` or `ls -R`
              through Bash for that. Use Bash for builds, tests, git and other commands.
            - Independent read-only calls (Read, Glob, Grep) can be made together in one response; they run in parallel.
            - For multi-step work keep a plan with TodoWrite and update it as you go.
            - If a tool call fails or is denied, do not repeat the same call: read the error and try something else,
              or ask the user.
            - Never invent file contents or command output; check with the tools.
            - After changing code, run the relevant build or tests when you can, and report what you verified.
            """);
        text.Append('\n');

        if (agentsFiles.Count > 0)
        {
            text.Append('\n');
            text.Append("""
                # Project instructions (AGENTS.md)
                The project provides these instructions, from the repository root down to the working directory.
                Follow them; a deeper file takes precedence over a shallower one where they conflict.
                """);
            text.Append('\n');
            foreach (AgentsFile file in agentsFiles)
            {
                text.Append(CultureInfo.InvariantCulture, $"\n## {file.Path}\n\n");
                text.Append(file.Content.TrimEnd());
                text.Append('\n');
            }
        }

        return text.ToString();
    }

    /// <summary>The prompt for <paramref name="workingDirectory"/> on this machine today, with its AGENTS.md files.</summary>
    public static string ForWorkingDirectory(string workingDirectory, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        DateOnly today = DateOnly.FromDateTime(time.GetLocalNow().DateTime);
        return Build(workingDirectory, Platform(), today, AgentsFile.Discover(workingDirectory));
    }

    /// <summary>e.g. <c>Linux 6.1.0-18-amd64 (X64)</c>.</summary>
    public static string Platform() =>
        string.Create(CultureInfo.InvariantCulture, $"{RuntimeInformation.OSDescription} ({RuntimeInformation.OSArchitecture})");
}
