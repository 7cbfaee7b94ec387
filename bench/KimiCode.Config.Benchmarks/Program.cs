using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(KimiCode.Config.Benchmarks.TomlParseBenchmarks).Assembly).Run(args);
