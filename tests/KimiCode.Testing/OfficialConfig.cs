using System.Text;

namespace KimiCode.Testing;

/// <summary>
/// config.toml as the official Node client writes it after an OAuth login (reconstructed from its
/// <c>applyManagedKimiCodeConfig</c> and smol-toml output: provider keys in schema order, <c>oauth_host</c> left out for
/// the default slot on the default host, both web services), and the same file extended by hand the way users do.
/// </summary>
public static class OfficialConfig
{
    /// <summary>After logging in with the emulator's one model (<c>kimi-for-coding</c>) at <paramref name="codingBaseUrl"/>.</summary>
    public static string AfterOAuthLogin(string codingBaseUrl, string slot, string? oauthHost)
    {
        var oauth = $"storage = \"file\"\nkey = \"oauth/{slot}\"\n" + (oauthHost is null ? string.Empty : $"oauth_host = \"{oauthHost}\"\n");
        var text = new StringBuilder($"""
            default_model = "kimi-code/kimi-for-coding"

            [providers."managed:kimi-code"]
            type = "kimi"
            api_key = ""
            base_url = "{codingBaseUrl}"

            [providers."managed:kimi-code".oauth]
            {oauth}
            [models."kimi-code/kimi-for-coding"]
            provider = "managed:kimi-code"
            model = "kimi-for-coding"
            max_context_size = 262144
            capabilities = [ "thinking", "image_in", "tool_use" ]
            display_name = "Kimi For Coding"

            [thinking]
            enabled = true

            """);
        foreach (var (service, path) in new[] { ("moonshot_search", "search"), ("moonshot_fetch", "fetch") })
        {
            text.Append($"\n[services.{service}]\nbase_url = \"{codingBaseUrl}/{path}\"\napi_key = \"\"\n\n[services.{service}.oauth]\n{oauth}");
        }

        return text.ToString();
    }

    /// <summary>
    /// <paramref name="official"/> extended by hand: a comment at the top and above the model, the user's own keys in the
    /// managed tables (<c>max_output_size</c>, an inline <c>custom_headers</c> table with its own quoting), another
    /// provider and model, a thinking effort, and a permission rule.
    /// </summary>
    public static string ExtendByHand(string official) => "# my setup, keep it\n" + official
        .Replace("\n[models.", "\n# my work model\n[models.", StringComparison.Ordinal)
        .Replace("model = \"kimi-for-coding\"\n", "model = 'kimi-for-coding'\n", StringComparison.Ordinal)
        .Replace("capabilities = [ \"thinking\", \"image_in\", \"tool_use\" ]", "capabilities = [\"thinking\",\"image_in\",\"tool_use\"]", StringComparison.Ordinal)
        .Replace("display_name = \"Kimi For Coding\"\n", "display_name = \"Kimi For Coding\"\nmax_output_size = 32000 # my cap\n", StringComparison.Ordinal)
        .Replace("api_key = \"\"\nbase_url", "api_key = \"\"\ncustom_headers = { 'X-Team' = 'core',  \"X-Trace\" = \"on\" }\nbase_url", StringComparison.Ordinal)
        .Replace("[thinking]\nenabled = true\n", UserProvider + "\n[thinking]\nenabled = true\neffort = \"high\" # mine\n", StringComparison.Ordinal)
        + "\n" + UserRule;

    /// <summary>The user's own provider and model that <see cref="ExtendByHand"/> adds before <c>[thinking]</c>.</summary>
    public const string UserProvider = """
        [providers.openrouter]
        type = "openai"
        api_key = "sk-or-user"
        base_url = "https://openrouter.ai/api/v1"

        [models."or/qwen"]
        provider = "openrouter"
        model = 'qwen/qwen3-coder'
        max_context_size = 131072

        """;

    /// <summary>The permission rule <see cref="ExtendByHand"/> appends.</summary>
    public const string UserRule = "[[permission.rules]]\ndecision = \"deny\"\npattern = \"Bash(rm -rf*)\"\n";

    /// <summary>What is left of <see cref="ExtendByHand"/>'s file after a logout: only what the user wrote.</summary>
    public static string AfterLogout() => "# my setup, keep it\n\n" + UserProvider + "\n[thinking]\nenabled = true\neffort = \"high\" # mine\n\n" + UserRule;
}
