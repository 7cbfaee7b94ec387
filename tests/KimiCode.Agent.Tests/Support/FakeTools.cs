using System.Text.Json;
using KimiCode.Agent.Tools;

namespace KimiCode.Agent.Tests.Support;

/// <summary>A prepared call that runs a delegate.</summary>
internal sealed class DelegateCall : PreparedToolCall
{
    private readonly Func<IProgress<ToolProgress>?, CancellationToken, Task<ToolResult>> _execute;

    public DelegateCall(Func<IProgress<ToolProgress>?, CancellationToken, Task<ToolResult>> execute)
    {
        _execute = execute;
    }

    public override Task<ToolResult> ExecuteAsync(IProgress<ToolProgress>? progress, CancellationToken cancellationToken) =>
        _execute(progress, cancellationToken);
}

/// <summary>Shared bits of the fake tools: schema and argument reading.</summary>
internal abstract class FakeTool : IAgentTool
{
    private int _executions;

    protected FakeTool(string name, string schema)
    {
        Name = name;
        using JsonDocument document = JsonDocument.Parse(schema);
        ParametersSchema = document.RootElement.Clone();
    }

    public string Name { get; }

    public string Description => "Fake " + Name + " for tests.";

    public JsonElement ParametersSchema { get; }

    /// <summary>How many calls actually ran.</summary>
    public int Executions => Volatile.Read(ref _executions);

    public abstract ToolPreparation Prepare(JsonElement arguments, ToolContext context);

    protected void CountExecution() => Interlocked.Increment(ref _executions);

    protected static string? String(JsonElement arguments, string name) =>
        arguments.ValueKind == JsonValueKind.Object && arguments.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}

/// <summary>
/// Read: returns a file's text. With <see cref="RequiredConcurrency"/> set, every call waits until that
/// many calls run at once, which only happens when the agent runs them in parallel.
/// </summary>
internal sealed class FakeReadTool(ExecutionLog log) : FakeTool("Read", """{"type":"object","properties":{"path":{"type":"string"}},"required":["path"]}""")
{
    private readonly TaskCompletionSource _together = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _running;

    public int RequiredConcurrency { get; set; }

    public override ToolPreparation Prepare(JsonElement arguments, ToolContext context)
    {
        string? path = String(arguments, "path");
        if (string.IsNullOrEmpty(path))
        {
            return ToolPreparation.Fail("Read needs a 'path' string argument.");
        }

        string full = Path.GetFullPath(Path.Combine(context.WorkingDirectory, path));
        return ToolPreparation.Ok(new DelegateCall(async (_, ct) =>
        {
            CountExecution();
            log.Add("start Read " + path);
            if (RequiredConcurrency > 0)
            {
                if (Interlocked.Increment(ref _running) >= RequiredConcurrency)
                {
                    _together.TrySetResult();
                }

                await _together.Task.WaitAsync(TestTimeouts.Default, ct);
            }

            string text = await context.Files.ReadTextAsync(full, ct);
            log.Add("end Read " + path);
            return ToolResult.Success(text);
        })
        {
            Title = "Read " + path,
            Kind = ToolKind.Read,
            Action = PermissionAction.Read,
            Subject = path,
            Locations = [full],
        });
    }
}

