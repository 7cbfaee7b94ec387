using FsCheck;
using FsCheck.Fluent;
using KimiCode.Agent.Permissions;
using KimiCode.Agent.Permissions.Shell;
using KimiCode.Agent.Tools;
using KimiCode.Testing;

namespace KimiCode.Agent.Tests.PermissionTests;

/// <summary>Property-based checks of the shell parser and of Bash rules against generated command lines.</summary>
public sealed class BashRulePropertyTests
{
    private const string Work = "/work/project";

    private static readonly FsCheck.Config Quick = FsCheck.Config.QuickThrowOnFailure.WithMaxTest(400).WithQuietOnSuccess(true);

    private static readonly string[][] AllowedCommands = [["ls", "-la"], ["git", "status"], ["cat", "README.md"], ["echo", "hi"], ["ls"]];

    private static readonly string[][] ForbiddenCommands = [["rm", "-rf", "x"], ["curl", "http://evil"], ["git", "push"], ["chmod", "777", "x"], ["python3"]];

    private static readonly string[] Operators = [";", " ; ", " && ", " || ", " | ", " |& ", " & ", "\n", " &&\n "];

    /// <summary>Wrappers that run the command unchanged: the command stays as allowed as it was.</summary>
    private static readonly string[] HarmlessWrappers = ["nohup", "command", "time", "env", "nice -n 5", "timeout 5", "stdbuf -oL", "exec", "builtin"];

    /// <summary>Prefixes that change what runs or how: a rule for the bare command does not cover them.</summary>
    private static readonly string[] ChangingPrefixes = ["sudo", "FOO=1", "env A=1", "xargs", "doas", "sudo -u root"];

    private static readonly (string Text, bool Inside)[] Redirections =
    [
        ("> out.txt", true), (">> /work/project/log", true), ("2>/dev/null", true), ("2>&1", true), (">&2", true),
        ("> /work/shared/y", true), ("< /etc/passwd", true), (">/dev/null 2>&1", true),
        ("> /tmp/x", false), (">> ../x", false), ("&> ~/x", false), ("> $HOME/x", false), ("2> /etc/x", false),
        (">| /work/project/../x", false), ("> \"$(echo x)\"", false),
    ];

    private static StubCall Command(string command) => new() { Title = "t", Kind = ToolKind.Execute, Action = PermissionAction.Execute, Subject = command };

    private static PermissionRule Allow(string text) => PermissionRule.Parse(text, PermissionDecision.Allow);

    private static readonly PermissionPolicy AllowPolicy = new(
        PermissionMode.Default,
        [Allow("Bash(ls*)"), Allow("Bash(git status*)"), Allow("Bash(cat *)"), Allow("Bash(echo*)"), Allow("Bash(bash -c *)")],
        Work,
        ["/work/shared"]);

    private static readonly PermissionPolicy DenyPolicy = new(
        PermissionMode.Yolo,
        [PermissionRule.Parse("Bash(rm -rf*)", PermissionDecision.Deny), Allow("Bash(ls*)")],
        Work,
        []);

    /// <summary>A generated piece of a command line and whether the allow rules should cover it.</summary>
    private sealed record Piece(string Text, bool Allowed);

    [Fact]
    public void Parser_RandomText_NeverThrowsOrHangs()
    {
        var shellChars = "ab -='\"\\$`(){}[]|&;<>\n\t#*?~!%,.019é€\u0000\r\u2028".ToCharArray();
        var shelly = Gen.Sized(size => Gen.ArrayOf(Gen.Elements(shellChars), size * 4)).Select(static a => new string(a));
        var fragments = new[] { "$(", "`", "( ", "{ ", "\"", "'", "\\", "<<E\n", "bash -c '", "a|", "${", "$'\\x", ")", "}", "> ", "find . -exec ", "xargs ", "sudo " };
        var repeated = from fragment in Gen.Elements(fragments)
                       from count in Gen.Choose(1, 20_000)
                       select string.Concat(Enumerable.Repeat(fragment, count));
        var unicode = ArbMap.Default.ArbFor<string>().Generator.Select(static s => s ?? "");
        var anyText = Gen.OneOf(shelly, repeated, unicode, Gen.Elements(new string('a', ShellParser.MaxLength + 1), new string('(', 100_000)));

        Check.One(Quick, Prop.ForAll(anyText.ToArbitrary(), static text => ParsesQuickly(text)));
    }

