using KimiCode.Config.Toml;

namespace KimiCode.Config;

/// <summary>Reads the permission keys of config.toml (official and ours) into a <see cref="PermissionsConfig"/>.</summary>
internal static class PermissionsConfigReader
{
    private static readonly string[] Decisions = ["allow", "deny", "ask"];
    private static readonly string[] Scopes = ["turn-override", "session-runtime", "project", "user"];
    private static readonly string[] OurModes = ["default", "manual", "accept-edits", "yolo", "auto", "plan"];

    public static PermissionsConfig Read(TomlTable document, string? sourcePath, Func<string[], int> lineOfKey)
    {
        var problems = new List<(int, string)>();
        var file = sourcePath ?? "config.toml";

        string? officialMode = null;
        if (document.TryGetValue("default_permission_mode", out var rawMode))
        {
            if (rawMode is string mode && PermissionsConfig.OfficialModes.Contains(mode))
            {
                officialMode = mode;
            }
            else
            {
                problems.Add((lineOfKey(["default_permission_mode"]),
                    $"default_permission_mode is {Describe(rawMode)}; use \"manual\" (ask before edits and commands), \"yolo\" (approve tool actions) or \"auto\" (never ask)"));
            }
        }

        bool? planMode = null;
        if (document.TryGetValue("default_plan_mode", out var rawPlan))
        {
            if (rawPlan is bool plan)
            {
                planMode = plan;
            }
            else
            {
                problems.Add((lineOfKey(["default_plan_mode"]), $"default_plan_mode is {Describe(rawPlan)}; use true or false"));
            }
        }

        var rules = new List<ConfiguredPermissionRule>();
        if (document.TryGetValue("permission", out var rawPermission))
        {
            if (rawPermission is TomlTable permission)
            {
                // The official client's order: rules, then its older deny/allow/ask lists of { tool, match } tables.
                ReadRules(permission, "rules", null, rules, problems, file);
                foreach (var decision in (string[])["deny", "allow", "ask"])
                {
                    ReadRules(permission, decision, decision, rules, problems, file);
                }
            }
            else
            {
                problems.Add((lineOfKey(["permission"]), "permission must be a table of [[permission.rules]] entries; write each rule as [[permission.rules]] with decision and pattern"));
            }
        }

        var ours = new PermissionsConfig();
        var hasOurs = document.TryGet<TomlTable>("permissions", out var permissionTable);
        if (hasOurs)
        {
            string? mode = null;
            if (permissionTable!.TryGetValue("mode", out var rawOurMode))
            {
                if (rawOurMode is string text && OurModes.Contains(text.Trim().ToLowerInvariant()))
                {
                    mode = text;
                }
                else
                {
                    problems.Add((lineOfKey(["permissions", "mode"]),
                        $"[permissions] mode is {Describe(rawOurMode)}; use \"default\", \"accept-edits\", \"yolo\", \"auto\" or \"plan\" (or set default_permission_mode = \"manual\", \"yolo\" or \"auto\" instead)"));
                }
            }

            ours = new PermissionsConfig
            {
                Mode = mode,
                Allow = Strings(permissionTable, "allow", problems, lineOfKey),
                Deny = Strings(permissionTable, "deny", problems, lineOfKey),
                Ask = Strings(permissionTable, "ask", problems, lineOfKey),
            };
        }

        var hasOfficial = officialMode is not null || planMode is not null || rules.Count > 0;
        return ours with
        {
            DefaultPermissionMode = officialMode,
            DefaultPlanMode = planMode,
            Rules = rules,
            Problems = problems,
            Notice = hasOurs && hasOfficial
                ? $"{file}: both [[permission.rules]]/default_permission_mode (the official form) and the older [permissions] table are set: the rules of both apply (deny beats ask beats allow, in any order), and default_permission_mode wins over [permissions] mode; move [permissions] into [[permission.rules]] to silence this."
                : null,
        };
    }

