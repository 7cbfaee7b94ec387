using KimiCode.Agent.Skills;

namespace KimiCode.Cli.Shell.Commands;

/// <summary>
/// <c>/skill:&lt;name&gt; args</c> (and a built-in skill's plain <c>/&lt;name&gt;</c>, such as <c>/init</c>): sends the
/// skill, its placeholders filled from the arguments, to the agent as this turn's prompt.
/// </summary>
internal sealed class SkillCommand(string name, Skill skill) : IShellCommand
{
    /// <summary>The commands of <paramref name="catalog"/>: <c>/skill:name</c> for each skill, <c>/name</c> for each built-in name.</summary>
    public static IEnumerable<SkillCommand> For(SkillCatalog catalog) => catalog.Commands().Select(c => new SkillCommand(c.Command, c.Skill));

    public string Name => name;

    public string ArgumentHint => skill.Arguments.Count > 0 ? string.Join(' ', skill.Arguments.Select(a => $"<{a}>")) : "[text]";

    public string Help => skill.Description;

    public Task<CommandResult> ExecuteAsync(ShellContext context, string arguments, CancellationToken cancellationToken) =>
        context.RunPromptAsync(SkillPrompt.ForUser(skill, arguments), cancellationToken);
}
