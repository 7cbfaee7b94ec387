using System.Collections;
using System.Diagnostics;

namespace KimiCode.Agent.Secrets;

/// <summary>
/// The environment every process kimi starts for a tool (Bash, later hooks and MCP stdio servers) gets: ours, minus
/// the credentials. Always removed: <c>KIMI_API_KEY</c>, <c>KIMI_BASE_URL</c>, <c>KIMI_MODEL_NAME</c>,
/// <c>KIMI_OAUTH_HOST</c> and every <c>KIMI_CODE_*</c> variable but <c>KIMI_CODE_HOME</c>; plus the names the host
/// adds (the variables a provider's <c>env</c> table names, see <c>Hosting/ToolSecrets.cs</c>). A name listed in
/// <c>[tools] pass_env</c> is kept even so: the user asked for it by name.
/// </summary>
public sealed class ChildEnvironment
{
    /// <summary>Variables removed whatever the config says (unless passed by name).</summary>
    public static readonly IReadOnlyList<string> AlwaysRemoved = ["KIMI_API_KEY", "KIMI_BASE_URL", "KIMI_MODEL_NAME", "KIMI_OAUTH_HOST", "KIMI_WEB_SEARCH_API_KEY", "KIMI_WEB_FETCH_API_KEY"];

    /// <summary>The prefix of kimi's own auth and endpoint overrides; every such variable is removed.</summary>
    public const string KimiCodePrefix = "KIMI_CODE_";

    /// <summary>The one <see cref="KimiCodePrefix"/> variable that is no secret and is kept (where the data folder is).</summary>
    public const string KeptHomeVariable = "KIMI_CODE_HOME";

    private readonly HashSet<string> _removed;
    private readonly HashSet<string> _passed;

    /// <summary>An environment that removes <see cref="AlwaysRemoved"/>, <c>KIMI_CODE_*</c> and <paramref name="removed"/>, except the names in <paramref name="passed"/>.</summary>
    public ChildEnvironment(IEnumerable<string>? removed = null, IEnumerable<string>? passed = null)
    {
        _removed = new HashSet<string>(AlwaysRemoved, StringComparer.Ordinal);
        foreach (var name in removed ?? [])
        {
            if (!string.IsNullOrEmpty(name))
            {
                _removed.Add(name);
            }
        }

        _passed = new HashSet<string>(passed ?? [], StringComparer.Ordinal);
    }

    /// <summary>Removes only the fixed set (no config known): what a runner uses when nobody told it more.</summary>
    public static ChildEnvironment Default { get; } = new();

    /// <summary>The names removed besides the <c>KIMI_CODE_*</c> prefix.</summary>
    public IReadOnlyCollection<string> RemovedNames => _removed;

    /// <summary>The names the user passes explicitly (<c>[tools] pass_env</c>).</summary>
    public IReadOnlyCollection<string> PassedNames => _passed;

    /// <summary>True when a child must not see <paramref name="name"/>.</summary>
    public bool IsRemoved(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_passed.Contains(name))
        {
            return false;
        }

        return _removed.Contains(name)
            || (name.StartsWith(KimiCodePrefix, StringComparison.Ordinal) && name != KeptHomeVariable);
    }

    /// <summary>Removes every variable a child must not see from <paramref name="start"/>'s environment (call before <see cref="Process.Start()"/>).</summary>
    public void ApplyTo(ProcessStartInfo start)
    {
        ArgumentNullException.ThrowIfNull(start);
        ApplyTo(start.Environment);
    }

    /// <summary>Removes every variable a child must not see from <paramref name="environment"/>.</summary>
    public void ApplyTo(IDictionary<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        foreach (var name in environment.Keys.Where(IsRemoved).ToList())
        {
            environment.Remove(name);
        }
    }

    /// <summary>
    /// The names to blank for a process whose environment we do not build (an editor's terminal): the fixed and
    /// configured names, plus every <c>KIMI_CODE_*</c> name present in <paramref name="ours"/>.
    /// </summary>
    public IReadOnlyList<string> NamesToBlank(IDictionary ours)
    {
        ArgumentNullException.ThrowIfNull(ours);
        var names = new SortedSet<string>(_removed.Where(IsRemoved), StringComparer.Ordinal);
        foreach (DictionaryEntry entry in ours)
        {
            if (entry.Key is string name && IsRemoved(name))
            {
                names.Add(name);
            }
        }

        return [.. names];
    }
}
