using KimiCode.Config;
using System.Text;
using System.Text.RegularExpressions;
using KimiCode.Agent.Permissions.Shell;
using KimiCode.Agent.Tools;
using KimiCode.Protocol;

namespace KimiCode.Agent.Permissions;

/// <summary>
/// One allow/ask/deny rule: <c>Tool</c> (every call of it) or <c>Tool(pattern)</c>.
/// <list type="bullet">
/// <item><c>Bash(pattern)</c> matches commands; <c>*</c> matches anything (so <c>Bash(git status*)</c> is a prefix rule;
/// <c>Bash(npm run test:*)</c> means the same as <c>Bash(npm run test*)</c>). The command line is parsed by
/// <see cref="ShellParser"/> into simple commands (nested ones from <c>$(…)</c>, backquotes, <c>bash -c</c>,
/// <c>xargs</c> and <c>find -exec</c> included), wrappers such as <c>env</c>, <c>sudo</c> and <c>nohup</c> looked through,
/// quotes removed, words joined by single spaces and program paths reduced to their names. A deny or ask rule
/// matches when the line as written or any command does (and when the line is too long or deep to examine). An allow
/// rule matches only a line that parsed fully and whose every command it matches (see
/// <see cref="ShellCommand.AllowText"/>); the policy combines allow rules and checks redirections.</item>
/// <item>File rules (<c>Read</c>, <c>Edit</c>, <c>Write</c> and any other tool) match the call's path
/// <see cref="PreparedToolCall.Subject"/> with gitignore-like globs: <c>*</c> stays within one path segment, <c>**</c>
/// spans any depth, a pattern without <c>/</c> matches a file name at any depth, a pattern with <c>/</c> is relative
/// to the working directory, a pattern starting with <c>/</c> (or <c>//</c>) is an absolute path, and a pattern that
/// matches a folder matches everything in it.</item>
/// <item><c>Edit</c> rules also cover <c>Write</c>; <c>Read</c> rules also cover <c>Grep</c> and <c>Glob</c>; the official
/// <c>TodoList</c>/<c>SetTodoList</c> name our <c>TodoWrite</c>.</item>
/// <item><c>FetchURL(domain:example.com)</c> matches URLs whose host is example.com or a subdomain of it;
/// <c>FetchURL(https://docs.example.com/*)</c> matches URLs with a glob (<c>*</c> is any text). Both match the URL's
/// canonical spelling (<see cref="Tools.Web.WebUrl.Canonical"/>: lower-case scheme and host, no trailing dot, default
/// port or user name), so a respelt URL cannot slip past a rule; a glob without <c>://</c> also matches the URL
/// without its scheme.</item>
/// <item>The tool name may be a glob (<c>mcp__github__*</c>, <c>*</c>), without an argument pattern.</item>
/// <item>An argument pattern starting with <c>!</c> matches what the rest does not match. The complement is taken
/// with the opposite strictness, so a rewrite cannot slip between the two: a negated deny or ask rule matches unless
/// the rest would allow the call as an allow rule (every command of a fully parsed line, every path form); a negated
/// allow rule matches only when the rest would match nothing as a deny rule.</item>
/// <item>A path pattern starting with <c>~/</c> is in the user's home folder. Deny and ask path patterns ignore case
/// (<c>Read(.env)</c> also catches <c>.ENV</c>, the same file on a case-insensitive file system); allow patterns do not.</item>
/// </list>
/// </summary>
public sealed class PermissionRule
{
    /// <summary>The error code for an invalid rule or mode in the configuration.</summary>

    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Stands for the arguments <c>xargs</c> or <c>find -exec … +</c> add at run time.</summary>
    private const string OpenArgument = "\u2026";
    private readonly Regex? _commandPattern;
    private readonly GlobPattern? _pathPattern;
    private readonly bool _absolute;
    private readonly bool _negated;
    private readonly Regex? _toolGlob;
    private readonly OptionSet? _options;
    private UrlPattern? _url;

    private PermissionRule(string text, string toolName, string? pattern, PermissionDecision decision, Regex? commandPattern, GlobPattern? pathPattern, bool absolute, bool negated)
    {
        Text = text;
        ToolName = toolName;
        Pattern = pattern;
        Decision = decision;
        _commandPattern = commandPattern;
        _pathPattern = pathPattern;
        _absolute = absolute;
        _negated = negated;
        _toolGlob = toolName.AsSpan().IndexOfAny('*', '?') >= 0 ? new Regex("^" + GlobToRegex(toolName) + "$", RegexOptions.CultureInvariant, MatchTimeout) : null;
        _options = commandPattern is not null && decision != PermissionDecision.Allow && !negated ? OptionSet.Of(pattern!) : null;
    }

