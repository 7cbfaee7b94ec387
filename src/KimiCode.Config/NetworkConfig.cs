using System.Globalization;
using KimiCode.Config.Toml;
using KimiCode.Protocol;

namespace KimiCode.Config;

/// <summary>
/// <c>[network]</c>: timeouts and the retry budget of model calls, in seconds (fractions allowed). Absent keys are null
/// here; <see cref="NetworkSettings.Resolve"/> applies the defaults and the environment overrides.
/// </summary>
public sealed record NetworkConfig
{
    /// <summary><c>connect_timeout_s</c>: TCP + TLS connect.</summary>
    public double? ConnectTimeoutSeconds { get; init; }

    /// <summary><c>headers_timeout_s</c>: from sending a request until its response headers.</summary>
    public double? HeadersTimeoutSeconds { get; init; }

    /// <summary><c>stream_idle_timeout_s</c>: no bytes at all on an open answer stream.</summary>
    public double? StreamIdleTimeoutSeconds { get; init; }

    /// <summary><c>retry_max_seconds</c>: wall-clock cap on one model call, retries and waits included.</summary>
    public double? RetryMaxSeconds { get; init; }

    /// <summary><c>token_timeout_s</c>: one call to the OAuth token endpoint (refresh, device login), body included.</summary>
    public double? TokenTimeoutSeconds { get; init; }

    /// <summary><c>retry_after_max_s</c>: the longest server <c>Retry-After</c> worth waiting for.</summary>
    public double? RetryAfterMaxSeconds { get; init; }

    /// <summary>Values that cannot be used, one line each with the fix (reported by <see cref="KimiConfig.Validate"/>).</summary>
    public IReadOnlyList<(int Line, string Problem)> Problems { get; init; } = [];

    internal static NetworkConfig Read(TomlTable document, Func<string[], int> lineOfKey)
    {
        if (!document.TryGet<TomlTable>("network", out var table))
        {
            return new NetworkConfig();
        }

        var problems = new List<(int, string)>();
        double? Seconds(string key)
        {
            if (!table.TryGet<object>(key, out var raw))
            {
                return null;
            }

            double? value = raw switch
            {
                long number => number,
                double number => number,
                _ => null,
            };
            if (value is { } ok && NetworkSettings.IsUsableSeconds(ok))
            {
                return ok;
            }

            problems.Add((lineOfKey(["network", key]), $"[network] {key} must be a number of seconds above 0 (at most 86400), e.g. {key} = {NetworkSettings.DefaultOf(key).ToString(CultureInfo.InvariantCulture)}; fix it"));
            return null;
        }

        return new NetworkConfig
        {
            ConnectTimeoutSeconds = Seconds(NetworkSettings.ConnectTimeoutKey),
            HeadersTimeoutSeconds = Seconds(NetworkSettings.HeadersTimeoutKey),
            StreamIdleTimeoutSeconds = Seconds(NetworkSettings.StreamIdleTimeoutKey),
            RetryMaxSeconds = Seconds(NetworkSettings.RetryMaxKey),
            RetryAfterMaxSeconds = Seconds(NetworkSettings.RetryAfterMaxKey),
            TokenTimeoutSeconds = Seconds(NetworkSettings.TokenTimeoutKey),
            Problems = problems,
        };
    }
}

/// <summary>
/// The network settings a model client uses: <c>[network]</c> and <c>[loop_control] max_attempts_per_step</c> from
/// config.toml, each overridden by its environment variable (<c>KIMI_CODE_CONNECT_TIMEOUT_S</c>,
/// <c>KIMI_CODE_HEADERS_TIMEOUT_S</c>, <c>KIMI_CODE_STREAM_IDLE_TIMEOUT_S</c>, <c>KIMI_CODE_RETRY_MAX_SECONDS</c>,
/// <c>KIMI_CODE_RETRY_AFTER_MAX_S</c>, <c>KIMI_CODE_TOKEN_TIMEOUT_S</c>, <c>KIMI_LOOP_MAX_ATTEMPTS_PER_STEP</c>), read in this one place.
/// </summary>
public sealed record NetworkSettings
{
    public const string ConnectTimeoutKey = "connect_timeout_s";
    public const string HeadersTimeoutKey = "headers_timeout_s";
    public const string StreamIdleTimeoutKey = "stream_idle_timeout_s";
    public const string RetryMaxKey = "retry_max_seconds";
    public const string RetryAfterMaxKey = "retry_after_max_s";
    public const string TokenTimeoutKey = "token_timeout_s";
    public const string MaxAttemptsKey = "max_attempts_per_step";

    /// <summary>The largest number of seconds any key accepts (one day).</summary>
    public const double MaxSeconds = 86_400;

    /// <summary>The largest <c>max_attempts_per_step</c>.</summary>
    public const int MaxAttemptsLimit = 100;

    public double ConnectTimeoutSeconds { get; init; } = 15;

