using System.Text;
using System.Text.Json;

namespace KimiCode.Agent.Tools;

/// <summary><c>TodoWrite</c>: replaces the session's plan (<see cref="TodoList"/>). Never asks for permission.</summary>
public sealed class TodoWriteTool : IAgentTool
{
    private static readonly string[] Names = ["todos"];
    private static readonly string[] ItemNames = ["content", "status", "activeForm"];
    private static readonly string[] Statuses = ["pending", "in_progress", "completed"];

    private static readonly JsonElement Schema = JsonDocument.Parse("""
        {
          "type": "object",
          "properties": {
            "todos": {
              "type": "array",
              "description": "The whole updated list (it replaces the previous one).",
              "items": {
                "type": "object",
                "properties": {
                  "content": { "type": "string", "minLength": 1, "description": "The task, in the imperative (\"Run the tests\")." },
                  "status": { "type": "string", "enum": ["pending", "in_progress", "completed"] },
                  "activeForm": { "type": "string", "description": "The task in present continuous, shown while it runs (\"Running the tests\")." }
                },
                "required": ["content", "status"],
                "additionalProperties": false
              }
            }
          },
          "required": ["todos"],
          "additionalProperties": false
        }
        """).RootElement.Clone();

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
    public JsonElement ParametersSchema => Schema;

    /// <inheritdoc />
    public ToolPreparation Prepare(JsonElement arguments, ToolContext context)
    {
        var args = new ToolArguments(arguments, Name, Names);
        var raw = args.Raw("todos");
        if (args.Error is { } error)
        {
            return ToolPreparation.Fail(error);
        }

        if (raw is not { } todos)
        {
            return ToolPreparation.Fail($"{Name}: the required argument 'todos' (an array of {{content, status, activeForm?}} objects) is missing.");
        }

        if (todos.ValueKind != JsonValueKind.Array)
        {
            return ToolPreparation.Fail($"{Name}: argument 'todos' must be an array of {{content, status, activeForm?}} objects; got {ToolArguments.Describe(todos)}.");
        }

        var items = new List<TodoItem>();
        var index = 0;
        foreach (var element in todos.EnumerateArray())
        {
            var where = $"todos[{index}]";
            var item = new ToolArguments(element, $"{Name}: {where}", ItemNames);
            var content = item.RequiredString("content");
            var status = item.RequiredString("status");
            var activeForm = item.OptionalString("activeForm");
            if (item.Error is { } itemError)
            {
                return ToolPreparation.Fail(itemError);
            }

            if (string.IsNullOrWhiteSpace(content))
            {
                return ToolPreparation.Fail($"{Name}: {where}.content must not be empty.");
            }

            if (!Statuses.Contains(status))
            {
                return ToolPreparation.Fail($"{Name}: {where}.status must be \"pending\", \"in_progress\" or \"completed\"; got \"{status}\".");
            }

            items.Add(new TodoItem(content, status, string.IsNullOrWhiteSpace(activeForm) ? null : activeForm));
            index++;
        }

        var snapshot = items.ToArray();
        return ToolPreparation.Ok(new PreparedCall((_, _) => Task.FromResult(Execute(snapshot)))
        {
            Title = "Update plan",
            Kind = ToolKind.Think,
            Action = PermissionAction.None,
        });
    }

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
