using System.Globalization;
using System.Text;
using System.Text.Json;
using KimiCode.Agent.Tools;

namespace KimiCode.Agent.Skills;

/// <summary>
/// <c>Skill</c>: the model loads a skill's instructions (<c>skill</c>, optional <c>args</c>). Its description lists the
/// skills the model may load (name, description, when to use); flow skills and skills with
/// <c>disableModelInvocation</c> are neither listed nor loadable. Loads per turn are capped at
/// <see cref="SkillNesting.MaxDepth"/>. Reads nothing from disk when called, so it never asks for permission.
/// </summary>
public sealed class SkillTool : IAgentTool
{
    private static readonly ToolParameter<string> SkillName = Required.NonEmptyString(
        "skill", "The exact name of the skill to load, as the listing in this tool's description spells it.");

    private static readonly ToolParameter<string?> Args = Optional.String(
        "args", "Arguments for the skill, written like a command line (quotes group words); they fill the skill's placeholders. Omit when there is nothing to pass.");

    private static readonly ToolParameters Parameters = new(SkillName, Args);

    private readonly SkillCatalog _catalog;

    public SkillTool(SkillCatalog catalog)
    {
        _catalog = catalog ?? throw new ArgumentNullException(nameof(catalog));
        var text = new StringBuilder("""
            Loads a skill: instructions for a task or a workflow, written by the user or the project. When a skill in the
            listing below fits the user's request, call this tool before doing the work, then follow what it returns. Do not
            load a skill again with the same args if its <skill-loaded> block is already in the conversation; do load it
            again when you need it with different args.

            Skills:
            """);
        foreach (var skill in catalog.ModelInvocable)
        {
            text.Append("\n- ").Append(skill.Name).Append(": ").Append(skill.Description);
            if (!string.IsNullOrWhiteSpace(skill.WhenToUse))
            {
                text.Append(" (when: ").Append(skill.WhenToUse.Trim()).Append(')');
            }
        }

        Description = text.ToString();
    }

    /// <summary>True when the model has at least one skill to load (otherwise the tool is not worth offering).</summary>
    public bool HasSkills => _catalog.ModelInvocable.Any();

    /// <inheritdoc />
    public string Name => "Skill";

    /// <inheritdoc />
    public string Description { get; }

    /// <inheritdoc />
    public JsonElement ParametersSchema => Parameters.Schema;

    /// <inheritdoc />
    public ToolPreparation Prepare(JsonElement arguments, ToolContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!Parameters.TryParse(arguments, Name, out var args, out var error))
        {
            return ToolPreparation.Fail(error);
        }

        var name = args.Get(SkillName);
        if (_catalog.Find(name) is not { } skill)
        {
            return ToolPreparation.Fail($"There is no skill named \"{name}\". Load one of: {string.Join(", ", _catalog.ModelInvocable.Select(s => s.Name))}.");
        }

        if (!skill.ModelInvocable)
        {
            return ToolPreparation.Fail($"The skill \"{skill.Name}\" can only be started by the user (/skill:{skill.Name}); do not load it yourself.");
        }

        var skillArgs = args.Get(Args) ?? "";
        var nesting = context.SkillNesting;
        return ToolPreparation.Ok(new PreparedCall((_, _) => Task.FromResult(Load(skill, skillArgs, nesting)))
        {
            Title = $"Skill {skill.Name}",
            Kind = ToolKind.Think,
            Action = PermissionAction.None,
        });
    }

    private static ToolResult Load(Skill skill, string args, SkillNesting? nesting)
    {
        var depth = nesting?.Enter() ?? 1;
        if (depth > SkillNesting.MaxDepth)
        {
            return ToolResult.Error(string.Create(CultureInfo.InvariantCulture,
                $"Not loaded: skills were already loaded {SkillNesting.MaxDepth} times in this turn, the most one turn may nest. Carry on with the instructions you have."));
        }

        return ToolResult.Success(SkillPrompt.ForModel(skill, args, nested: depth > 1));
    }
}
