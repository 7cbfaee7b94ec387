using System.Text.RegularExpressions;

namespace KimiCode.Agent.Permissions.Shell;

/// <summary>
/// Turns the words of one simple command into <see cref="ShellCommand"/>s: wrappers (<c>env</c>, <c>command</c>,
/// <c>exec</c>, <c>nohup</c>, <c>time</c>, <c>sudo</c>, <c>doas</c>, <c>nice</c>, <c>timeout</c>, <c>stdbuf</c>,
/// <c>setsid</c>, <c>builtin</c>, <c>busybox</c>, <c>ionice</c>, <c>unbuffer</c>, <c>taskset</c>, <c>flock</c>, <c>watch</c>,
/// <c>strace</c>, <c>ltrace</c>, <c>chroot</c>) are unwrapped to the command they run; <c>xargs cmd</c>,
/// <c>find … -exec cmd … ;</c> and the string of <c>bash -c</c>/<c>sh -c</c>/<c>zsh -c</c>/<c>dash -c</c>/<c>su -c</c>/<c>script -c</c>/<c>flock -c</c>
/// add the commands they run next to their own.
/// </summary>
internal static partial class CommandUnwrapper
{
    [GeneratedRegex(@"\$\{IFS[^}]*\}|\$IFS(?![A-Za-z0-9_])", RegexOptions.CultureInvariant)]
    private static partial Regex IfsExpansion();

    [GeneratedRegex(@"\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*|\$[@*#?$!0-9-]", RegexOptions.CultureInvariant)]
    private static partial Regex Expansion();

    private const int MaxLayers = 64;

    /// <summary>Folders whose programs an allow rule names by file name: <c>/usr/bin/git</c> is <c>git</c>.</summary>
    private static readonly string[] SystemBinFolders = ["/bin/", "/sbin/", "/usr/bin/", "/usr/sbin/", "/usr/local/bin/", "/usr/local/sbin/", "/opt/homebrew/bin/"];

    private static readonly HashSet<string> Shells = new(StringComparer.Ordinal) { "bash", "sh", "zsh", "dash", "ksh", "mksh", "ash", "yash", "posh", "rbash" };

    /// <summary>Commands that run other commands from their arguments: an expansion in any of their words is not checked.</summary>
    private static readonly HashSet<string> Runners = new(StringComparer.Ordinal)
    {
        "env", "command", "builtin", "exec", "nohup", "time", "sudo", "doas", "nice", "timeout", "stdbuf", "setsid",
        "busybox", "xargs", "find", "eval", "su", "ionice", "unbuffer", "taskset", "flock", "watch", "strace", "ltrace", "chroot", "script", "bash", "sh", "zsh", "dash", "ksh", "mksh", "ash", "yash", "posh", "rbash",
    };

