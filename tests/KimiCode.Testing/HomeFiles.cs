using System.Globalization;
using System.Text;

namespace KimiCode.Testing;

/// <summary>
/// The files of a KIMI_CODE_HOME that suites write by hand: config.toml fixtures (the managed OAuth provider as
/// `kimi login` leaves it, API-key providers and models) and the OAuth credential file.
/// </summary>
public static class HomeFiles
{
    /// <summary>The provider `kimi login` writes.</summary>
    public const string ManagedProvider = "managed:kimi-code";

    /// <summary>The credential slot of the managed provider (credentials/kimi-code.json).</summary>
    public const string ManagedSlot = "kimi-code";

    /// <summary>The model alias `kimi login` makes the default.</summary>
    public const string ManagedModel = "kimi-code/kimi-for-coding";

    public static string ConfigPath(string home) => Path.Combine(home, "config.toml");

    public static string CredentialPath(string home, string slot = ManagedSlot) => Path.Combine(home, "credentials", slot + ".json");

    /// <summary>Writes config.toml from <paramref name="sections"/>, one blank line between them.</summary>
    public static void WriteConfig(string home, params string[] sections) =>
        File.WriteAllText(ConfigPath(home), string.Join("\n\n", sections.Where(s => s.Length > 0)) + "\n");

    /// <summary>The managed OAuth provider and its default model, as after `kimi login`.</summary>
    public static string ManagedOAuthConfig(string codingBaseUrl, string oauthHost) => $"""
        default_model = "{ManagedModel}"

        [providers."{ManagedProvider}"]
        type = "kimi"
        api_key = ""
        base_url = "{codingBaseUrl}"

        [providers."{ManagedProvider}".oauth]
        storage = "file"
        key = "oauth/{ManagedSlot}"
        oauth_host = "{oauthHost}"

        [models."{ManagedModel}"]
        provider = "{ManagedProvider}"
        model = "kimi-for-coding"
        max_context_size = 262144
        capabilities = [ "thinking", "tool_use" ]
        """;

    public static string DefaultModel(string alias) => $"default_model = \"{alias}\"";

    /// <summary>An API-key provider table (<paramref name="name"/> must be a bare TOML key), with optional custom headers.</summary>
    public static string ApiKeyProvider(string name, string apiKey, string baseUrl, params (string Name, string Value)[] customHeaders)
    {
        var text = new StringBuilder($"""
            [providers.{name}]
            type = "kimi"
            api_key = "{apiKey}"
            base_url = "{baseUrl}"
            """);
        if (customHeaders.Length > 0)
        {
            text.Append($"\n\n[providers.{name}.custom_headers]");
            foreach (var (header, value) in customHeaders)
            {
                text.Append(CultureInfo.InvariantCulture, $"\n{header} = \"{value}\"");
            }
        }

        return text.ToString();
    }

    /// <summary>A model table (<paramref name="capabilities"/> e.g. <c>image_in</c>, <c>thinking</c>).</summary>
    public static string Model(string alias, string provider, string model, long maxContextSize, string? displayName = null, params string[] capabilities)
    {
        var text = $"""
            [models."{alias}"]
            provider = "{provider}"
            model = "{model}"
            max_context_size = {maxContextSize}
            """;
        if (capabilities.Length > 0)
        {
            text += $"\ncapabilities = [ {string.Join(", ", capabilities.Select(c => $"\"{c}\""))} ]";
        }

        return displayName is null ? text : text + $"\ndisplay_name = \"{displayName}\"";
    }

    /// <summary>Writes the credential `kimi login` stores for <paramref name="slot"/>; returns its path.</summary>
    public static string WriteOAuthCredential(string home, string accessToken, string refreshToken, DateTimeOffset expiresAt, int expiresIn, string slot = ManagedSlot)
    {
        var path = CredentialPath(home, slot);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, $$"""
            {"access_token":"{{accessToken}}","refresh_token":"{{refreshToken}}","expires_at":{{expiresAt.ToUnixTimeSeconds()}},"scope":"kimi-code","token_type":"Bearer","expires_in":{{expiresIn}}}
            """);
        return path;
    }
}