    /// <summary>Why the rule exists (<c>reason</c> of a <c>[[permission.rules]]</c> entry), shown when it denies; null if none.</summary>
    public string? Reason { get; private set; }

    /// <summary>The rule as written.</summary>
    public string Text { get; }

    /// <summary>The tool it names (<c>Bash</c>, <c>Edit</c>, ...).</summary>
    public string ToolName { get; }

    /// <summary>The text in parentheses, or null for every call of the tool.</summary>
    public string? Pattern { get; }

    /// <summary>What the rule decides when it matches.</summary>
    public PermissionDecision Decision { get; }

    /// <inheritdoc />
    public override string ToString() => Text;

    /// <summary>
    /// Parses <c>Tool</c> or <c>Tool(pattern)</c>. Throws <see cref="KimiCodeException"/> with code
    /// <see cref="ConfigErrorCodes.InvalidPermissionRule"/> and a one-line message when the rule is malformed.
    /// </summary>
    /// <param name="text">The rule.</param>
    /// <param name="decision">What it decides.</param>
    /// <param name="userHome">The home folder a <c>~/</c> path pattern starts in (null: such a pattern names a folder <c>~</c>).</param>
    /// <param name="reason">Why the rule exists (see <see cref="Reason"/>).</param>
    public static PermissionRule Parse(string text, PermissionDecision decision, string? userHome = null, string? reason = null)
    {
        var rule = ParseRule(text, decision, userHome);
        rule.Reason = reason;
        return rule;
    }

