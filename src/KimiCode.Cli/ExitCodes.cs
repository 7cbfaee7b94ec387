namespace KimiCode.Cli;

/// <summary>Process exit codes; scripts and CI rely on them, so they never change meaning.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int Usage = 2;

    /// <summary>EX_TEMPFAIL: rate limit, overload or network trouble; trying again later may work.</summary>
    public const int Retryable = 75;

    public const int Cancelled = 130;
}