    /// <summary>Adds the command(s) <paramref name="words"/> run.</summary>
    public static void Add(ShellParser parser, ShellParser.State state, IReadOnlyList<ShellWord> assignments, IReadOnlyList<ShellWord> words, List<ShellRedirect> redirects, bool openArguments, int depth = 0)
    {
        if (depth > ShellParser.MaxDepth)
        {
            parser.Truncate("the command nests too deeply to check");
            return;
        }

        if (openArguments && assignments.Count == 0)
        {
            // xargs and find run the program directly: NAME=value there is a (strange) program name, kept visible.
            var leading = words.TakeWhile(static w => IsAssignmentText(Text(w))).Count();
            if (leading > 0 && leading < words.Count)
            {
                assignments = words.Take(leading).ToList();
                words = words.Skip(leading).ToList();
            }
        }

        var views = new List<string>();
        var prefix = assignments.Select(static a => a.Text.ToString()).ToList();
        var allowStart = 0;
        var frozen = prefix.Count > 0;
        var i = 0;
        for (var layer = 0; ; layer++)
        {
            if (layer > MaxLayers)
            {
                parser.Truncate("the command has too many wrappers to check");
                break;
            }

            var program = words[i];
            var name = ProgramName(program.Text.ToString());
            views.Add(Join(name, words, i + 1));
            if (program.Text.ToString() != name)
            {
                views.Add(Join(program.Text.ToString(), words, i + 1));
            }

            if (!program.IsLiteral)
            {
                parser.Fail("the program name is computed (an expansion, a substitution or a glob)");
                break;
            }

            if (Runners.Contains(name) && Enumerable.Range(i + 1, words.Count - i - 1).Any(k => words[k].Dynamic))
            {
                parser.Fail($"'{name}' runs a command built from an expansion");
                break;
            }

            int next;
            var harmless = true;
            switch (name)
            {
                case "cd" or "pushd" or "popd":
                    state.ChangesDirectory = true;
                    next = -1;
                    break;
                case "command":
                    next = i + 1 < words.Count && Text(words[i + 1]) is ['-', 'v' or 'V', ..] ? -1 : SkipOptions(words, i + 1, "", []);
                    break;
                case "builtin" or "nohup" or "setsid" or "busybox":
                    next = SkipOptions(words, i + 1, "", []);
                    break;
                case "exec":
                    next = SkipOptions(words, i + 1, "a", []);
                    break;
                case "time":
                    if (words.Skip(i + 1).Any(static w => Text(w) is "-o" or "--output" || Text(w).StartsWith("--output=", StringComparison.Ordinal)))
                    {
                        parser.Fail("'time -o' writes a file");
                    }

                    next = SkipOptions(words, i + 1, "fo", ["--format", "--output"]);
                    break;
                case "nice":
                    next = SkipOptions(words, i + 1, "n", ["--adjustment"]);
                    break;
                case "timeout":
                    next = SkipOptions(words, i + 1, "sk", ["--signal", "--kill-after"]);
                    next = next < words.Count ? next + 1 : next; // the duration
                    break;
                case "stdbuf":
                    next = SkipOptions(words, i + 1, "ioe", ["--input", "--output", "--error"]);
                    break;
                case "ionice":
                    next = SkipOptions(words, i + 1, "cnp", ["--class", "--classdata", "--pid"]);
                    break;
                case "unbuffer":
                    next = SkipOptions(words, i + 1, "", []);
                    break;
                case "taskset":
                    next = SkipOptions(words, i + 1, "", []);
                    next = next < words.Count ? next + 1 : next; // the mask or CPU list
                    break;
                case "flock":
                    harmless = false; // it creates its lock file
                    if (ParseCommandOption(parser, words, i + 1, "-c", "--command"))
                    {
                        next = -1;
                        break;
                    }

                    next = SkipOptions(words, i + 1, "Ew", ["--conflict-exit-code", "--wait", "--timeout"]);
                    next = next < words.Count ? next + 1 : next; // the lock file
                    break;
                case "watch" or "strace" or "ltrace" or "chroot":
                    harmless = false;
                    next = name switch
                    {
                        "watch" => SkipOptions(words, i + 1, "nq", ["--interval", "--equexit"]),
                        "chroot" => SkipOptions(words, i + 1, "", []) is var dir && dir < words.Count ? dir + 1 : words.Count,
                        _ => SkipOptions(words, i + 1, "oepsuEaIbPXO", ["--output", "--trace", "--attach", "--user", "--env"]),
                    };
                    break;
                case "script":
                    ParseCommandOption(parser, words, i + 1, "-c", "--command");
                    next = -1;
                    break;
                case "sudo":
                    harmless = false;
                    if (words.Skip(i + 1).Any(static w => Text(w) is "-e" or "--edit"))
                    {
                        next = -1; // sudoedit: no command
                        break;
                    }

                    next = SkipAssignments(words, SkipOptions(words, i + 1, "ughpCDrtUTR", ["--user", "--group", "--host", "--prompt", "--close-from", "--chdir", "--role", "--type", "--other-user", "--command-timeout", "--chroot"]));
                    break;
                case "doas":
                    harmless = false;
                    next = SkipOptions(words, i + 1, "uC", []);
                    break;
                case "env":
                    next = SkipEnv(parser, words, i + 1, out harmless);
                    break;
                case "xargs":
                    next = SkipOptions(words, i + 1, "adEILnPs", ["--arg-file", "--delimiter", "--max-args", "--max-procs", "--max-chars", "--process-slot-var"]);
                    if (next < words.Count)
                    {
                        Add(parser, state, [], Slice(words, next, words.Count), [], openArguments: true, depth + 1);
                    }

                    next = -1;
                    break;
                case "find":
                    AddFindActions(parser, state, words, i + 1, depth);
                    next = -1;
                    break;
                case "eval":
                    parser.Fail("'eval' is not checked");
                    parser.ParseNested(string.Join(' ', words.Skip(i + 1).Select(Text)));
                    next = -1;
                    break;
                case "source" or ".":
                    parser.Fail($"'{name}' runs a script that is not checked");
                    next = -1;
                    break;
                case "su":
                    ParseCommandOption(parser, words, i + 1, "-c", "--command");
                    next = -1;
                    break;
                default:
                    if (Shells.Contains(name))
                    {
                        ParseShellString(parser, words, i + 1);
                    }

                    next = -1;
                    break;
            }

            if (next < 0 || next >= words.Count)
            {
                break;
            }

            // NAME=value after a wrapper is run as a program name (or set by env/sudo): either way, look past it.
            var afterAssignments = SkipAssignments(words, next);
            if (afterAssignments > next && afterAssignments < words.Count)
            {
                harmless = false;
                next = afterAssignments;
            }

            frozen |= !harmless;
            i = next;
            if (!frozen)
            {
                allowStart = i;
            }
        }

        // What an expansion may turn into: $IFS splits words, an unset variable or $@ is nothing.
        foreach (var view in views.Where(static v => v.Contains('$', StringComparison.Ordinal)).ToArray())
        {
            views.Add(IfsExpansion().Replace(view, " "));
            views.Add(Expansion().Replace(view, ""));
        }

        var allowWords = new List<string>(prefix) { AllowProgram(Text(words[allowStart])) };
        allowWords.AddRange(words.Skip(allowStart + 1).Select(Text));
        var allowText = string.Join(' ', allowWords);
        if (!views.Contains(allowText))
        {
            views.Add(allowText);
        }

        state.Commands.Add(new ShellCommand(views, allowText, openArguments, redirects));
    }

