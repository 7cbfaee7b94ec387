using System.Text.Json;
using KimiCode.Agent.Loop;
using KimiCode.Agent.Tools;
using Microsoft.Extensions.AI;

namespace KimiCode.Agent.Sessions;

/// <summary>A session read back from disk: its header and the history the next turn continues from.</summary>
internal sealed class LoadedSession
{
    public required string Id { get; init; }

    public required string WorkDir { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public string? Model { get; init; }

    public string Title { get; init; } = "";

    /// <summary>The further workspace folders: the header's, or the last <c>directories</c> record's.</summary>
    public IReadOnlyList<string> AdditionalDirectories { get; init; } = [];

    public required DateTimeOffset Updated { get; init; }

    public required List<ChatMessage> Messages { get; init; }

    /// <summary>Prompt tokens the server last reported, for the first <see cref="UsageMessageCount"/> messages.</summary>
    public long? InputTokens { get; init; }

    public int UsageMessageCount { get; init; }

    /// <summary>"Interrupted" results added at the end for calls that never got one (a crash or kill mid-turn).</summary>
    public required List<ChatMessage> RepairedTail { get; init; }
}

/// <summary>
/// Reads <c>context.jsonl</c>. Tolerant: an unreadable line (a torn last line) is ignored, tool results
/// without a matching call are dropped, and calls that never got a result get an "interrupted" one, so the
/// history is always valid for the server (which rejects a tool call with no result).
/// </summary>
internal static class SessionReader
{
    public const string InterruptedMessage =
        "The tool call was interrupted before it finished (the session ended). Check what it did before running it again.";

    public static bool TryParse(ReadOnlySpan<byte> line, out SessionRecord? record)
    {
        record = null;
        if (line.Trim(" \t\r"u8).IsEmpty)
        {
            return false;
        }

        try
        {
            record = JsonSerializer.Deserialize(line, SessionJsonContext.Default.SessionRecord);
            return record is not null && record.Type.Length > 0;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Reads the session at <paramref name="path"/>; null when it has no readable header.</summary>
    public static LoadedSession? Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        SessionRecord? header = null;
        string title = "";
        List<string>? directories = null;
        DateTimeOffset? updated = null;
        var builder = new HistoryBuilder();
        long? inputTokens = null;
        int usageCount = 0;
        ReadOnlySpan<byte> rest = bytes;
        while (!rest.IsEmpty)
        {
            int newline = rest.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line = newline < 0 ? rest : rest[..newline];
            rest = newline < 0 ? [] : rest[(newline + 1)..];
            if (!TryParse(line, out SessionRecord? record))
            {
                continue;
            }

            updated = record!.Time ?? updated;
            switch (record.Type)
            {
                case SessionRecord.HeaderType when header is null:
                    header = record;
                    directories = record.AdditionalDirs;
                    break;
                case SessionRecord.DirectoriesType:
                    directories = record.AdditionalDirs;
                    break;
                case SessionRecord.TitleType when record.Title is not null:
                    title = record.Title;
                    break;
                case SessionRecord.MessageType when record.Message is not null:
                    builder.Add(MessageCodec.FromRecord(record.Message));
                    break;
                case SessionRecord.CompactionType when record.Summary is not null:
                    builder.Compact(record.Replaced ?? 0, record.Summary);
                    inputTokens = null;
                    usageCount = 0;
                    break;
                case SessionRecord.UsageType when record.InputTokens is not null:
                    inputTokens = record.InputTokens;
                    usageCount = record.MessageCount ?? 0;
                    break;
            }
        }

        if (header?.Id is null)
        {
            return null;
        }

        List<ChatMessage> tail = builder.Finish();
        if (usageCount > builder.Messages.Count)
        {
            inputTokens = null;
            usageCount = 0;
        }

        DateTimeOffset created = header.CreatedAt ?? header.Time ?? DateTimeOffset.UnixEpoch;
        return new LoadedSession
        {
            Id = header.Id,
            WorkDir = header.WorkDir ?? "",
            CreatedAt = created,
            Model = header.Model,
            Title = title,
            AdditionalDirectories = directories ?? [],
            Updated = updated ?? created,
            Messages = builder.Messages,
            InputTokens = inputTokens,
            UsageMessageCount = usageCount,
            RepairedTail = tail,
        };
    }

    /// <summary>Rebuilds the history record by record, keeping every tool call paired with one result.</summary>
    private sealed class HistoryBuilder
    {
        private readonly List<string> _pending = [];

        /// <summary>Where each "interrupted" placeholder sits, so a real result written later (by a second writer) replaces it.</summary>
        private readonly Dictionary<string, int> _placeholders = [];

        public List<ChatMessage> Messages { get; private set; } = [];

        public void Add(ChatMessage message)
        {
            if (message.Role == ChatRole.Tool)
            {
                foreach (FunctionResultContent late in message.Contents.OfType<FunctionResultContent>())
                {
                    if (!_pending.Contains(late.CallId) && _placeholders.Remove(late.CallId, out int index))
                    {
                        Messages[index] = new ChatMessage(ChatRole.Tool, [late]);
                    }
                }

                var kept = message.Contents
                    .Where(c => c is not FunctionResultContent result || _pending.Remove(result.CallId))
                    .ToList();
                if (kept.OfType<FunctionResultContent>().Any())
                {
                    Messages.Add(new ChatMessage(ChatRole.Tool, kept));
                }

                return;
            }

            if (message.Role != ChatRole.User && message.Role != ChatRole.Assistant)
            {
                return;
            }

            Finish();
            Messages.Add(message);
            if (message.Role == ChatRole.Assistant)
            {
                _pending.AddRange(message.Contents.OfType<FunctionCallContent>().Select(c => c.CallId));
            }
        }

        public void Compact(int replaced, string summary)
        {
            Finish();
            _placeholders.Clear();
            int count = Math.Clamp(replaced, 0, Messages.Count);
            Messages = [HistoryContent.SummaryMessage(summary), .. Messages.Skip(count)];
        }

        /// <summary>Gives every pending call an "interrupted" result; returns the messages added.</summary>
        public List<ChatMessage> Finish()
        {
            var added = new List<ChatMessage>();
            foreach (string callId in _pending)
            {
                ChatMessage result = HistoryContent.ResultMessage(callId, ToolResult.Error(InterruptedMessage));
                _placeholders[callId] = Messages.Count;
                Messages.Add(result);
                added.Add(result);
            }

            _pending.Clear();
            return added;
        }
    }
}
