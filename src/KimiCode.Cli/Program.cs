using KimiCode.Cli;

// `kimi --version` is how scripts and editors probe an install: answered before the console readers and
// the command tree exist, it costs the process start and one write.
if (KimiCommandLine.IsVersionRequest(args))
{
    Console.Out.WriteLine(KimiCommandLine.Version);
    return 0;
}

return await KimiCommandLine.InvokeAsync(CliEnvironment.FromProcess(), args, CancellationToken.None);