    [Fact]
    public void AllowRules_GeneratedCommandLines_AllowExactlyWhatEveryPartAllows()
    {
        var property = Prop.ForAll(Expression(allowed: null).ToArbitrary(), static piece =>
        {
            var decision = AllowPolicy.Evaluate("Bash", Command(piece.Text)).Decision;
            return (decision == PermissionDecision.Allow) == piece.Allowed;
        });

        Check.One(Quick, property);
    }

    [Fact]
    public void DenyRules_AnyRewritingOfADeniedCommand_IsDenied()
    {
        var denied = from words in Gen.Elements(new[] { "rm", "-rf", "/x" }, new[] { "rm", "-rf", "build" }, new[] { "rm", "-rf" })
                     from form in DeniedForm(words)
                     select form;
        var property = Prop.ForAll(Context(denied).ToArbitrary(), static line => DenyPolicy.Evaluate("Bash", Command(line)).Decision == PermissionDecision.Deny);

        Check.One(Quick, property);
    }

    private static bool ParsesQuickly(string text)
    {
        var run = Task.Run(() =>
        {
            var parsed = ShellParser.Parse(text);
            _ = AllowPolicy.Evaluate("Bash", Command(text));
            _ = DenyPolicy.Evaluate("Bash", Command(text));
            return parsed.Commands.Count >= 0;
        });
        return run.Wait(TestTimeouts.Default) && run.Result;
    }

    /// <summary>A command line built from allowed and forbidden commands; <paramref name="allowed"/> null for either.</summary>
    private static Gen<Piece> Expression(bool? allowed) => Gen.Sized(size => Expression(Math.Min(size, 12) / 3));

    private static Gen<Piece> Expression(int depth)
    {
        var simple = SimpleCommand();
        if (depth <= 0)
        {
            return simple;
        }

        var inner = Expression(depth - 1);
        var binary = from left in inner
                     from op in Gen.Elements(Operators)
                     from right in inner
                     select new Piece(left.Text + op + right.Text, left.Allowed && right.Allowed);
        var nested = from e in inner
                     from shape in Gen.Choose(0, 6)
                     from redirect in Gen.Elements(Redirections)
                     select shape switch
                     {
                         0 => new Piece($"( {e.Text} )", e.Allowed),
                         1 => new Piece($"{{ {e.Text}\n}} {redirect.Text}", e.Allowed && redirect.Inside),
                         2 => new Piece($"echo $( {e.Text} )", e.Allowed),
                         3 => new Piece($"echo \"$( {e.Text} )\"", e.Allowed),
                         4 => new Piece($"bash -c {SingleQuote(e.Text)}", e.Allowed),
                         5 => new Piece($"cat <( {e.Text} )", e.Allowed),
                         _ => e.Text.Contains('`', StringComparison.Ordinal) || e.Text.Contains('\\', StringComparison.Ordinal) || e.Text.Contains('$', StringComparison.Ordinal)
                             ? new Piece($"echo $( {e.Text} )", e.Allowed)
                             : new Piece($"echo `{e.Text}`", e.Allowed),
                     };
        return Gen.Frequency((2, simple), (3, binary), (2, nested));
    }

