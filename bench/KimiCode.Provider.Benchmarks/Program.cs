using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using KimiCode.Provider.Benchmarks;

// In-process toolchain: no generated project to build, so the repository's build settings do not interfere.
// Run: dotnet run -c Release --project bench/KimiCode.Provider.Benchmarks -- --filter '*'
(byte[] payload, int chunks) = SseStreamGenerator.Generate(SseParsingBenchmarks.TargetBytes);
Console.WriteLine($"SSE payload: {payload.Length} bytes, {chunks} chunks (divide Mean and Allocated by these for MB/s and bytes per chunk).");

IConfig config = DefaultConfig.Instance
    .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
    .WithArtifactsPath(Path.Combine(AppContext.BaseDirectory, "BenchmarkDotNet.Artifacts"));
BenchmarkSwitcher.FromAssembly(typeof(SseParsingBenchmarks).Assembly).Run(args, config);
