using BenchmarkDotNet.Attributes;
using KimiCode.Config.Toml;

namespace KimiCode.Config.Benchmarks;

[MemoryDiagnoser]
[ShortRunJob]
public class TomlParseBenchmarks
{
    private string _oneMegabyte = string.Empty;
    private string _sample = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        _oneMegabyte = LargeConfigGenerator.Generate(1024 * 1024);
        _sample = LargeConfigGenerator.Generate(1);
    }

    [Benchmark(Description = "Parse ~1 MB config")]
    public TomlTable ParseOneMegabyte() => TomlDocument.Parse(_oneMegabyte);

    [Benchmark(Description = "Parse typical config (~1 KB)")]
    public TomlTable ParseTypical() => TomlDocument.Parse(_sample);

    [Benchmark(Description = "Edit typical config in place")]
    public string EditTypical()
    {
        var editor = new TomlEditor(_sample);
        editor.Set(["thinking", "enabled"], false);
        return editor.Text;
    }
}