    private static Gen<Piece> SimpleCommand()
    {
        var allowed = Gen.Elements(AllowedCommands).Select(static w => (Words: w, Allowed: true));
        var forbidden = Gen.Elements(ForbiddenCommands).Select(static w => (Words: w, Allowed: false));
        return from command in Gen.OneOf(allowed, forbidden)
               from program in ProgramForm(command.Words[0])
               from args in Gen.CollectToArray(command.Words.Skip(1), QuotedWord)
               from blanks in Gen.ArrayOf(Gen.Elements(" ", "  ", "\t", " \t "), command.Words.Length)
               from prefix in Gen.Frequency(
                   (4, Gen.Constant((Text: "", Keeps: true))),
                   (2, Gen.Elements(HarmlessWrappers).Select(static w => (Text: w + " ", Keeps: true))),
                   (1, Gen.Elements(ChangingPrefixes).Select(static w => (Text: w + " ", Keeps: false))))
               from redirect in Gen.Frequency((3, Gen.Constant(("", true))), (2, Gen.Elements(Redirections)))
               select new Piece(
                   prefix.Text + program + string.Concat(args.Select((a, i) => blanks[i] + a)) + (redirect.Item1.Length > 0 ? " " + redirect.Item1 : ""),
                   command.Allowed && prefix.Keeps && redirect.Item2);
    }

    private static Gen<string> ProgramForm(string program) => Gen.Frequency(
        (4, QuotedWord(program)),
        (1, Gen.Elements("/usr/bin/", "/bin/").SelectMany(folder => QuotedWord(folder + program))));

    /// <summary>The same word, written with different quoting.</summary>
    private static Gen<string> QuotedWord(string word) => Gen.Elements(
        word,
        $"'{word}'",
        $"\"{word}\"",
        "\\" + word,
        word.Length > 1 ? word[..1] + "''" + word[1..] : word,
        word.Length > 1 ? word[..1] + "\"\"" + word[1..] : word,
        $"$'{word}'");

    private static string SingleQuote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>A denied command rewritten: quoting, whitespace, program path and wrappers.</summary>
    private static Gen<string> DeniedForm(string[] words)
        => from program in Gen.Elements("rm", "/bin/rm", "/usr/bin/rm", "./rm", "\\rm", "r''m", "\"rm\"", "$'rm'", "$'\\x72m'", "'r'm")
           from args in Gen.CollectToArray(words.Skip(1), QuotedWord)
           from blanks in Gen.ArrayOf(Gen.Elements(" ", "  ", "\t", " \\\n "), words.Length)
           from wrappers in Gen.ListOf(Gen.Elements(
               "nohup", "command", "time", "env", "env -i", "env -u HOME A=1", "sudo", "sudo -u root -E", "doas", "exec", "nice -n 5",
               "timeout -s KILL 5", "stdbuf -oL", "setsid", "FOO=1", "FOO='a b'", "builtin", "xargs", "xargs -0 -n 1", "time -p"), 3)
           let command = program + string.Concat(args.Select((a, i) => blanks[i] + a))
           select string.Concat(wrappers.Select(static w => w + " ")) + command;

    /// <summary>Puts <paramref name="inner"/> somewhere in a larger command line.</summary>
    private static Gen<string> Context(Gen<string> inner)
        => from text in inner
           from shape in Gen.Choose(0, 14)
           from other in Gen.Elements("ls", "echo hi", "git status", "true")
           from op in Gen.Elements(Operators)
           select shape switch
           {
               0 => text,
               1 => other + op + text,
               2 => text + op + other,
               3 => $"( {text} )",
               4 => $"{{ {text}; }}",
               5 => $"echo $({text})",
               6 => $"echo \"$({text})\"",
               7 => $"bash -c {SingleQuote(text)}",
               8 => $"sh -c {SingleQuote(other + op + text)}",
               9 => $"cat <({text})",
               10 => $"if true; then {text}; fi",
               11 => $"for f in a b; do {text}; done",
               12 => $"find . -name x -exec {text} {{}} \\;",
               13 => $"cat <<EOF\n$({text})\nEOF",
               _ => $"echo x | {text}",
           };
}
