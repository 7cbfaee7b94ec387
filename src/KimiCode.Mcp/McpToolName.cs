using System.Text;

namespace KimiCode.Mcp;

/// <summary>The names MCP tools have for the model and for permission rules: <c>mcp__&lt;server&gt;__&lt;tool&gt;</c>.</summary>
public static class McpToolName
{
    public const string Prefix = "mcp__";

    /// <summary>Why <paramref name="server"/> cannot name a server (null when it can): letters, digits, <c>_</c> and <c>-</c>.</summary>
    public static string? NameProblem(string server)
    {
        if (string.IsNullOrEmpty(server))
        {
            return "the server name is empty";
        }

        return server.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-')
            ? null
            : $"the server name \"{server}\" may use only letters, digits, '_' and '-' (it becomes part of tool names such as mcp__{Sanitize(server)}__tool)";
    }

    /// <summary>The model-facing name of <paramref name="tool"/> on <paramref name="server"/>; characters models refuse become <c>_</c>.</summary>
    public static string For(string server, string tool) => Prefix + server + "__" + Sanitize(tool);

    private static string Sanitize(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_');
        }

        return builder.ToString();
    }
}
