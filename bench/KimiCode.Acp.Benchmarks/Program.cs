// kimi side by side: start-up, memory and concurrency as scripts and editors feel them, in one run. Every
// figure is the median of N runs after one warm-up, each run a fresh process against an in-process emulator.
// Usually run through bench/compare.sh, which publishes the native kimi first.
//
//   dotnet run -c Release --project bench/KimiCode.Acp.Benchmarks -- --kimi PATH [--runs N] [--peers DIR]
//
// --kimi: the kimi to measure (the native binary, or a kimi.dll run with `dotnet exec`); default: the JIT
// build next to this project. --peers DIR: a folder where `npm install @openai/codex @zed-industries/codex-acp`
// and/or `npm install @moonshot-ai/kimi-code` ran (a Node 22 may sit in DIR/bin); those are measured on the
// same work and our ratio to each is printed.
using System.Diagnostics;
using System.Globalization;

string? kimiPath = null;
string? peersDir = null;
int runs = 7;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--kimi": kimiPath = args[++i]; break;
        case "--peers": peersDir = args[++i]; break;
        case "--runs": runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        default: Console.Error.WriteLine("usage: [--kimi PATH] [--runs N] [--peers DIR]"); return 2;
    }
}

using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(20));
CancellationToken ct = cancel.Token;
Command kimi = KimiCommand(kimiPath ?? LocateKimiDll());
await using BenchHome bench = await BenchHome.StartAsync(kimi, ct);
var contenders = new List<(string Name, Contender Contender)> { ("kimi", new Contender(kimi, kimi, kimi with { Args = [.. kimi.Args, "acp"] }, IsUs: true)) };
if (peersDir is not null)
{
    contenders.AddRange(Peers.Find(Path.GetFullPath(peersDir)));
}

Console.WriteLine($"kimi: {string.Join(' ', kimi.Args.Prepend(kimi.Program))}");
Console.WriteLine($".NET {Environment.Version}, {Environment.ProcessorCount} cores, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}, medians of {runs} runs after 1 warm-up");
var table = new Results([.. contenders.Select(c => c.Name)]);
foreach (var (name, contender) in contenders)
{
    Console.Error.WriteLine($"measuring {name}…");
    await Scenarios.MeasureAsync(name, contender, bench, runs, table, ct);
}

Console.WriteLine();
table.Print(Console.Out);
return 0;

static Command KimiCommand(string path) => path.EndsWith(".dll", StringComparison.Ordinal)
    ? new Command("dotnet", ["exec", path], new Dictionary<string, string>())
    : new Command(path, [], new Dictionary<string, string>());

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

    throw new FileNotFoundException($"kimi.dll ({configuration}/{tfm}) not found; build src/KimiCode.Cli first or pass --kimi.");
}

/// <summary>
/// What to run for each kind of work; null when the contender has no such command. A contender with a Print
/// command reads the Kimi home (our config and credentials), so its model calls reach the emulator too.
/// </summary>
internal sealed record Contender(Command? Version, Command? Print, Command? Acp, bool IsUs = false)
{
    /// <summary>The ACP <c>authenticate</c> method an editor calls before <c>session/new</c>, when the agent requires one.</summary>
    public string? AcpAuthenticate { get; init; }
}

/// <summary>Codex and the official kimi-code client, when installed in the folder passed with --peers.</summary>
internal static class Peers
{
    public static IEnumerable<(string, Contender)> Find(string dir)
    {
        string bin = Path.Combine(dir, "node_modules", ".bin");
        var environment = new Dictionary<string, string>
        {
            ["PATH"] = $"{Path.Combine(dir, "bin")}:{bin}:{Environment.GetEnvironmentVariable("PATH")}",
            ["KIMI_DISABLE_TELEMETRY"] = "1",
            ["KIMI_CODE_NO_AUTO_UPDATE"] = "1",
        };
        Command? Tool(string name, params string[] args) =>
            File.Exists(Path.Combine(bin, name)) ? new Command(Path.Combine(bin, name), args, environment) : null;

        // The native executables when npm installed them (what the `codex` and `codex-acp` Node shims spawn).
        Command? codex = Directory.Exists(Path.Combine(dir, "node_modules", "@openai"))
            ? Directory.GetFiles(Path.Combine(dir, "node_modules", "@openai"), "codex", SearchOption.AllDirectories)
                .Where(f => f.Contains("/vendor/", StringComparison.Ordinal)).Select(f => new Command(f, [], environment)).FirstOrDefault()
            : null;
        codex ??= Tool("codex");
        Command? codexAcp = Tool("codex-acp-linux-x64") ?? Tool("codex-acp");
        if (codex is not null || codexAcp is not null)
        {
            // Codex reads its own config, not the Kimi home: only start-up and the ACP handshake are comparable.
            // Its session/new needs an authenticated agent; an API key in the environment is the cheapest way.
            codexAcp = codexAcp is null ? null : codexAcp with { Environment = new Dictionary<string, string>(environment) { ["CODEX_API_KEY"] = "sk-bench" } };
            yield return ("codex", new Contender(codex, null, codexAcp) { AcpAuthenticate = "codex-api-key" });
        }

        // The official client shares our data folder, so it does the same work against the same emulator.
        if (Tool("kimi") is { } official)
        {
            yield return ("kimi-code", new Contender(official, official, official with { Args = ["acp"] }));
        }
    }
}