    private static PermissionRule ParseRule(string text, PermissionDecision decision, string? userHome)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw Invalid(text ?? "", "it is empty");
        }

        var trimmed = text.Trim();
        string toolName;
        string? pattern = null;
        var negated = false;
        var open = trimmed.IndexOf('(', StringComparison.Ordinal);
        if (open < 0)
        {
            if (trimmed.Contains(')', StringComparison.Ordinal))
            {
                throw Invalid(text, "it has ')' without '('");
            }

            toolName = trimmed;
        }
        else
        {
            if (!trimmed.EndsWith(')'))
            {
                throw Invalid(text, "it must end with ')'");
            }

            toolName = trimmed[..open].Trim();
            pattern = trimmed[(open + 1)..^1].Trim();
            if (pattern.StartsWith('!'))
            {
                negated = true;
                pattern = pattern[1..].Trim();
                if (pattern.Length == 0 || pattern is "*" or "**")
                {
                    throw Invalid(text, "'!' must be followed by what the rule does not cover, and '!*' would cover nothing");
                }
            }

            if (pattern.Length == 0 || pattern is "*" or "**")
            {
                pattern = null; // Tool() and Tool(*) mean every call
            }
        }

        if (toolName.Length == 0)
        {
            throw Invalid(text, "the tool name before '(' is missing");
        }

        foreach (var c in toolName)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '*' or '?'))
            {
                throw Invalid(text, $"'{toolName}' is not a tool name (letters, digits, '_', '-', '.', and '*' or '?' as wildcards)");
            }
        }

        if (pattern is null)
        {
            return new PermissionRule(trimmed, toolName, null, decision, null, null, false, false);
        }

        if (toolName.AsSpan().IndexOfAny('*', '?') >= 0)
        {
            throw Invalid(text, $"a tool name with wildcards ('{toolName}') takes no argument pattern; name one tool, e.g. Bash(rm -rf*), or drop the parentheses");
        }

        if (toolName == "Bash")
        {
            return new PermissionRule(trimmed, toolName, pattern, decision, CompileCommandPattern(pattern), null, false, negated);
        }

        if (toolName == "FetchURL")
        {
            return new PermissionRule(trimmed, toolName, pattern, decision, null, null, false, negated) { _url = UrlPattern.Parse(text, pattern, Invalid) };
        }

        var path = pattern;
        if (userHome is { Length: > 0 } && (path == "~" || path.StartsWith("~/", StringComparison.Ordinal)))
        {
            path = userHome.TrimEnd('/') + "/" + path[1..].TrimStart('/');
        }

        if (path.StartsWith("./", StringComparison.Ordinal))
        {
            path = path[2..];
        }

        var absolute = path.StartsWith('/');
        if (absolute)
        {
            path = "/" + path.TrimStart('/');
        }

        path = path.TrimEnd('/');
        if (path.Length == 0)
        {
            path = absolute ? "/" : "**";
        }

        // An absolute pattern is anchored at the file-system root; a relative one floats when it has no slash.
        var glob = absolute ? path.TrimStart('/') : path;
        // Case is ignored where that makes the rule catch more (deny and ask; the rest of a negated allow), as the
        // official client ignores it everywhere: on a case-insensitive file system .ENV is .env. Allow rules stay exact.
        var ignoreCase = decision != PermissionDecision.Allow != negated;
        if (!GlobPattern.TryParse(glob, floating: !absolute, out var compiled, out var error, ignoreCase))
        {
            throw Invalid(text, error!);
        }

        return new PermissionRule(trimmed, toolName, pattern, decision, null, compiled, absolute, negated);
    }

    /// <summary>True when the rule applies to a call of <paramref name="toolName"/>.</summary>
    public bool Matches(string toolName, PreparedToolCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (!CoversTool(toolName))
        {
            return false;
        }

        if (Pattern is null)
        {
            return true;
        }

        if (_commandPattern is not null)
        {
            return MatchesCommand(call.Subject);
        }

        return _url is not null ? _url.Matches(call.Subject, ignoreCase: Decision != PermissionDecision.Allow != _negated) != _negated : MatchesPath(call.Subject);
    }

    /// <summary>
    /// True when this rule applies to <paramref name="toolName"/> and, for a path rule, matches <paramref name="subject"/>
    /// (a path relative to the working directory with forward slashes, or an absolute path): how the policy matches the
    /// resolved real path of a call besides the path as written. Command rules never match a path.
    /// </summary>
    internal bool MatchesPathSubject(string toolName, string subject)
    {
        if (!CoversTool(toolName) || _commandPattern is not null || _url is not null)
        {
            return false;
        }

        return Pattern is null || MatchesPath(subject);
    }

    /// <summary>True for a rule that names a tool without a pattern, or matches paths.</summary>
    internal bool IsPathRule => _commandPattern is null;

    private bool CoversTool(string toolName) => ToolName switch
    {
        _ when _toolGlob is not null => IsMatch(_toolGlob, toolName),
        _ when string.Equals(ToolName, toolName, StringComparison.Ordinal) => true,
        "Edit" => toolName is "Write" or "MultiEdit" or "NotebookEdit",
        "Read" => toolName is "Grep" or "Glob" or "ReadMediaFile",
        "TodoList" or "SetTodoList" => toolName is "TodoWrite",
        _ => false,
    };

    /// <summary>
    /// True when this rule allows <paramref name="command"/>, one simple command of a call of <paramref name="toolName"/>:
    /// a rule without a pattern covers every command of its tool; a command rule must match the command's
    /// <see cref="ShellCommand.AllowText"/> (followed by one more argument when the command gets arguments at run time).
    /// </summary>
    internal bool AllowsCommand(string toolName, ShellCommand command)
    {
        if (!CoversTool(toolName))
        {
            return false;
        }

        if (Pattern is null)
        {
            return true;
        }

        if (_commandPattern is null)
        {
            return false;
        }

        // Negated: the command must be one the rest would not catch in any form (a deny rule's view).
        return _negated ? !command.Views.Any(IsCommandMatch) && !IsCommandMatch(command.AllowText) : MatchesAllowText(command);
    }

    /// <summary>True when the pattern matches what an allow rule sees of <paramref name="command"/> (with a stand-in for arguments added at run time).</summary>
    private bool MatchesAllowText(ShellCommand command)
        => IsCommandMatch(command.OpenArguments ? command.AllowText + " " + OpenArgument : command.AllowText);

    /// <summary>True for a rule that matches commands by pattern.</summary>
    internal bool IsCommandRule => _commandPattern is not null;

    /// <summary>True when the rule is about calls of <paramref name="toolName"/> (its name, a glob over names, or an alias).</summary>
    internal bool AppliesTo(string toolName) => CoversTool(toolName);

    private bool IsCommandMatch(string part) => IsMatch(_commandPattern!, part);

    private static bool IsMatch(Regex regex, string text)
    {
        try
        {
            return regex.IsMatch(text);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    private bool MatchesCommand(string command)
    {
        var parsed = ShellParser.Parse(command);

        // Allowing "git status*" must not allow "git status && rm -rf ~", nor anything the parser cannot classify.
        bool AllowsLine() => parsed.Complete && parsed.Commands.Count > 0 && parsed.Commands.All(MatchesAllowText);

        // Deny and ask: the line as written, its naively split parts (what matched before still matches), and every
        // simple command after normalisation and unwrapping, nested ones included. A line too long or too deep to
        // examine fully matches: padding must not hide a denied command.
        bool CatchesLine() => parsed.Truncated
            || IsCommandMatch(command.Trim())
            || CommandLine.Split(command).Any(IsCommandMatch)
            || parsed.Commands.Any(c => c.Views.Any(v => IsCommandMatch(v) || _options?.Matches(v) == true));

        if (_negated)
        {
            // The complement, taken with the opposite strictness (see the class comment).
            return Decision == PermissionDecision.Allow ? parsed.Complete && parsed.Commands.Count > 0 && !CatchesLine() : !AllowsLine();
        }

        return Decision == PermissionDecision.Allow ? AllowsLine() : CatchesLine();
    }

    private bool MatchesPath(string subject)
    {
        if (string.IsNullOrEmpty(subject))
        {
            return _negated && Decision != PermissionDecision.Allow;
        }

        // Deny and ask rules match when either path form does, allow rules only when both do (the policy), so the
        // complement per form keeps that: a negated deny catches a call when either form is outside the rest.
        return MatchesPositivePath(subject) != _negated;
    }

    private bool MatchesPositivePath(string subject)
    {
        var isAbsolute = subject.StartsWith('/');
        if (_absolute != isAbsolute)
        {
            return false; // relative rules cover the working directory only; absolute rules name absolute paths
        }

        var path = isAbsolute ? subject.TrimStart('/') : subject;
        if (path == ".")
        {
            return _pathPattern!.IsMatch("");
        }

        // A pattern that matches a folder covers what is inside it.
        while (true)
        {
            if (_pathPattern!.IsMatch(path))
            {
                return true;
            }

            var slash = path.LastIndexOf('/');
            if (slash <= 0)
            {
                return false;
            }

            path = path[..slash];
        }
    }

    private static Regex CompileCommandPattern(string pattern)
    {
        if (pattern.EndsWith(":*", StringComparison.Ordinal))
        {
            pattern = pattern[..^2] + "*";
        }

        return new Regex("^" + GlobToRegex(pattern) + "$", RegexOptions.CultureInvariant | RegexOptions.Singleline, MatchTimeout);
    }

    /// <summary>
    /// A command or tool-name glob as a regular expression: <c>*</c> is any text (slashes included, unlike the
    /// official client, so <c>Bash(rm -rf*)</c> also catches <c>rm -rf /</c>), <c>?</c> one character, <c>[abc]</c> and
    /// <c>[!abc]</c> classes, <c>{a,b}</c> alternatives, <c>\x</c> a literal x (as the official client escapes them).
    /// </summary>
    private static string GlobToRegex(string glob)
    {
        var regex = new StringBuilder();
        var braces = 0;
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            switch (c)
            {
                case '\\' when i + 1 < glob.Length:
                    regex.Append(Regex.Escape(glob[++i].ToString()));
                    break;
                case '*':
                    regex.Append(".*");
                    break;
                case '?':
                    regex.Append('.');
                    break;
                case '[' when ClassEnd(glob, i) is var close and > 0:
                    var negate = glob[i + 1] is '!' or '^';
                    var body = glob[(i + (negate ? 2 : 1))..close];
                    regex.Append('[').Append(negate ? "^" : "").Append(body.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("[", "\\[", StringComparison.Ordinal)).Append(']');
                    i = close;
                    break;
                case '{' when glob.IndexOf('}', i + 1) > 0:
                    braces++;
                    regex.Append("(?:");
                    break;
                case ',' when braces > 0:
                    regex.Append('|');
                    break;
                case '}' when braces > 0:
                    braces--;
                    regex.Append(')');
                    break;
                default:
                    regex.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }

        return regex.ToString();
    }

    /// <summary>The index of the <c>]</c> closing a non-empty class opened at <paramref name="open"/>, or -1 (then the <c>[</c> is literal).</summary>
    private static int ClassEnd(string glob, int open)
    {
        var start = open + 1 < glob.Length && glob[open + 1] is '!' or '^' ? open + 2 : open + 1;
        var close = start < glob.Length ? glob.IndexOf(']', start) : -1;
        return close > start ? close : -1;
    }

    /// <summary>
    /// A deny or ask pattern of the form <c>prog -letters</c> (optionally followed by <c>*</c>), e.g. <c>rm -rf*</c>, also
    /// matches the same short options written in another order or split (<c>rm -fr</c>, <c>rm -r -f</c>, <c>rm x -rf</c>),
    /// and for <c>rm</c> the aliases <c>-R</c>, <c>--recursive</c>, <c>--force</c>: the letters are a set, not a spelling.
    /// Without the <c>*</c>, the command must have exactly those options and nothing else.
    /// </summary>
    private sealed record OptionSet(string Program, IReadOnlySet<char> Letters, bool Open)
    {
        private static readonly Regex Shape = new(@"^([A-Za-z0-9_.+\-]+) -([A-Za-z]+)( ?\*)?$", RegexOptions.CultureInvariant, MatchTimeout);

        public static OptionSet? Of(string pattern)
        {
            var match = Shape.Match(pattern);
            if (!match.Success)
            {
                return null;
            }

            var program = match.Groups[1].Value;
            return new OptionSet(program, match.Groups[2].Value.Select(c => Canonical(program, c)).ToHashSet(), match.Groups[3].Success);
        }

        public bool Matches(string view)
        {
            var words = view.Split(' ');
            if (words[0] != Program)
            {
                return false;
            }

            var letters = new HashSet<char>();
            var others = 0;
            for (var i = 1; i < words.Length; i++)
            {
                var word = words[i];
                if (word == "--")
                {
                    others += words.Length - i - 1;
                    break;
                }

                if (word.StartsWith("--", StringComparison.Ordinal) && LongAlias(Program, word[2..]) is { } alias)
                {
                    letters.Add(alias);
                }
                else if (word.Length > 1 && word[0] == '-' && word[1] != '-' && word.Skip(1).All(char.IsAsciiLetter))
                {
                    letters.UnionWith(word.Skip(1).Select(c => Canonical(Program, c)));
                }
                else
                {
                    others++;
                }
            }

            return Letters.IsSubsetOf(letters) && (Open || (others == 0 && Letters.SetEquals(letters)));
        }

        private static char Canonical(string program, char letter) => program == "rm" && letter == 'R' ? 'r' : letter;

        private static char? LongAlias(string program, string name) => (program, name) switch
        {
            ("rm", "recursive") => 'r',
            ("rm", "force") => 'f',
            _ => null,
        };
    }

    private static KimiCodeException Invalid(string text, string problem)
        => new(ConfigErrorCodes.InvalidPermissionRule, $"Invalid permission rule '{text}': {problem}. Write Tool or Tool(pattern), for example Bash(git status*), Edit(src/**) or Read(*.md).");
}

/// <summary>Just enough shell syntax to split a command line into the commands it chains.</summary>
internal static class CommandLine
{
    /// <summary>Splits at <c>&amp;&amp;</c>, <c>||</c>, <c>;</c>, <c>|</c>, <c>&amp;</c> and newlines outside quotes; parts are trimmed, empty ones dropped.</summary>
    public static List<string> Split(string command)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        var single = false;
        var dbl = false;
        for (var i = 0; i < command.Length; i++)
        {
            var c = command[i];
            if (c == '\\' && !single && i + 1 < command.Length)
            {
                current.Append(c).Append(command[i + 1]);
                i++;
                continue;
            }

            if (c == '\'' && !dbl)
            {
                single = !single;
            }
            else if (c == '"' && !single)
            {
                dbl = !dbl;
            }
            else if (!single && !dbl && (c is ';' or '|' or '\n' or '&'))
            {
                // "2>&1" and ">&" are redirections, not a background '&'.
                if (c == '&' && i > 0 && command[i - 1] == '>')
                {
                    current.Append(c);
                    continue;
                }

                Flush(parts, current);
                if (i + 1 < command.Length && (command[i + 1] == c) && c is '&' or '|')
                {
                    i++;
                }

                continue;
            }

            current.Append(c);
        }

        Flush(parts, current);
        return parts;
    }

    private static void Flush(List<string> parts, StringBuilder current)
    {
        var part = current.ToString().Trim();
        if (part.Length > 0)
        {
            parts.Add(part);
        }

        current.Clear();
    }
}
