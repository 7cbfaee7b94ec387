using System.Diagnostics.CodeAnalysis;
using KimiCode.Agent.Permissions;

namespace KimiCode.Cli.Shell.Commands;

/// <summary>
/// The slash commands the shell knows, in the order <c>/help</c> lists them. <c>/help</c>, Tab completion and
/// dispatch all read this set, so a command added while the shell runs (a skill's <c>/skill:name</c>) is listed,
/// completed and run like a built-in one.
/// </summary>
internal sealed class CommandSet
{
    private readonly Lock _gate = new();
    private IShellCommand[] _commands = []; // replaced, never changed: readers need no lock

    /// <summary>Every command, in the order they were added.</summary>
    public IReadOnlyList<IShellCommand> All => _commands;

    /// <summary>The built-in commands.</summary>
    public static CommandSet CreateBuiltIn()
    {
        var set = new CommandSet();
        set.Add(new HelpCommand());
        set.Add(new ShellLoginCommand());
        set.Add(new ShellLogoutCommand());
        set.Add(new ModelCommand());
        set.Add(new StatusCommand());
        set.Add(new UsageCommand());
        set.Add(new McpStatusCommand());
        set.Add(new SessionsCommand());
        set.Add(new ResumeCommand());
        set.Add(new NewCommand());
        set.Add(new RenameCommand());
        set.Add(new ForkCommand());
        set.Add(new CompactCommand());
        set.Add(new AddDirCommand());
        set.Add(new ModeCommand("yolo", PermissionMode.Yolo, "toggle yolo mode: every tool call runs without asking (deny rules still apply)"));
        set.Add(new ModeCommand("plan", PermissionMode.Plan, "toggle plan mode: read-only, edits and commands are refused"));
        set.Add(new ThinkingCommand());
        set.Add(new CopyCommand());
        set.Add(new ClearCommand());
        set.Add(new ExitCommand());
        return set;
    }

    /// <summary>Adds <paramref name="command"/>; its name and aliases must be new.</summary>
    public void Add(IShellCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        lock (_gate)
        {
            foreach (var name in command.Aliases.Prepend(command.Name))
            {
                if (Find(name) is { } taken)
                {
                    throw new InvalidOperationException($"/{name} is already taken by /{taken.Name}.");
                }
            }

            _commands = [.. _commands, command];
        }
    }

    /// <summary>The command called <paramref name="name"/> (or with that alias); null when there is none.</summary>
    public IShellCommand? Find(string name) =>
        Array.Find(_commands, c => Matches(c.Name, name) || c.Aliases.Any(a => Matches(a, name)));

    /// <summary>The names with their slash, for Tab completion.</summary>
    public IReadOnlyList<string> Completions() => _commands.Select(c => "/" + c.Name).ToList();

    /// <summary>How <c>/help</c> shows <paramref name="command"/>: <c>/model [alias]</c>.</summary>
    public static string Usage(IShellCommand command) =>
        command.ArgumentHint.Length > 0 ? $"/{command.Name} {command.ArgumentHint}" : "/" + command.Name;

    /// <summary>
    /// True when <paramref name="input"/> is a command line (see <see cref="SlashCommand.TryParse"/>), known or not.
    /// A name with a colon is a command only when it is registered (or a <c>/skill:</c> one, so a misspelt skill is
    /// reported, not sent): <c>/note:</c> in prose stays a prompt.
    /// </summary>
    public bool TryParse(string input, [NotNullWhen(true)] out SlashCommand? line)
    {
        if (SlashCommand.TryParse(input, out line)
            && (!line.Name.Contains(':', StringComparison.Ordinal) || line.Name.StartsWith("skill:", StringComparison.OrdinalIgnoreCase) || Find(line.Name) is not null))
        {
            return true;
        }

        line = null;
        return false;
    }

    private static bool Matches(string name, string typed) => string.Equals(name, typed, StringComparison.OrdinalIgnoreCase);
}