/// <summary>Edit: replaces one exact occurrence of old_string.</summary>
internal sealed class FakeEditTool(ExecutionLog log) : FakeTool("Edit", """{"type":"object","properties":{"path":{"type":"string"},"old_string":{"type":"string"},"new_string":{"type":"string"}},"required":["path","old_string","new_string"]}""")
{
    public override ToolPreparation Prepare(JsonElement arguments, ToolContext context)
    {
        string? path = String(arguments, "path");
        string? oldText = String(arguments, "old_string");
        string? newText = String(arguments, "new_string");
        if (path is null || oldText is null || newText is null)
        {
            return ToolPreparation.Fail("Edit needs 'path', 'old_string' and 'new_string'.");
        }

        string full = Path.GetFullPath(Path.Combine(context.WorkingDirectory, path));
        return ToolPreparation.Ok(new DelegateCall(async (_, ct) =>
        {
            CountExecution();
            log.Add("start Edit " + path);
            string before = await context.Files.ReadTextAsync(full, ct);
            int at = before.IndexOf(oldText, StringComparison.Ordinal);
            if (at < 0)
            {
                return ToolResult.Error("old_string was not found in " + path);
            }

            string after = before[..at] + newText + before[(at + oldText.Length)..];
            await context.Files.WriteTextAsync(full, after, ct);
            log.Add("end Edit " + path);
            return ToolResult.Success("Edited " + path, new DiffDisplay(full, before, after, "-" + oldText + "\n+" + newText));
        })
        {
            Title = "Edit " + path,
            Kind = ToolKind.Edit,
            Action = PermissionAction.Edit,
            Subject = path,
            Locations = [full],
        });
    }
}

/// <summary>Bash: signals <see cref="Started"/>, then waits for <see cref="Release"/> or cancellation.</summary>
internal sealed class FakeBashTool(ExecutionLog log) : FakeTool("Bash", """{"type":"object","properties":{"command":{"type":"string"}},"required":["command"]}""")
{
    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource<string> Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override ToolPreparation Prepare(JsonElement arguments, ToolContext context)
    {
        string? command = String(arguments, "command");
        if (string.IsNullOrEmpty(command))
        {
            return ToolPreparation.Fail("Bash needs a 'command' string argument.");
        }

        return ToolPreparation.Ok(new DelegateCall(async (progress, ct) =>
        {
            CountExecution();
            log.Add("start Bash " + command);
            progress?.Report(new ToolProgress("running " + command));
            Started.TrySetResult();
            try
            {
                string output = await Release.Task.WaitAsync(ct);
                return ToolResult.Success(output, new TerminalDisplay(command, output, 0, false));
            }
            catch (OperationCanceledException)
            {
                Cancelled.TrySetResult();
                throw;
            }
        })
        {
            Title = command,
            Kind = ToolKind.Execute,
            Action = PermissionAction.Execute,
            Subject = command,
        });
    }
}

/// <summary>TodoWrite: returns the plan it was given.</summary>
internal sealed class FakeTodoTool() : FakeTool("TodoWrite", """{"type":"object","properties":{"todos":{"type":"array"}},"required":["todos"]}""")
{
    public override ToolPreparation Prepare(JsonElement arguments, ToolContext context)
    {
        if (arguments.ValueKind != JsonValueKind.Object || !arguments.TryGetProperty("todos", out JsonElement todos) || todos.ValueKind != JsonValueKind.Array)
        {
            return ToolPreparation.Fail("TodoWrite needs a 'todos' array.");
        }

        var items = todos.EnumerateArray()
            .Select(t => new TodoItem(String(t, "content") ?? "", String(t, "status") ?? "pending"))
            .ToList();
        return ToolPreparation.Ok(new DelegateCall((_, _) =>
        {
            CountExecution();
            return Task.FromResult(ToolResult.Success("Plan updated.", new PlanDisplay(items)));
        })
        {
            Title = "Update plan",
            Kind = ToolKind.Think,
            Action = PermissionAction.None,
        });
    }
}

/// <summary>A tool whose Prepare or ExecuteAsync throws, to prove failures become tool errors.</summary>
internal sealed class ThrowingTool(string name, bool throwInPrepare) : FakeTool(name, """{"type":"object","properties":{}}""")
{
    public override ToolPreparation Prepare(JsonElement arguments, ToolContext context)
    {
        if (throwInPrepare)
        {
            throw new InvalidOperationException("prepare exploded");
        }

        return ToolPreparation.Ok(new DelegateCall((_, _) =>
        {
            CountExecution();
            throw new IOException("disk on fire");
        })
        {
            Title = Name,
            Kind = ToolKind.Other,
            Action = PermissionAction.Read,
        });
    }
}
