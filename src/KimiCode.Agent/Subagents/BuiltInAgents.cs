namespace KimiCode.Agent.Subagents;

/// <summary>The built-in agents, as the official client has them (tool lists from its profiles).</summary>
internal static class BuiltInAgents
{
    private const string Framing = """
        You are now running as a subagent. Every user message comes from the main agent, your caller, not from the user.
        The main agent cannot see your work; it sees only your last message. Do not ask the user anything: when something
        is unclear, say so in your final message. Your final message is the entire handoff: make it complete and
        self-contained (what you found or changed, the path of every file involved, how you checked it, what is left).
        """;

    public static AgentProfile Coder { get; } = new()
    {
        Name = "coder",
        Description = "General software engineering agent, the only built-in type that edits files; use it for any delegated task that must change code.",
        WhenToUse = "Non-trivial work that may read files, edit code and run commands, returning a compact but complete summary.",
        Prompt = Framing,
        Subagents = [],
    };

    public static AgentProfile Explore { get; } = ReadOnly(
        "explore",
        "Fast read-only codebase exploration: finds files, searches code, reads and summarises; never changes anything.",
        "Questions about the codebase that need more than a few searches; start several at once for independent questions, and say how thorough to be.",
        """
        You are a codebase exploration specialist: search, read and analyse. You have no tools that change files or run
        commands. Use Glob for file patterns, Grep for contents, Read for known paths; make independent calls together.
        Report your findings clearly and in a structured way.
        """);

    public static AgentProfile Plan { get; } = ReadOnly(
        "plan",
        "Read-only implementation planning and architecture design; no shell, no edits.",
        "When a step-by-step implementation plan, the key files and the trade-offs are needed before code changes.",
        """
        You are a read-only planning agent: you can read and search files and consult the web, but you have no shell and
        no file-editing tools. State what you know, what remains unanswered (the caller may send an explore agent), and
        your implementation plan. The plan itself, as your final message, is your deliverable.
        """);

    public static IReadOnlyList<AgentProfile> All { get; } = [Coder, Explore, Plan];

    /// <summary>An agent that reads and searches (files and the web) and nothing else: the official explore and plan tool sets, less Bash.</summary>
    private static AgentProfile ReadOnly(string name, string description, string whenToUse, string role) => new()
    {
        Name = name,
        Description = description,
        WhenToUse = whenToUse,
        Tools = ["Read", "ReadMediaFile", "Glob", "Grep", "WebSearch", "FetchURL"],
        Prompt = Framing + "\n\n" + role,
        Subagents = [],
    };
}