    public double HeadersTimeoutSeconds { get; init; } = 60;

    /// <summary>
    /// 90 s by default: a thinking model streams its reasoning as it goes, so a minute and a half without a single byte
    /// is taken for a dead connection (generous on purpose; not yet measured against the real service).
    /// </summary>
    public double StreamIdleTimeoutSeconds { get; init; } = 90;

    public double RetryMaxSeconds { get; init; } = 120;

    public double RetryAfterMaxSeconds { get; init; } = 60;

    /// <summary>
    /// 30 s by default: a token call is small and fast, and while it hangs the prompt waits (even with a still-valid
    /// access token, which is used once the refresh gives up).
    /// </summary>
    public double TokenTimeoutSeconds { get; init; } = 30;

    /// <summary>Attempts per model call, the first included (<c>[loop_control] max_attempts_per_step</c>).</summary>
    public int MaxAttemptsPerStep { get; init; } = 10;

    /// <summary>
    /// The settings for <paramref name="config"/> under <paramref name="environment"/>. A bad value (in the file or the
    /// environment) throws <see cref="ConfigErrorCodes.Invalid"/> with one line naming the key or variable and the fix.
    /// </summary>
    public static NetworkSettings Resolve(KimiConfig config, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(environment);
        if (config.Network.Problems.Count > 0 || config.LoopControl.Problems.Count > 0)
        {
            var (line, problem) = config.Network.Problems.Concat(config.LoopControl.Problems).First();
            throw new KimiCodeException(ConfigErrorCodes.Invalid, config.Located(line, problem));
        }

        var network = config.Network;
        var defaults = new NetworkSettings();
        long? attempts = config.LoopControl.MaxAttemptsPerStep ?? config.LoopControl.MaxRetriesPerStep;
        return new NetworkSettings
        {
            ConnectTimeoutSeconds = EnvSeconds(environment, "KIMI_CODE_CONNECT_TIMEOUT_S") ?? network.ConnectTimeoutSeconds ?? defaults.ConnectTimeoutSeconds,
            HeadersTimeoutSeconds = EnvSeconds(environment, "KIMI_CODE_HEADERS_TIMEOUT_S") ?? network.HeadersTimeoutSeconds ?? defaults.HeadersTimeoutSeconds,
            StreamIdleTimeoutSeconds = EnvSeconds(environment, "KIMI_CODE_STREAM_IDLE_TIMEOUT_S") ?? network.StreamIdleTimeoutSeconds ?? defaults.StreamIdleTimeoutSeconds,
            RetryMaxSeconds = EnvSeconds(environment, "KIMI_CODE_RETRY_MAX_SECONDS") ?? network.RetryMaxSeconds ?? defaults.RetryMaxSeconds,
            RetryAfterMaxSeconds = EnvSeconds(environment, "KIMI_CODE_RETRY_AFTER_MAX_S") ?? network.RetryAfterMaxSeconds ?? defaults.RetryAfterMaxSeconds,
            TokenTimeoutSeconds = EnvSeconds(environment, "KIMI_CODE_TOKEN_TIMEOUT_S") ?? network.TokenTimeoutSeconds ?? defaults.TokenTimeoutSeconds,
            MaxAttemptsPerStep = EnvAttempts(environment) ?? (int)Math.Clamp(attempts ?? defaults.MaxAttemptsPerStep, 1, MaxAttemptsLimit),
        };
    }

    internal static bool IsUsableSeconds(double value) => double.IsFinite(value) && value > 0 && value <= MaxSeconds;

    internal static double DefaultOf(string key)
    {
        var defaults = new NetworkSettings();
        return key switch
        {
            ConnectTimeoutKey => defaults.ConnectTimeoutSeconds,
            HeadersTimeoutKey => defaults.HeadersTimeoutSeconds,
            StreamIdleTimeoutKey => defaults.StreamIdleTimeoutSeconds,
            RetryMaxKey => defaults.RetryMaxSeconds,
            TokenTimeoutKey => defaults.TokenTimeoutSeconds,
            _ => defaults.RetryAfterMaxSeconds,
        };
    }

    private static double? EnvSeconds(Func<string, string?> environment, string name)
    {
        var text = environment(name);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && IsUsableSeconds(value))
        {
            return value;
        }

        throw new KimiCodeException(ConfigErrorCodes.Invalid,
            $"environment: {name}=\"{text.Trim()}\" is not a number of seconds above 0 (at most 86400); fix or unset it");
    }

    private static int? EnvAttempts(Func<string, string?> environment)
    {
        const string name = "KIMI_LOOP_MAX_ATTEMPTS_PER_STEP";
        var text = environment(name);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is >= 1 and <= MaxAttemptsLimit)
        {
            return value;
        }

        throw new KimiCodeException(ConfigErrorCodes.Invalid,
            $"environment: {name}=\"{text.Trim()}\" is not a whole number from 1 to {MaxAttemptsLimit}; fix or unset it");
    }
}
