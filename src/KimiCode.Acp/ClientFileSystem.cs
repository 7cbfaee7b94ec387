using KimiCode.Acp.JsonRpc;
using KimiCode.Acp.Schema;
using KimiCode.Agent.Tools;

namespace KimiCode.Acp;

/// <summary>
/// File access through the editor (<c>fs/read_text_file</c>, <c>fs/write_text_file</c>), so tools see unsaved
/// buffers and edits land in the editor. Whatever the client does not offer goes to the local disk, and so does a read
/// of a file on disk the editor says it cannot find.
/// </summary>
internal sealed class ClientFileSystem : IWorkspaceFileSystem
{
    private readonly JsonRpcConnection _connection;
    private readonly Func<string> _sessionId;
    private readonly bool _canRead;
    private readonly bool _canWrite;
    private readonly IWorkspaceFileSystem _local;

    public ClientFileSystem(JsonRpcConnection connection, Func<string> sessionId, bool canRead, bool canWrite, IWorkspaceFileSystem local)
    {
        _connection = connection;
        _sessionId = sessionId;
        _canRead = canRead;
        _canWrite = canWrite;
        _local = local;
    }

    public async Task<string> ReadTextAsync(string path, CancellationToken cancellationToken)
    {
        if (!_canRead)
        {
            return await _local.ReadTextAsync(path, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            ReadTextFileResponse response = await _connection.RequestAsync(
                AcpMethods.FsReadTextFile,
                new ReadTextFileRequest { SessionId = _sessionId(), Path = path },
                AcpJsonContext.Default.ReadTextFileRequest,
                AcpJsonContext.Default.ReadTextFileResponse,
                cancellationToken).ConfigureAwait(false);
            return response.Content;
        }
        catch (AcpException ex) when (!File.Exists(path))
        {
            // Editors word "no such file" differently; a file that is neither open nor on disk does not exist.
            throw new FileNotFoundException($"Could not find file '{path}' (the editor said: {ex.Message}).", path, ex);
        }
        catch (AcpException ex) when (ex.Code == JsonRpcErrorCodes.ResourceNotFound)
        {
            // The editor does not know the file (not open, outside its project) but it is on disk: taking it for missing
            // would let Write show no old text and overwrite an existing file unseen.
            return await _local.ReadTextAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (AcpException ex)
        {
            // A refusal (-32001 "permission denied") or a failure is the editor's answer: the disk does not overrule it.
            // Edit and Write refuse to change a file whose content they could not read.
            throw new IOException($"The editor could not read '{path}': {ex.Message}", ex);
        }
    }

    public async Task WriteTextAsync(string path, string content, CancellationToken cancellationToken)
    {
        if (!_canWrite)
        {
            await _local.WriteTextAsync(path, content, cancellationToken).ConfigureAwait(false);
            return;
        }

        try
        {
            await _connection.RequestAsync(
                AcpMethods.FsWriteTextFile,
                new WriteTextFileRequest { SessionId = _sessionId(), Path = path, Content = content },
                AcpJsonContext.Default.WriteTextFileRequest,
                AcpJsonContext.Default.JsonElement,
                cancellationToken).ConfigureAwait(false);
        }
        catch (AcpException ex)
        {
            throw new IOException($"The editor could not write '{path}': {ex.Message}", ex);
        }
    }
}
