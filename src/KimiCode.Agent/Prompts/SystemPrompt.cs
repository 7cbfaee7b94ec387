using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace KimiCode.Agent.Prompts;

/// <summary>The default system prompt: who the agent is, where it runs, how to use the tools, and the project's AGENTS.md files.</summary>
public static partial class SystemPrompt
{
    /// <summary>The name the agent calls itself unless <c>[identity] name</c> says otherwise.</summary>
    public const string DefaultProductName = "Kimi Code";

    /// <summary>Builds the prompt for <paramref name="workingDirectory"/>.</summary>
    /// <param name="platform">The OS, e.g. <c>Linux 6.1 (x64)</c>.</param>
    /// <param name="agentsFiles">Project instructions, root first (see <see cref="AgentsFile.Discover"/>).</param>
    /// <param name="productName">The name the agent calls itself (<c>[identity] name</c>); null = <see cref="DefaultProductName"/>.</param>
    public static string Build(string workingDirectory, string platform, DateOnly today, IReadOnlyList<AgentsFile> agentsFiles, string? productName = null)
    {
        ArgumentNullException.ThrowIfNull(agentsFiles);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"You are {productName ?? DefaultProductName}, ");
        text.Append("""
            an interactive coding agent running in the user's terminal. You help with
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
                The user and the project provide these instructions: global files first, then from the repository root
                down to the working directory. Follow them; a later file takes precedence over an earlier one where they conflict.
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

    /// <summary>The prompt for <paramref name="workingDirectory"/> on this machine today, with its instruction files.</summary>
    /// <param name="kimiHome">The data folder, for <c>AGENTS.md</c> and <c>SYSTEM.md</c> there; null skips them.</param>
    /// <param name="userHome">The user's home folder, for <c>~/.agents/AGENTS.md</c>; null skips it.</param>
    /// <param name="productName">The name the agent calls itself; null = <see cref="DefaultProductName"/>.</param>
    public static string ForWorkingDirectory(string workingDirectory, TimeProvider time, string? kimiHome = null, string? userHome = null, string? productName = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        return Compose(workingDirectory, Platform(), time.GetLocalNow(), Instructions.Load(workingDirectory, kimiHome, userHome), productName);
    }

    /// <summary>
    /// The system prompt: the built-in one (<see cref="Build"/>), or, when the user wrote a <c>SYSTEM.md</c>, that file in
    /// its place, as the official client does: it replaces the prompt in full, and its <c>${name}</c> placeholders are
    /// filled in (<c>${agents_md}</c> the instruction files, <c>${base_prompt}</c> the built-in prompt, <c>${cwd}</c>,
    /// <c>${os}</c>, <c>${now}</c>, <c>${product_name}</c>; the official variables this client has nothing for, such as
    /// <c>${skills}</c>, become empty; any other <c>${…}</c> stays as written). Instructions reach a <c>SYSTEM.md</c> prompt
    /// only through <c>${agents_md}</c> or <c>${base_prompt}</c>.
    /// </summary>
    public static string Compose(string workingDirectory, string platform, DateTimeOffset now, Instructions instructions, string? productName = null)
    {
        ArgumentNullException.ThrowIfNull(instructions);
        string basePrompt = Build(workingDirectory, platform, DateOnly.FromDateTime(now.DateTime), instructions.AgentsFiles, productName);
        if (instructions.SystemFile is not { } system)
        {
            return basePrompt;
        }

        string agentsMd = string.Join("\n\n", instructions.AgentsFiles.Select(static file => $"<!-- From: {file.Path} -->\n{file.Content}"));
        return Placeholder().Replace(system.Content, match => match.Groups[1].Value switch
        {
            "agents_md" => agentsMd,
            "base_prompt" => basePrompt,
            "cwd" => workingDirectory,
            "os" => platform,
            "now" => now.ToString("O", CultureInfo.InvariantCulture),
            "product_name" => productName ?? DefaultProductName,
            "skills" or "cwd_listing" or "shell" or "additional_dirs_info" or "plugin_sections" or "windows_notes"
                or "additional_dirs_section" or "skills_section" => string.Empty,
            _ => match.Value,
        });
    }

    [GeneratedRegex(@"\$\{([a-z_]+)\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();

    /// <summary>e.g. <c>Linux 6.1.0-18-amd64 (X64)</c>.</summary>
    public static string Platform() =>
        string.Create(CultureInfo.InvariantCulture, $"{RuntimeInformation.OSDescription} ({RuntimeInformation.OSArchitecture})");
}
