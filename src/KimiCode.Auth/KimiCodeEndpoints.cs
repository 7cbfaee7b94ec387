namespace KimiCode.Auth;

/// <summary>Well-known Kimi Code hosts and the public OAuth client id (a public client: no secret).</summary>
public static class KimiCodeEndpoints
{
    public const string ClientId = "17e5f671-d194-4dfb-9706-5516cb48c098";
    public const string DefaultOAuthHost = "https://auth.kimi.com";
    public const string GlobalOAuthHost = "https://auth.kimi.ai";
    public const string DefaultBaseUrl = "https://api.kimi.com/coding/v1";
    public const string GlobalBaseUrl = "https://api.kimi.ai/coding/v1";
    public const string MoonshotCnBaseUrl = "https://api.moonshot.cn/v1";
    public const string MoonshotAiBaseUrl = "https://api.moonshot.ai/v1";
}
