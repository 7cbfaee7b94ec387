namespace KimiCode.Config.Tests;

internal static class Samples
{
    /// <summary>Copied exactly from the facts file: config.toml as the Node client writes it after an OAuth login.</summary>
    public const string OAuthLoginConfig = """
        default_model = "kimi-code/kimi-for-coding"

        [providers."managed:kimi-code"]
        type = "kimi"
        api_key = ""
        base_url = "https://api.kimi.com/coding/v1"

        [providers."managed:kimi-code".oauth]
        storage = "file"
        key = "oauth/kimi-code"
        oauth_host = "https://auth.kimi.com"

        [models."kimi-code/kimi-for-coding"]
        provider = "managed:kimi-code"
        model = "kimi-for-coding"
        max_context_size = 262144
        capabilities = [ "thinking", "tool_use" ]

        [thinking]
        enabled = true

        """;
}