    private static void ReadRules(TomlTable permission, string key, string? decision, List<ConfiguredPermissionRule> rules, List<(int, string)> problems, string file)
    {
        if (!permission.TryGetValue(key, out var raw))
        {
            return;
        }

        var name = decision is null ? "[[permission.rules]]" : $"[permission] {key}";
        IEnumerable<object> entries = raw is TomlArray array ? array : [raw];
        foreach (var entry in entries)
        {
            if (entry is not TomlTable table)
            {
                problems.Add((permission.Line, $"{name} has {Describe(entry)} where a rule table belongs; write each rule as [[permission.rules]] with decision = \"allow\" and pattern = \"Read\""));
                continue;
            }

            var line = table.Line > 0 ? table.Line : permission.Line;
            var problemCount = problems.Count;
            var ruleDecision = decision ?? Text(table, "decision");
            if (decision is null && (ruleDecision is null || !Decisions.Contains(ruleDecision)))
            {
                problems.Add((line, $"{name} decision is {Describe(table.GetValueOrDefault("decision"))}; use \"allow\", \"deny\" or \"ask\""));
            }

            var pattern = Pattern(table);
            if (pattern is null || ShapeProblem(pattern) is not null)
            {
                problems.Add((line, $"{name} pattern is {(pattern is null ? Describe(table.GetValueOrDefault("pattern")) : $"\"{pattern}\" ({ShapeProblem(pattern)})")}; write Tool or Tool(arg-pattern), e.g. \"Read\", \"Bash(rm -rf*)\", \"Read(src/**)\" or \"mcp__github__*\""));
            }

            var scope = "user";
            if (table.TryGetValue("scope", out var rawScope))
            {
                if (rawScope is string s && Scopes.Contains(s))
                {
                    scope = s;
                }
                else
                {
                    problems.Add((line, $"{name} scope is {Describe(rawScope)}; use \"user\" (the default), \"project\", \"session-runtime\" or \"turn-override\""));
                }
            }

            string? reason = null;
            if (table.TryGetValue("reason", out var rawReason))
            {
                if (rawReason is string r)
                {
                    reason = r;
                }
                else
                {
                    problems.Add((line, $"{name} reason is {Describe(rawReason)}; use a string or leave it out"));
                }
            }

            if (problems.Count == problemCount)
            {
                rules.Add(new ConfiguredPermissionRule(ruleDecision!, pattern!.Trim(), scope, reason, $"{file}:{line}"));
            }
        }
    }

    /// <summary><c>pattern</c>, or the official client's older <c>tool</c> + <c>match</c>/<c>pattern</c> form as <c>tool(match)</c>.</summary>
    private static string? Pattern(TomlTable table)
    {
        var pattern = Text(table, "pattern");
        if (Text(table, "tool") is { } tool)
        {
            var argument = Text(table, "match") ?? pattern;
            return argument is null ? tool : $"{tool}({argument})";
        }

        return pattern;
    }

    /// <summary>What is wrong with the shape of <c>Tool</c> / <c>Tool(args)</c>, as the official client checks it; null when fine.</summary>
    internal static string? ShapeProblem(string pattern)
    {
        var trimmed = pattern.Trim();
        if (trimmed.Length == 0)
        {
            return "it is empty";
        }

        var open = trimmed.IndexOf('(', StringComparison.Ordinal);
        if (open < 0)
        {
            return null;
        }

        if (!trimmed.EndsWith(')'))
        {
            return "it has '(' without a closing ')'";
        }

        return open == 0 ? "the tool name before '(' is missing" : null;
    }

    private static string? Text(TomlTable table, string key) => table.TryGet<string>(key, out var value) ? value : null;

    /// <summary>Our <c>[permissions]</c> list <paramref name="key"/>; anything but a list of strings is a problem (a rule must never be dropped silently).</summary>
    private static List<string> Strings(TomlTable table, string key, List<(int, string)> problems, Func<string[], int> lineOfKey)
    {
        if (!table.TryGetValue(key, out var raw))
        {
            return [];
        }

        if (raw is TomlArray array && array.All(static item => item is string))
        {
            return [.. array.OfType<string>()];
        }

        problems.Add((lineOfKey(["permissions", key]), $"[permissions] {key} must be a list of rules as strings, e.g. {key} = [ \"Bash(git status*)\" ]; fix it"));
        return [];
    }

    private static string Describe(object? value) => value switch
    {
        null => "missing",
        string text => $"\"{text}\"",
        bool flag => flag ? "true" : "false",
        long or double => FormattableString.Invariant($"the number {value}"),
        TomlTable => "a table",
        TomlArray => "a list",
        _ => "not a string",
    };
}
