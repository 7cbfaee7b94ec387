using KimiCode.Agent.Tools;

namespace KimiCode.Agent.Tests.Support;

/// <summary>Plain disk access for the fake tools.</summary>
internal sealed class LocalFiles : IWorkspaceFileSystem
{
    public Task<string> ReadTextAsync(string path, CancellationToken cancellationToken) => File.ReadAllTextAsync(path, cancellationToken);

    public async Task WriteTextAsync(string path, string content, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, content, cancellationToken);
    }
}

/// <summary>The fake Bash never reaches a real shell; nothing else may run commands.</summary>
internal sealed class NoCommands : ICommandRunner
{
    public Task<CommandResult> RunAsync(CommandRequest request, IProgress<string>? output, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("Tests do not run shell commands.");
}
