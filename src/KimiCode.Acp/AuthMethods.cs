using System.Text.Json;
using KimiCode.Acp.Schema;

namespace KimiCode.Acp;

/// <summary>The ways a client can get kimi authenticated, as ACP <c>authMethods</c>.</summary>
internal static class AuthMethods
{
    /// <summary>The terminal login: the client runs the agent command with <c>login</c> appended (<c>kimi acp login</c>).</summary>
    public const string LoginId = "login";

    /// <summary>The agent method that adopts <c>KIMI_API_KEY</c> from the agent's environment.</summary>
    public const string ApiKeyId = "kimi-api-key";

    private const string LoginName = "Login with Kimi account";
    private const string LoginDescription = "Runs `kimi login` in a terminal: confirm the device code in your browser, then start a new session.";

    /// <summary>The methods to advertise for a client with <paramref name="capabilities"/>.</summary>
    public static IReadOnlyList<AuthMethod> For(ClientCapabilities? capabilities, IReadOnlyList<string>? terminalLoginCommand)
    {
        bool terminal = capabilities?.Auth?.Terminal == true;
        bool legacy = terminalLoginCommand is { Count: > 0 } && WantsLegacyTerminalAuth(capabilities?.Meta);
        var methods = new List<AuthMethod>(2);
        if (terminal || legacy)
        {
            methods.Add(new AuthMethod
            {
                Id = LoginId,
                Name = LoginName,
                Description = LoginDescription,
                Type = terminal ? AuthMethodType.Terminal : null,
                Args = terminal ? ["login"] : null,
                Meta = legacy
                    ? new AuthMethodMeta
                    {
                        TerminalAuth = new TerminalAuthMeta { Command = terminalLoginCommand![0], Args = [.. terminalLoginCommand.Skip(1)], Label = LoginName },
                    }
                    : null,
            });
        }

        methods.Add(new AuthMethod
        {
            Id = ApiKeyId,
            Name = "Use KIMI_API_KEY",
            Description = "Uses the API key in the KIMI_API_KEY environment variable of the agent (set it in your editor's agent settings).",
        });
        return methods;
    }

    /// <summary><c>clientCapabilities._meta["terminal-auth"]</c>: true, or any object, asks for the legacy descriptor.</summary>
    private static bool WantsLegacyTerminalAuth(JsonElement? meta) =>
        meta is { ValueKind: JsonValueKind.Object } m
        && m.TryGetProperty("terminal-auth", out JsonElement value)
        && value.ValueKind is JsonValueKind.True or JsonValueKind.Object;
}
