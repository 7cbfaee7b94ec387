using KimiCode.Emulator;

var options = CommandLine.Parse(args, out var error, out var help);
if (help)
{
    Console.Out.WriteLine(CommandLine.Usage);
    return CommandLine.ExitOk;
}

if (options is null)
{
    Console.Error.WriteLine(error);
    Console.Error.WriteLine(CommandLine.Usage);
    return CommandLine.ExitUsage;
}

KimiEmulator emulator;
try
{
    emulator = await KimiEmulator.StartAsync(options, CancellationToken.None);
}
catch (Exception ex) when (ex is IOException or FormatException or UnauthorizedAccessException)
{
    // A bad script file or a port in use: say so in one line, no stack trace.
    Console.Error.WriteLine("kimi-emulator: " + ex.Message);
    return CommandLine.ExitFailure;
}

await using (emulator)
{
    Console.Out.WriteLine("listening " + emulator.BaseUrl);
    Console.Out.Flush();
    var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    using var registration = emulator.Stopping.Register(() => stopped.TrySetResult());
    await stopped.Task;
}

return CommandLine.ExitOk;
