using System.Text.Json.Serialization;

namespace KimiCode.Acp.Schema;

/// <summary>
/// An authentication method. Agent methods have no <c>type</c> (the client calls <c>authenticate</c>); terminal
/// methods (<c>type:"terminal"</c>) are run by the client as the agent command with <c>args</c> appended.
/// </summary>
public sealed record AuthMethod
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("description")]
    public string? Description { get; init; }

    [JsonPropertyName("type")]
    public AuthMethodType? Type { get; init; }

    [JsonPropertyName("args")]
    public IReadOnlyList<string>? Args { get; init; }

    [JsonPropertyName("_meta")]
    public AuthMethodMeta? Meta { get; init; }
}

/// <summary>How the client runs an authentication method that is not the agent's own (which has no <c>type</c>).</summary>
[JsonConverter(typeof(StrictStringEnumConverter<AuthMethodType>))]
public enum AuthMethodType
{
    /// <summary>The client runs the agent command with <c>args</c> appended in a terminal.</summary>
    [JsonStringEnumMemberName("terminal")]
    Terminal,
}

/// <summary>The legacy <c>_meta["terminal-auth"]</c> descriptor some clients read instead of <c>type:"terminal"</c>.</summary>
public sealed record AuthMethodMeta
{
    [JsonPropertyName("terminal-auth")]
    public TerminalAuthMeta? TerminalAuth { get; init; }
}

/// <summary>The full command line the client runs in a terminal to log in.</summary>
public sealed record TerminalAuthMeta
{
    [JsonPropertyName("command")]
    public required string Command { get; init; }

    [JsonPropertyName("args")]
    public required IReadOnlyList<string> Args { get; init; }

    [JsonPropertyName("label")]
    public required string Label { get; init; }
}

/// <summary><c>authenticate</c> params.</summary>
public sealed record AuthenticateRequest
{
    [JsonPropertyName("methodId")]
    public required string MethodId { get; init; }
}

/// <summary><c>error.data</c> of -32000: the ways to authenticate.</summary>
public sealed record AuthRequiredData
{
    [JsonPropertyName("authMethods")]
    public required IReadOnlyList<AuthMethod> AuthMethods { get; init; }
}
