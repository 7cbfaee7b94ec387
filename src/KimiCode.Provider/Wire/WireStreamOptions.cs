using System.Text.Json.Serialization;

namespace KimiCode.Provider.Wire;

internal sealed record WireStreamOptions
{
    [JsonPropertyName("include_usage")]
    public bool IncludeUsage { get; init; }
}
