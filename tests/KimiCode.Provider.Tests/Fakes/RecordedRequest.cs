using System.Text.Json;

namespace KimiCode.Provider.Tests.Fakes;

/// <summary>What the client sent: method, URI, every header value, and the body text.</summary>
internal sealed record RecordedRequest(HttpMethod Method, Uri Uri, IReadOnlyList<KeyValuePair<string, string>> Headers, string? Body)
{
    public IReadOnlyList<string> HeaderValues(string name) =>
        Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).ToList();

    public string? Header(string name) => HeaderValues(name).SingleOrDefault();

    public JsonElement Json
    {
        get
        {
            using JsonDocument document = JsonDocument.Parse(Body ?? throw new InvalidOperationException("no body"));
            return document.RootElement.Clone();
        }
    }
}
