using System.Text;
using System.Text.Json;

namespace KimiCode.Agent.Tools;

/// <summary><c>TodoWrite</c>: replaces the session's plan (<see cref="TodoList"/>). Never asks for permission.</summary>
public sealed class TodoWriteTool : IAgentTool
{
    private static readonly ToolParameter<string> Content = Required.NonEmptyString("content", "The task, in the imperative (\"Run the tests\").");
    private static readonly ToolParameter<string> Status = Required.StringEnum("status", ["pending", "in_progress", "completed"], null);
    private static readonly ToolParameter<string?> ActiveForm = Optional.String("activeForm", "The task in present continuous, shown while it runs (\"Running the tests\").");
    private static readonly ToolParameter<IReadOnlyList<ToolArguments>> Todos = Required.Array(
        "todos", new ToolParameters(Content, Status, ActiveForm), "The whole updated list (it replaces the previous one).");

    private static readonly ToolParameters Parameters = new(Todos);

    private readonly TodoList _todos;

    /// <summary>A tool that writes to <paramref name="todos"/>.</summary>
    public TodoWriteTool(TodoList todos)
    {
        _todos = todos ?? throw new ArgumentNullException(nameof(todos));
    }

    /// <inheritdoc />
    public string Name => "TodoWrite";

    /// <inheritdoc />
    public string Description => """
        Writes the plan for the current task as a todo list the user can follow. Use it for work with three or more
        steps: add the steps, keep exactly one in_progress while working, mark each completed as soon as it is done,
        and add steps you discover. Every call sends the whole list. Not needed for a single simple step.
        """;

    /// <inheritdoc />
    public JsonElement ParametersSchema => Parameters.Schema;

    /// <inheritdoc />
    public ToolPreparation Prepare(JsonElement arguments, ToolContext context)
    {
        if (!Parameters.TryParse(arguments, Name, out var args, out var error))
        {
            return ToolPreparation.Fail(error);
        }

        var items = args.Get(Todos)
            .Select(item => new TodoItem(item.Get(Content), item.Get(Status), NullIfBlank(item.Get(ActiveForm))))
            .ToArray();
        return ToolPreparation.Ok(new PreparedCall((_, _) => Task.FromResult(Execute(items)))
        {
            Title = "Update plan",
            Kind = ToolKind.Think,
            Action = PermissionAction.None,
        });
    }

    private static string? NullIfBlank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;

    private ToolResult Execute(TodoItem[] items)
    {
        _todos.Replace(items);
        var text = new StringBuilder(items.Length == 0 ? "The todo list is now empty." : "Todo list updated:\n");
        foreach (var item in items)
        {
            var mark = item.Status switch
            {
                "completed" => "[x]",
                "in_progress" => "[>]",
                _ => "[ ]",
            };
            text.Append(mark).Append(' ').Append(item.Content).Append('\n');
        }

        return ToolResult.Success(text.ToString().TrimEnd('\n'), new PlanDisplay(items));
    }
}