    /// <summary>The file name of a program path (<c>/bin/rm</c> and <c>./rm</c> are <c>rm</c>).</summary>
    public static string ProgramName(string program)
    {
        var slash = program.LastIndexOf('/');
        return slash < 0 || slash == program.Length - 1 ? program : program[(slash + 1)..];
    }

    /// <summary>The program as an allow rule sees it: reduced to its name only in a system bin folder.</summary>
    public static string AllowProgram(string program)
    {
        foreach (var folder in SystemBinFolders)
        {
            if (program.StartsWith(folder, StringComparison.Ordinal) && program.Length > folder.Length && program.IndexOf('/', folder.Length) < 0)
            {
                return program[folder.Length..];
            }
        }

        return program;
    }

    private static string Text(ShellWord word) => word.Text.ToString();

    private static string Join(string program, IReadOnlyList<ShellWord> words, int from)
        => from >= words.Count ? program : program + " " + string.Join(' ', words.Skip(from).Select(Text));

    private static List<ShellWord> Slice(IReadOnlyList<ShellWord> words, int from, int to) => words.Skip(from).Take(to - from).ToList();

    /// <summary>The index of the first word after the options (short options in <paramref name="shortWithArgument"/> and long ones in <paramref name="longWithArgument"/> take an argument).</summary>
    private static int SkipOptions(IReadOnlyList<ShellWord> words, int k, string shortWithArgument, string[] longWithArgument)
    {
        while (k < words.Count)
        {
            var w = Text(words[k]);
            if (w == "--")
            {
                return k + 1;
            }

            if (w.StartsWith("--", StringComparison.Ordinal))
            {
                k += !w.Contains('=', StringComparison.Ordinal) && longWithArgument.Contains(w) ? 2 : 1;
                continue;
            }

            if (w.Length < 2 || w[0] != '-')
            {
                return k;
            }

            var step = 1;
            for (var c = 1; c < w.Length; c++)
            {
                if (shortWithArgument.Contains(w[c], StringComparison.Ordinal))
                {
                    step = c == w.Length - 1 ? 2 : 1;
                    break;
                }
            }

            k += step;
        }

        return k;
    }

    private static int SkipAssignments(IReadOnlyList<ShellWord> words, int k)
    {
        while (k < words.Count && IsAssignmentText(Text(words[k])))
        {
            k++;
        }

        return k;
    }

