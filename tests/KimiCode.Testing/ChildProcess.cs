using System.Diagnostics;
using System.Text;

namespace KimiCode.Testing;

/// <summary>Runs programs of this repository (built next to the tests) as child processes.</summary>
public static class ChildProcess
{
    /// <summary>The dotnet host running the tests, so children use the same runtime.</summary>
    public static string Dotnet { get; } = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    /// <summary>
    /// <paramref name="fileName"/> in <paramref name="project"/>'s output folder (e.g. <c>src/KimiCode.Cli</c>),
    /// built with the running test assembly's configuration and framework (…/bin/&lt;Configuration&gt;/&lt;tfm&gt;/).
    /// </summary>
    public static string BuiltAssembly(string project, string fileName)
    {
        var testOutput = Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory);
        var framework = Path.GetFileName(testOutput);
        var configuration = Path.GetFileName(Path.GetDirectoryName(testOutput)!);
        var path = Path.Combine(RepositoryRoot.Path, project, "bin", configuration, framework, fileName);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"{fileName} is not built at {path}; the test project should reference {project} so that it is built first.", path);
    }

    /// <summary>
    /// <c>dotnet exec <paramref name="assembly"/> <paramref name="args"/></c> with every stream redirected (UTF-8), in a
    /// clean environment: no KIMI_* variable of the developer's own setup leaks in; <paramref name="environment"/> is added last.
    /// </summary>
    public static ProcessStartInfo DotnetExec(string assembly, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var all = new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            all[name] = value;
        }

        return Program(Dotnet, ["exec", assembly, .. args], all);
    }

    /// <summary>
    /// <paramref name="fileName"/> <paramref name="args"/> with every stream redirected (UTF-8), without the inherited
    /// KIMI_* variables, <paramref name="environment"/> added.
    /// </summary>
    public static ProcessStartInfo Program(string fileName, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("KIMI_", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return start;
    }

    /// <summary>
    /// Starts <paramref name="start"/> (stdout and stderr redirected), writes <paramref name="stdin"/> (if any) and closes
    /// stdin when it is redirected, and waits for the exit.
    /// After <see cref="TestTimeouts.Default"/> the process tree is killed and a <see cref="TimeoutException"/> thrown.
    /// </summary>
    public static async Task<ProcessResult> RunAsync(ProcessStartInfo start, string? stdin = null, CancellationToken cancellationToken = default)
    {
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + start.FileName);
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        if (start.RedirectStandardInput)
        {
            if (stdin is not null)
            {
                await process.StandardInput.WriteAsync(stdin);
            }

            process.StandardInput.Close();
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TestTimeouts.Default);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"{string.Join(' ', start.ArgumentList)} did not finish within {TestTimeouts.Default.TotalSeconds} s. stderr so far: {await stderr}");
        }

        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }
}

/// <summary>How a child process ended and what it printed.</summary>
public sealed record ProcessResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>The non-empty stderr lines, trimmed.</summary>
    public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}
