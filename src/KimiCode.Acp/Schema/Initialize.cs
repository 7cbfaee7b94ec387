using System.Text.Json;
using System.Text.Json.Serialization;

namespace KimiCode.Acp.Schema;

/// <summary><c>initialize</c> params.</summary>
public sealed record InitializeRequest
{
    [JsonPropertyName("protocolVersion")]
    public required int ProtocolVersion { get; init; }

    [JsonPropertyName("clientCapabilities")]
    public ClientCapabilities? ClientCapabilities { get; init; }

    [JsonPropertyName("clientInfo")]
    public Implementation? ClientInfo { get; init; }
}

/// <summary>A peer's name and version (<c>clientInfo</c>, <c>agentInfo</c>).</summary>
public sealed record Implementation
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("title")]
    public string? Title { get; init; }

    [JsonPropertyName("version")]
    public string? Version { get; init; }
}

/// <summary>What the client offers. Anything omitted is unsupported.</summary>
public sealed record ClientCapabilities
{
    [JsonPropertyName("fs")]
    public FileSystemCapability? Fs { get; init; }

    [JsonPropertyName("terminal")]
    public bool? Terminal { get; init; }

    [JsonPropertyName("auth")]
    public ClientAuthCapabilities? Auth { get; init; }

    [JsonPropertyName("session")]
    public ClientSessionCapabilities? Session { get; init; }

    /// <summary>Extensions; <c>_meta["terminal-auth"]</c> is the legacy way to ask for a terminal login.</summary>
    [JsonPropertyName("_meta")]
    public JsonElement? Meta { get; init; }
}

/// <summary><c>clientCapabilities.fs</c>.</summary>
public sealed record FileSystemCapability
{
    [JsonPropertyName("readTextFile")]
    public bool? ReadTextFile { get; init; }

    [JsonPropertyName("writeTextFile")]
    public bool? WriteTextFile { get; init; }
}

/// <summary><c>clientCapabilities.auth</c>.</summary>
public sealed record ClientAuthCapabilities
{
    [JsonPropertyName("terminal")]
    public bool? Terminal { get; init; }
}

/// <summary><c>clientCapabilities.session</c>.</summary>
public sealed record ClientSessionCapabilities
{
    [JsonPropertyName("configOptions")]
    public ClientConfigOptionsCapabilities? ConfigOptions { get; init; }
}

/// <summary><c>clientCapabilities.session.configOptions</c>: <c>boolean: {}</c> allows boolean options.</summary>
public sealed record ClientConfigOptionsCapabilities
{
    [JsonPropertyName("boolean")]
    public JsonElement? Boolean { get; init; }
}

/// <summary><c>initialize</c> result.</summary>
public sealed record InitializeResponse
{
    [JsonPropertyName("protocolVersion")]
    public required int ProtocolVersion { get; init; }

    [JsonPropertyName("agentCapabilities")]
    public required AgentCapabilities AgentCapabilities { get; init; }

    [JsonPropertyName("authMethods")]
    public required IReadOnlyList<AuthMethod> AuthMethods { get; init; }

    [JsonPropertyName("agentInfo")]
    public required Implementation AgentInfo { get; init; }
}

/// <summary>What the agent supports.</summary>
public sealed record AgentCapabilities
{
    [JsonPropertyName("loadSession")]
    public bool LoadSession { get; init; }

    [JsonPropertyName("promptCapabilities")]
    public required PromptCapabilities PromptCapabilities { get; init; }

    [JsonPropertyName("mcpCapabilities")]
    public required McpCapabilities McpCapabilities { get; init; }

    [JsonPropertyName("sessionCapabilities")]
    public required SessionCapabilities SessionCapabilities { get; init; }

    [JsonPropertyName("auth")]
    public AgentAuthCapabilities? Auth { get; init; }
}

/// <summary>Prompt content beyond text and resource links.</summary>
public sealed record PromptCapabilities
{
    /// <summary>True only when the default model sees images (<c>image_in</c> in its capabilities).</summary>
    [JsonPropertyName("image")]
    public bool Image { get; init; }

    [JsonPropertyName("audio")]
    public bool Audio { get; init; }

    [JsonPropertyName("embeddedContext")]
    public bool EmbeddedContext { get; init; }
}

/// <summary>MCP transports beyond stdio.</summary>
public sealed record McpCapabilities
{
    [JsonPropertyName("http")]
    public bool Http { get; init; }

    [JsonPropertyName("sse")]
    public bool Sse { get; init; }
}

/// <summary>Optional session methods: each is <c>{}</c> when supported and omitted otherwise.</summary>
public sealed record SessionCapabilities
{
    [JsonPropertyName("list")]
    public EmptyObject? List { get; init; }

    [JsonPropertyName("resume")]
    public EmptyObject? Resume { get; init; }

    [JsonPropertyName("close")]
    public EmptyObject? Close { get; init; }

    /// <summary><c>additionalDirectories</c> on <c>session/new</c>, <c>load</c> and <c>resume</c> (unstable in the schema).</summary>
    [JsonPropertyName("additionalDirectories")]
    public EmptyObject? AdditionalDirectories { get; init; }

    [JsonPropertyName("fork")]
    public EmptyObject? Fork { get; init; }

    [JsonPropertyName("delete")]
    public EmptyObject? Delete { get; init; }
}

/// <summary><c>agentCapabilities.auth</c>.</summary>
public sealed record AgentAuthCapabilities
{
    [JsonPropertyName("logout")]
    public EmptyObject? Logout { get; init; }
}

/// <summary><c>{}</c>: an empty result, or a capability that is present.</summary>
public sealed record EmptyObject
{
    public static EmptyObject Instance { get; } = new();
}