    private static bool IsAssignmentText(string text)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        return equals > 0 && (char.IsAsciiLetter(text[0]) || text[0] == '_') && text[..equals].All(static c => char.IsAsciiLetterOrDigit(c) || c == '_');
    }

    /// <summary>Skips <c>env</c>'s options and assignments; <paramref name="harmless"/> is false when it changes the environment.</summary>
    private static int SkipEnv(ShellParser parser, IReadOnlyList<ShellWord> words, int k, out bool harmless)
    {
        harmless = true;
        while (k < words.Count)
        {
            var w = Text(words[k]);
            if (w == "--")
            {
                k++;
                break;
            }

            if (w is "-S" or "--split-string" || w.StartsWith("-S", StringComparison.Ordinal) || w.StartsWith("--split-string=", StringComparison.Ordinal))
            {
                parser.Fail("'env -S' is not checked");
                var separate = w is "-S" or "--split-string";
                var value = separate ? (k + 1 < words.Count ? Text(words[k + 1]) : "")
                    : w.StartsWith("--", StringComparison.Ordinal) ? w[(w.IndexOf('=', StringComparison.Ordinal) + 1)..] : w[2..];
                parser.ParseNested(value + " " + string.Join(' ', words.Skip(k + (separate ? 2 : 1)).Select(Text)));
                return -1;
            }

            if (w.StartsWith('-'))
            {
                harmless = false;
                k += w is "-u" or "-C" or "--unset" or "--chdir" ? 2 : 1;
                continue;
            }

            if (IsAssignmentText(w))
            {
                harmless = false;
                k++;
                continue;
            }

            break;
        }

        return k;
    }

    private static void AddFindActions(ShellParser parser, ShellParser.State state, IReadOnlyList<ShellWord> words, int k, int depth)
    {
        while (k < words.Count)
        {
            var w = Text(words[k]);
            if (w is "-exec" or "-execdir" or "-ok" or "-okdir")
            {
                var end = k + 1;
                while (end < words.Count && Text(words[end]) is not (";" or "+"))
                {
                    end++;
                }

                if (end >= words.Count)
                {
                    parser.Fail($"'find {w}' has no ';' or '+'");
                }

                if (end > k + 1)
                {
                    Add(parser, state, [], Slice(words, k + 1, end), [], openArguments: true, depth + 1);
                }

                k = end + 1;
                continue;
            }

            if (w is "-fprint" or "-fprint0" or "-fls" or "-fprintf" && k + 1 < words.Count)
            {
                state.Redirects.Add(new ShellRedirect(">", Text(words[k + 1]), words[k + 1].IsLiteral));
                k += 2;
                continue;
            }

            k++;
        }
    }

    private static void ParseShellString(ShellParser parser, IReadOnlyList<ShellWord> words, int k)
    {
        var command = false;
        while (k < words.Count)
        {
            var w = Text(words[k]);
            if (w is "-o" or "+o" or "-O" or "+O" or "--rcfile" or "--init-file")
            {
                k += 2;
                continue;
            }

            if (w == "--")
            {
                k++;
                break;
            }

            if (w.Length > 1 && w[0] is '-' or '+')
            {
                command |= w[0] == '-' && w[1] != '-' && w.Contains('c', StringComparison.Ordinal);
                k++;
                continue;
            }

            break;
        }

        if (command && k < words.Count)
        {
            parser.ParseNested(Text(words[k]));
        }
    }

    /// <summary>Parses the command string of <c>-c STRING</c> (or <c>--command=STRING</c>); false when there is none.</summary>
    private static bool ParseCommandOption(ShellParser parser, IReadOnlyList<ShellWord> words, int k, string shortName, string longName)
    {
        for (; k < words.Count; k++)
        {
            var w = Text(words[k]);
            var cluster = w.Length > 1 && w[0] == '-' && w[1] != '-' && w[^1] == shortName[1]; // -qc
            if ((cluster || w == longName) && k + 1 < words.Count)
            {
                parser.ParseNested(Text(words[k + 1]));
                return true;
            }

            if (w.StartsWith(longName + "=", StringComparison.Ordinal))
            {
                parser.ParseNested(w[(longName.Length + 1)..]);
                return true;
            }
        }

        return false;
    }
}
