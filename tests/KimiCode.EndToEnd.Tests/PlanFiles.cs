using System.Text.Json;

namespace KimiCode.EndToEnd.Tests;

/// <summary>For the plan-mode tests: the one session's plan file, and what the model got back from each tool call.</summary>
internal static class PlanFiles
{
    /// <summary>Writes the plan file of the home's only session (<c>sessions/&lt;workspace&gt;/&lt;id&gt;/plans/plan.md</c>); returns its path.</summary>
    public static string Write(TestHome home, string text)
    {
        var session = Assert.Single(Directory.GetDirectories(Path.Combine(home.Root, "sessions")).SelectMany(Directory.GetDirectories));
        var file = Path.Combine(Directory.CreateDirectory(Path.Combine(session, "plans")).FullName, "plan.md");
        File.WriteAllText(file, text);
        return file;
    }

    /// <summary>The tool results of the last chat request, by call id.</summary>
    public static Dictionary<string, string> LastToolResults(TestHome home)
    {
        using var last = JsonDocument.Parse(home.Emulator.State.Requests.Last(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).Body);
        return last.RootElement.GetProperty("messages").EnumerateArray()
            .Where(m => m.TryGetProperty("tool_call_id", out _))
            .ToDictionary(m => m.GetProperty("tool_call_id").GetString()!, m => m.GetProperty("content").GetString()!);
    }
}
