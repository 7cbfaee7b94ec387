namespace KimiCode.Cli.Shell.Commands;

/// <summary>The <c>[--region cn|global]</c> argument of <c>/login</c> and <c>/logout</c>, as <c>kimi login</c> takes it.</summary>
internal static class RegionArgument
{
    public static bool TryParse(string arguments, out string? region, out string problem)
    {
        region = null;
        problem = string.Empty;
        var words = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var value = words switch
        {
            [] => null,
            ["--region", var r] => r,
            [var single] when single.StartsWith("--region=", StringComparison.Ordinal) => single["--region=".Length..],
            _ => "?",
        };
        if (value is null or "cn" or "global")
        {
            region = value;
            return true;
        }

        problem = $"Unexpected arguments \"{arguments.Trim()}\"; use --region cn or --region global.";
        return false;
    }
}
