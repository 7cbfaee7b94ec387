// Cold-start cost of `kimi acp` as an editor sees it: spawn → initialize response, spawn → session/new
// response, and the agent's resident memory once idle. Each run is a fresh process against an in-process
// emulator with an API-key home, so no network and no login are involved.
//
//   dotnet run -c Release --project bench/KimiCode.Acp.Benchmarks -- [runs]
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using KimiCode.Emulator;

int runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10;
string kimiDll = LocateKimiDll();
await using KimiEmulator emulator = await KimiEmulator.StartAsync(new EmulatorOptions(), CancellationToken.None);
emulator.State.AddApiKey("sk-bench");
string root = Path.Combine(Path.GetTempPath(), "kimi-acp-bench-" + Guid.NewGuid().ToString("N"));
string home = Path.Combine(root, "home");
string workspace = Path.Combine(root, "work");
Directory.CreateDirectory(home);
Directory.CreateDirectory(workspace);
File.WriteAllText(Path.Combine(home, "config.toml"), $"""
    default_model = "bench/kimi-for-coding"

    [providers.bench]
    type = "kimi"
    base_url = "{emulator.CodingBaseUrl}"
    api_key = "sk-bench"

    [models."bench/kimi-for-coding"]
    provider = "bench"
    model = "kimi-for-coding"
    max_context_size = 262144
    """);

Console.WriteLine($"kimi: {kimiDll}");
Console.WriteLine($".NET {Environment.Version}, {Environment.ProcessorCount} cores, {runs} runs (+1 warm-up)");
var initialize = new List<double>();
var sessionNew = new List<double>();
var idleRss = new List<double>();
var afterPromptRss = new List<double>();
try
{
    for (int run = 0; run <= runs; run++)
    {
        Sample sample = await MeasureAsync(kimiDll, home, workspace);
        if (run == 0)
        {
            continue;
        }

        initialize.Add(sample.InitializeMs);
        sessionNew.Add(sample.SessionNewMs);
        idleRss.Add(sample.IdleRssMb);
        afterPromptRss.Add(sample.AfterPromptRssMb);
    }
}
finally
{
    Directory.Delete(root, recursive: true);
}

Console.WriteLine();
Console.WriteLine("| Measure | Median | Min | Max |");
Console.WriteLine("|---|---|---|---|");
Row("spawn → `initialize` response", initialize, "ms");
Row("spawn → `session/new` response", sessionNew, "ms");
Row("idle RSS after `session/new`", idleRss, "MB");
Row("idle RSS after one prompt", afterPromptRss, "MB");
return 0;

static void Row(string name, List<double> values, string unit)
{
    List<double> sorted = [.. values.Order()];
    double median = sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {median:0.#} {unit} | {sorted[0]:0.#} {unit} | {sorted[^1]:0.#} {unit} |"));
}

static async Task<Sample> MeasureAsync(string kimiDll, string home, string workspace)
{
    var start = new ProcessStartInfo("dotnet")
    {
        RedirectStandardInput = true,
        RedirectStandardOutput = true,
        RedirectStandardError = true,
        UseShellExecute = false,
        StandardOutputEncoding = Encoding.UTF8,
    };
    start.ArgumentList.Add("exec");
    start.ArgumentList.Add(kimiDll);
    start.ArgumentList.Add("acp");
    foreach (string name in new[] { "KIMI_API_KEY", "KIMI_BASE_URL", "KIMI_CODE_BASE_URL", "KIMI_CODE_OAUTH_HOST", "KIMI_CODE_CUSTOM_HEADERS" })
    {
        start.Environment.Remove(name);
    }

    start.Environment["KIMI_CODE_HOME"] = home;
    start.Environment["HOME"] = Path.Combine(home, "..", "user-home");
    start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

    var clock = Stopwatch.StartNew();
    using Process process = Process.Start(start)!;
    Task<string> stderr = process.StandardError.ReadToEndAsync();
    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

    await Send(process, """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":1,"clientCapabilities":{}}}""");
    await WaitForResponse(process, 1, timeout.Token);
    double initializeMs = clock.Elapsed.TotalMilliseconds;

    await Send(process, $$$"""{"jsonrpc":"2.0","id":2,"method":"session/new","params":{"cwd":{{{JsonSerializer.Serialize(workspace, BenchJson.Default.String)}}},"mcpServers":[]}}""");
    JsonElement created = await WaitForResponse(process, 2, timeout.Token);
    double sessionNewMs = clock.Elapsed.TotalMilliseconds;

    // Let the runtime settle (tiered compilation, GC) the way an idle agent in an editor would.
    await Task.Delay(TimeSpan.FromSeconds(1));
    double idle = RssMegabytes(process.Id);

    string sessionId = created.GetProperty("result").GetProperty("sessionId").GetString()!;
    await Send(process, $$$"""{"jsonrpc":"2.0","id":3,"method":"session/prompt","params":{"sessionId":"{{{sessionId}}}","prompt":[{"type":"text","text":"hello"}]}}""");
    await WaitForResponse(process, 3, timeout.Token);
    await Task.Delay(TimeSpan.FromSeconds(1));
    double afterPrompt = RssMegabytes(process.Id);

    process.StandardInput.Close();
    await process.WaitForExitAsync(timeout.Token);
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException($"kimi acp exited with {process.ExitCode}: {await stderr}");
    }

    return new Sample(initializeMs, sessionNewMs, idle, afterPrompt);
}

static async Task Send(Process process, string line)
{
    await process.StandardInput.WriteAsync(line + "\n");
    await process.StandardInput.FlushAsync();
}

static async Task<JsonElement> WaitForResponse(Process process, int id, CancellationToken cancellationToken)
{
    while (await process.StandardOutput.ReadLineAsync(cancellationToken) is { } line)
    {
        using JsonDocument document = JsonDocument.Parse(line);
        if (document.RootElement.TryGetProperty("id", out JsonElement responseId) && responseId.ValueKind == JsonValueKind.Number && responseId.GetInt32() == id)
        {
            if (document.RootElement.TryGetProperty("error", out JsonElement error))
            {
                throw new InvalidOperationException($"request {id} failed: {error.GetRawText()}");
            }

            return document.RootElement.Clone();
        }
    }

    throw new InvalidOperationException("kimi acp closed its output early.");
}

static double RssMegabytes(int pid)
{
    foreach (string line in File.ReadLines($"/proc/{pid}/status"))
    {
        if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
        {
            string kilobytes = line["VmRSS:".Length..].Trim().Split(' ')[0];
            return double.Parse(kilobytes, CultureInfo.InvariantCulture) / 1024;
        }
    }

    return double.NaN;
}

static string LocateKimiDll()
{
    // bench/KimiCode.Acp.Benchmarks/bin/<Configuration>/<tfm>/ → src/KimiCode.Cli/bin/<Configuration>/<tfm>/kimi.dll
    var baseDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
    string tfm = baseDir.Name;
    string configuration = baseDir.Parent!.Name;
    for (DirectoryInfo? dir = baseDir; dir is not null; dir = dir.Parent)
    {
        string candidate = Path.Combine(dir.FullName, "src", "KimiCode.Cli", "bin", configuration, tfm, "kimi.dll");
        if (File.Exists(candidate))
        {
            return candidate;
        }
    }

    throw new FileNotFoundException($"kimi.dll ({configuration}/{tfm}) not found; build src/KimiCode.Cli first.");
}

internal sealed record Sample(double InitializeMs, double SessionNewMs, double IdleRssMb, double AfterPromptRssMb);

[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class BenchJson : System.Text.Json.Serialization.JsonSerializerContext;
