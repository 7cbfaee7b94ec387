using System.Text.Json.Serialization;

namespace KimiCode.Acp.Schema;

/// <summary>A piece of content in a prompt, a message chunk or a tool call; discriminated by <c>type</c>.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(TextBlock), "text")]
[JsonDerivedType(typeof(ImageBlock), "image")]
[JsonDerivedType(typeof(AudioBlock), "audio")]
[JsonDerivedType(typeof(ResourceLinkBlock), "resource_link")]
[JsonDerivedType(typeof(EmbeddedResourceBlock), "resource")]
public abstract record ContentBlock;

/// <summary><c>{type:"text", text}</c>.</summary>
public sealed record TextBlock : ContentBlock
{
    [JsonPropertyName("text")]
    public required string Text { get; init; }
}

/// <summary><c>{type:"image", data (base64), mimeType, uri?}</c>.</summary>
public sealed record ImageBlock : ContentBlock
{
    [JsonPropertyName("data")]
    public required string Data { get; init; }

    [JsonPropertyName("mimeType")]
    public required string MimeType { get; init; }

    [JsonPropertyName("uri")]
    public string? Uri { get; init; }
}

/// <summary><c>{type:"audio", data, mimeType}</c> (not advertised: refused in prompts).</summary>
public sealed record AudioBlock : ContentBlock
{
    [JsonPropertyName("data")]
    public required string Data { get; init; }

    [JsonPropertyName("mimeType")]
    public required string MimeType { get; init; }
}

/// <summary><c>{type:"resource_link", uri, name, ...}</c>: a reference the agent may read itself.</summary>
public sealed record ResourceLinkBlock : ContentBlock
{
    [JsonPropertyName("uri")]
    public required string Uri { get; init; }

    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("mimeType")]
    public string? MimeType { get; init; }

    [JsonPropertyName("title")]
    public string? Title { get; init; }

    [JsonPropertyName("description")]
    public string? Description { get; init; }

    [JsonPropertyName("size")]
    public long? Size { get; init; }
}

/// <summary><c>{type:"resource", resource:{uri, text | blob, mimeType?}}</c>: content the editor embedded.</summary>
public sealed record EmbeddedResourceBlock : ContentBlock
{
    [JsonPropertyName("resource")]
    public required EmbeddedResourceContents Resource { get; init; }
}

/// <summary>Text or binary (base64 <c>blob</c>) contents of an embedded resource.</summary>
public sealed record EmbeddedResourceContents
{
    [JsonPropertyName("uri")]
    public required string Uri { get; init; }

    [JsonPropertyName("text")]
    public string? Text { get; init; }

    [JsonPropertyName("blob")]
    public string? Blob { get; init; }

    [JsonPropertyName("mimeType")]
    public string? MimeType { get; init; }
}
