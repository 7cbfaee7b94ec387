using System.Text.Json;
using System.Threading.Channels;
using KimiCode.Agent.Loop;
using KimiCode.Agent.Mentions;
using KimiCode.Protocol;
using Microsoft.Extensions.AI;

namespace KimiCode.Agent;

/// <summary>What the user does in the conversation without the model: <c>!command</c> and <c>@file</c> mentions.</summary>
public sealed partial class AgentSession
{
    /// <summary>
    /// Runs <paramref name="command"/> as the user's own <c>!command</c>: no model call, but the same path as a
    /// <c>Bash</c> tool call (PreToolUse hooks, the permission policy with its deny and ask rules and the mode, secret
    /// redaction), so nothing runs that the model could not have run. The command and its output are recorded as a user
    /// message (<c>&lt;bash-input&gt;</c>, <c>&lt;bash-stdout&gt;</c>/<c>&lt;bash-stderr&gt;</c>, as the official client
    /// does) so the next turn sees them; a refusal is recorded the same way. Events: the tool call's, then
    /// <see cref="TurnEnded"/> (<see cref="StopReason.Cancelled"/> when cancelled).
    /// </summary>
    public IAsyncEnumerable<AgentEvent> RunShellCommandAsync(string command, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(command);
        return RunExclusiveAsync((events, token) => RunShellCommandCoreAsync(command, events, token), cancellationToken);
    }

    /// <summary>
    /// The text files the prompt's <c>@path</c> mentions name (<paramref name="fullPaths"/>), read to go with it
    /// (<see cref="FileMentions"/>): the session's deny rules and secret redaction apply.
    /// </summary>
    public FileMentions ReadMentionedFiles(IEnumerable<string> fullPaths, string? userHome, string? kimiHome)
    {
        Tools.ToolContext context = ToolContextForTurn();
        return FileMentions.Read(fullPaths, context.WorkingDirectory, userHome, kimiHome, context.IsReadDenied, context.Secrets);
    }

    private async Task RunShellCommandCoreAsync(string command, ChannelWriter<AgentEvent> events, CancellationToken cancellationToken)
    {
        StopReason reason = StopReason.EndTurn;
        try
        {
            ToolRuntime runtime = CreateRuntime(events);
            var call = new FunctionCallContent("shell_" + Guid.CreateVersion7(_options.Time.GetUtcNow()).ToString("N"), "Bash", CommandArguments(command));
            Tools.ToolResult result;
            using (var batch = new ToolCallBatch(runtime, cancellationToken))
            {
                batch.Schedule(call, RepeatVerdict.Run, 1);
                result = await batch.Calls[0].Result;
            }

            if (cancellationToken.IsCancellationRequested)
            {
                reason = StopReason.Cancelled;
            }

            Append(new ChatMessage(ChatRole.User,
            [
                new TextContent(UserShellCommand.Input(_options.ToolContext.Secrets.Redact(command))),
                new TextContent(UserShellCommand.Output(result.Content, result.IsError)),
            ]));
            if (TakeWriteFailure() is { } writeFailure)
            {
                events.TryWrite(writeFailure);
                reason = StopReason.Error;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            reason = StopReason.Cancelled;
        }
        catch (Exception ex)
        {
            events.TryWrite(new AgentError(AgentErrorCodes.Internal, $"The command failed unexpectedly ({ex.GetType().Name}: {ex.Message}). The conversation is kept; try again.", false));
            reason = StopReason.Error;
        }

        events.TryWrite(new TurnEnded(reason));
        events.TryComplete();
    }

    /// <summary>The Bash arguments <c>{"command": …}</c> in the shape the provider produces.</summary>
    private static Dictionary<string, object?> CommandArguments(string command)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("command", command);
            writer.WriteEndObject();
        }

        using JsonDocument document = JsonDocument.Parse(buffer.WrittenMemory);
        return HistoryContent.ArgumentsFrom(document.RootElement);
    }
}
