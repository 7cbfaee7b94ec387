using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

/// <summary>How to start one contender's command: the program, its leading arguments, extra environment.</summary>
internal sealed record Command(string Program, string[] Args, IReadOnlyDictionary<string, string> Environment)
{
    public ProcessStartInfo StartInfo(string home, params string[] more)
    {
        var start = new ProcessStartInfo(Program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (string arg in Args.Concat(more))
        {
            start.ArgumentList.Add(arg);
        }

        // Nothing from the developer's own login leaks in: every contender sees the bench home and the emulator.
        foreach (string name in new[] { "KIMI_API_KEY", "KIMI_BASE_URL", "KIMI_MODEL_NAME", "KIMI_CODE_BASE_URL", "KIMI_CODE_OAUTH_HOST", "KIMI_OAUTH_HOST", "KIMI_CODE_CUSTOM_HEADERS" })
        {
            start.Environment.Remove(name);
        }

        start.Environment["KIMI_CODE_HOME"] = home;
        start.Environment["HOME"] = Path.Combine(home, "..", "user-home");
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (name, value) in Environment)
        {
            start.Environment[name] = value;
        }

        return start;
    }
}

/// <summary>One run of a command to completion: wall time, and peak RSS when run under /usr/bin/time.</summary>
internal static class OneShot
{
    public static async Task<double> WallMsAsync(Command command, string home, string[] args, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        (int exit, string output, string error) = await RunAsync(command.StartInfo(home, args), cancellationToken);
        double ms = clock.Elapsed.TotalMilliseconds;
        Check(command, args, exit, output, error);
        return ms;
    }

    /// <summary>Peak RSS in MB (<c>/usr/bin/time -f %M</c>): a separate run, so the wrapper costs no wall time above.</summary>
    public static async Task<double> PeakRssMbAsync(Command command, string home, string[] args, CancellationToken cancellationToken)
    {
        ProcessStartInfo inner = command.StartInfo(home, args);
        ProcessStartInfo start = command.StartInfo(home, args);
        start.FileName = "/usr/bin/time";
        start.ArgumentList.Clear();
        foreach (string arg in new[] { "-f", "peak-rss-kb %M", inner.FileName }.Concat(inner.ArgumentList))
        {
            start.ArgumentList.Add(arg);
        }

        (int exit, string output, string error) = await RunAsync(start, cancellationToken);
        Check(command, args, exit, output, error);
        string line = error.Split('\n').Last(l => l.StartsWith("peak-rss-kb ", StringComparison.Ordinal));
        return double.Parse(line["peak-rss-kb ".Length..], CultureInfo.InvariantCulture) / 1024;
    }

    public static async Task<(int Exit, string Output, string Error)> RunAsync(ProcessStartInfo start, CancellationToken cancellationToken, string? stdin = null)
    {
        using Process process = Process.Start(start)!;
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        Task<string> output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        Task<string> error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await output, await error);
    }

    private static void Check(Command command, string[] args, int exit, string output, string error)
    {
        if (exit != 0)
        {
            throw new InvalidOperationException($"{command.Program} {string.Join(' ', args)} exited with {exit}: {output}{error}");
        }
    }
}

/// <summary>A spawned ACP agent spoken to over stdio, one JSON-RPC message per line.</summary>
internal sealed class AcpAgent : IAsyncDisposable
{
    private readonly Process process;
    private readonly Task<string> stderr;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> responses = new();
    private readonly SemaphoreSlim writeLock = new(1, 1);
    private Task? reader;
    private int nextId;

    private AcpAgent(Process process)
    {
        this.process = process;
        stderr = process.StandardError.ReadToEndAsync();
    }

    public Stopwatch SinceSpawn { get; } = Stopwatch.StartNew();

    public static AcpAgent Start(Command command, string home) => new(Process.Start(command.StartInfo(home))!);

    public Task<JsonElement> InitializeAsync(CancellationToken cancellationToken) =>
        CallAsync("initialize", """{"protocolVersion":1,"clientCapabilities":{}}""", cancellationToken);

    public async Task<string> NewSessionAsync(string cwd, CancellationToken cancellationToken)
    {
        JsonElement result = await CallAsync("session/new", $$"""{"cwd":{{Json(cwd)}},"mcpServers":[]}""", cancellationToken);
        return result.GetProperty("sessionId").GetString()!;
    }

    public Task<JsonElement> PromptAsync(string sessionId, string text, CancellationToken cancellationToken) =>
        CallAsync("session/prompt", $$"""{"sessionId":{{Json(sessionId)}},"prompt":[{"type":"text","text":{{Json(text)}}}]}""", cancellationToken);

    /// <summary>Sends a request and waits for its response, skipping notifications and other responses.</summary>
    public async Task<JsonElement> CallAsync(string method, string parameters, CancellationToken cancellationToken)
    {
        int id = Interlocked.Increment(ref nextId);
        Task<JsonElement> response = responses.GetOrAdd(id, _ => new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        reader ??= Task.Run(() => ReadAsync(cancellationToken), cancellationToken);
        await writeLock.WaitAsync(cancellationToken);
        try
        {
            await process.StandardInput.WriteAsync($$"""{"jsonrpc":"2.0","id":{{id}},"method":"{{method}}","params":{{parameters}}}""" + "\n");
            await process.StandardInput.FlushAsync(cancellationToken);
        }
        finally
        {
            writeLock.Release();
        }

        return await response.WaitAsync(cancellationToken);
    }

    /// <summary>Peak resident memory so far (VmHWM) or current (VmRSS), in MB.</summary>
    public double MemoryMb(string field = "VmHWM:")
    {
        foreach (string line in File.ReadLines($"/proc/{process.Id}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                return double.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024;
            }
        }

        return double.NaN;
    }

    public async ValueTask DisposeAsync()
    {
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
        }

        process.Dispose();
    }

    private async Task ReadAsync(CancellationToken cancellationToken)
    {
        while (await process.StandardOutput.ReadLineAsync(cancellationToken) is { } line)
        {
            using JsonDocument document = JsonDocument.Parse(line);
            JsonElement root = document.RootElement;
            if (!root.TryGetProperty("id", out JsonElement id) || id.ValueKind != JsonValueKind.Number || root.TryGetProperty("method", out _))
            {
                continue; // a notification, or a request to the client (none in these scenarios)
            }

            TaskCompletionSource<JsonElement> waiter = responses.GetOrAdd(id.GetInt32(), _ => new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously));
            if (root.TryGetProperty("error", out JsonElement error))
            {
                waiter.TrySetException(new InvalidOperationException($"request {id} failed: {error.GetRawText()}"));
            }
            else
            {
                waiter.TrySetResult(root.GetProperty("result").Clone());
            }
        }

        string message = $"the agent closed its output; stderr: {await stderr}";
        foreach (TaskCompletionSource<JsonElement> waiter in responses.Values)
        {
            waiter.TrySetException(new InvalidOperationException(message));
        }
    }

    private static string Json(string value) => JsonSerializer.Serialize(value, BenchJson.Default.String);
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class BenchJson : System.Text.Json.Serialization.JsonSerializerContext;
