using KimiCode.Cli;

return await KimiCommandLine.InvokeAsync(CliEnvironment.FromProcess(), args, CancellationToken.None);
