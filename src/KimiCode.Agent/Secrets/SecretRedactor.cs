namespace KimiCode.Agent.Secrets;

/// <summary>
/// Replaces every occurrence of a live secret (the API key in use, the current OAuth access and refresh tokens, the
/// values of the variables <see cref="ChildEnvironment"/> removes) with <see cref="Marker"/>. The host's source is
/// asked again on every call, so tokens that rotate during a session are seen; a secret once seen stays redacted.
/// Values shorter than <see cref="MinimumLength"/> characters are ignored (they would redact noise).
/// </summary>
public sealed class SecretRedactor
{
    /// <summary>What a secret is replaced with.</summary>
    public const string Marker = "[redacted]";

    /// <summary>Shorter values are not treated as secrets.</summary>
    public const int MinimumLength = 8;

    private readonly Func<IEnumerable<string?>> _source;
    private readonly Lock _gate = new();
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);
    private string[] _ordered = [];

    /// <summary>A redactor over the secrets <paramref name="liveSecrets"/> returns (called on every use; keep it cheap).</summary>
    public SecretRedactor(Func<IEnumerable<string?>> liveSecrets)
    {
        _source = liveSecrets ?? throw new ArgumentNullException(nameof(liveSecrets));
    }

    /// <summary>Redacts nothing (tests, hosts without credentials).</summary>
    public static SecretRedactor None { get; } = new(static () => []);

    /// <summary><paramref name="text"/> with every known secret replaced by <see cref="Marker"/>.</summary>
    public string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var secrets = Current();
        foreach (var secret in secrets)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
            {
                text = text.Replace(secret, Marker, StringComparison.Ordinal);
            }
        }

        return text;
    }

    /// <summary>Like <see cref="Redact(string)"/>, for a value that may be null.</summary>
    public string? RedactOrNull(string? text) => text is null ? null : Redact(text);

    /// <summary>A redactor for text that arrives in pieces (a secret may be split across two pieces).</summary>
    public StreamRedaction BeginStream() => new(this);

    /// <summary>The secrets, longest first (so a secret containing another is replaced whole).</summary>
    internal string[] Current()
    {
        IEnumerable<string?> fresh;
        try
        {
            fresh = _source() ?? [];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            fresh = [];
        }

        lock (_gate)
        {
            var changed = false;
            foreach (var value in fresh)
            {
                if (value is { Length: >= MinimumLength } && !string.IsNullOrWhiteSpace(value) && _known.Add(value))
                {
                    changed = true;
                }
            }

            if (changed)
            {
                _ordered = [.. _known.OrderByDescending(s => s.Length).ThenBy(s => s, StringComparer.Ordinal)];
            }

            return _ordered;
        }
    }
}

/// <summary>
/// Redacts text that arrives in pieces: the end of a piece that could be the start of a secret is held back until
/// the next piece (or <see cref="Flush"/>) shows whether it is one.
/// </summary>
public sealed class StreamRedaction
{
    private readonly SecretRedactor _redactor;
    private string _held = string.Empty;

    internal StreamRedaction(SecretRedactor redactor)
    {
        _redactor = redactor;
    }

    /// <summary>The redacted text that can be shown now.</summary>
    public string Push(string piece)
    {
        ArgumentNullException.ThrowIfNull(piece);
        var text = _held + piece;
        var secrets = _redactor.Current();
        var hold = HeldLength(text, secrets);
        _held = text[(text.Length - hold)..];
        return _redactor.Redact(text[..(text.Length - hold)]);
    }

    /// <summary>Whatever was held back, redacted.</summary>
    public string Flush()
    {
        var rest = _held;
        _held = string.Empty;
        return _redactor.Redact(rest);
    }

    /// <summary>The length of the longest end of <paramref name="text"/> that is a proper start of a secret.</summary>
    private static int HeldLength(string text, string[] secrets)
    {
        var longest = 0;
        foreach (var secret in secrets)
        {
            var from = Math.Max(0, text.Length - secret.Length + 1);
            for (var i = from; i < text.Length && text.Length - i > longest; i++)
            {
                if (text[i] == secret[0] && secret.AsSpan().StartsWith(text.AsSpan(i), StringComparison.Ordinal))
                {
                    longest = text.Length - i;
                    break;
                }
            }
        }

        return longest;
    }
}
