using System.Globalization;

namespace KimiCode.Emulator;

/// <summary>Parses the kimi-emulator flags by hand: the emulator depends on nothing but ASP.NET Core.</summary>
internal static class CommandLine
{
    public const int ExitOk = 0;
    public const int ExitFailure = 1;
    public const int ExitUsage = 2;

    public const string Usage = """
        usage: kimi-emulator [--port N] [--script FILE] [--auto-approve] [--token-lifetime SECONDS]
                             [--poll-interval SECONDS] [--allow-platform X]... [--api-key K]... [--chunk-size N] [--help]
          --port N                 TCP port on 127.0.0.1 (default 0: any free port)
          --script FILE            scripted model turns (see docs/emulator.md)
          --auto-approve           approve device codes on the first poll
          --token-lifetime S       access token lifetime in seconds (default 900)
          --poll-interval S        device-flow poll interval in seconds (default 5)
          --allow-platform X       admit X-Msh-Platform X on /coding/v1 (repeatable; default kimi_cli)
          --api-key K              accept K as a bearer API key (repeatable)
          --chunk-size N           characters per streamed piece of a model answer (default 8; a script turn's
                                   chunk_size wins)
        prints "listening http://127.0.0.1:PORT" when ready; Ctrl-C or SIGTERM stops it.
        """;

    /// <summary>Parses flags into options; returns null and an error (or help) text when the process should not start a server.</summary>
    public static EmulatorOptions? Parse(IReadOnlyList<string> args, out string? error, out bool help)
    {
        error = null;
        help = false;
        var options = new EmulatorOptions();
        var platforms = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string Value()
            {
                if (i + 1 >= args.Count)
                {
                    throw new FormatException($"{arg} needs a value");
                }

                return args[++i];
            }

            int Number(int min)
            {
                var text = Value();
                return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min
                    ? n
                    : throw new FormatException($"{arg} expects a whole number >= {min}, got '{text}'");
            }

            try
            {
                switch (arg)
                {
                    case "--help" or "-h":
                        help = true;
                        return null;
                    case "--port":
                        options.Port = Number(0);
                        if (options.Port > 65535)
                        {
                            throw new FormatException("--port must be at most 65535");
                        }

                        break;
                    case "--script":
                        options.ScriptPath = Value();
                        break;
                    case "--auto-approve":
                        options.AutoApprove = true;
                        break;
                    case "--token-lifetime":
                        options.AccessTokenLifetime = TimeSpan.FromSeconds(Number(1));
                        break;
                    case "--poll-interval":
                        options.PollIntervalSeconds = Number(0);
                        break;
                    case "--allow-platform":
                        platforms.Add(Value());
                        break;
                    case "--api-key":
                        options.ApiKeys.Add(Value());
                        break;
                    case "--chunk-size":
                        options.ChunkSize = Number(1);
                        break;
                    default:
                        throw new FormatException($"unknown option '{arg}'");
                }
            }
            catch (FormatException ex)
            {
                error = "kimi-emulator: " + ex.Message;
                return null;
            }
        }

        if (platforms.Count > 0)
        {
            options.AllowedPlatforms.Clear();
            foreach (var platform in platforms)
            {
                options.AllowedPlatforms.Add(platform);
            }
        }

        return options;
    }
}
