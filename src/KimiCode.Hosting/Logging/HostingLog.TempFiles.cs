using Microsoft.Extensions.Logging;

namespace KimiCode.Hosting.Logging;

internal static partial class HostingLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "removed {Files} temp file(s) and {Lists} temp list(s) left by kimi processes that ended")]
    public static partial void TempFilesSwept(ILogger logger, int files, int lists);
}
