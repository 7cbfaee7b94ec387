namespace KimiCode.Provider;

/// <summary>
/// Merges header layers, lowest precedence first; a later layer REPLACES an earlier header of the
/// same name (case-insensitive) so that exactly one value is sent. The official clients let the
/// identity headers win over the user's custom_headers; this is the fix.
/// </summary>
internal static class RequestHeaders
{
    public static List<KeyValuePair<string, string>> Merge(KimiProviderOptions options)
    {
        var merged = new List<KeyValuePair<string, string>>();
        var positions = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);

        void Set(string name, string value)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                return;
            }

            name = name.Trim();
            if (positions.TryGetValue(name, out int at))
            {
                merged[at] = new(name, value);
            }
            else
            {
                positions[name] = merged.Count;
                merged.Add(new(name, value));
            }
        }

        foreach (KeyValuePair<string, string> header in options.EnvironmentHeaders)
        {
            Set(header.Key, header.Value);
        }

        if (options.Kind == ProviderKind.Kimi)
        {
            foreach (KeyValuePair<string, string> header in options.IdentityHeaders)
            {
                Set(header.Key, header.Value);
            }

            if (!string.IsNullOrWhiteSpace(options.UserAgent))
            {
                Set("User-Agent", options.UserAgent);
            }
        }

        foreach (KeyValuePair<string, string> header in options.CustomHeaders)
        {
            Set(header.Key, header.Value);
        }

        // Authorization is added per request, above everything else.
        if (positions.TryGetValue("Authorization", out int auth))
        {
            merged.RemoveAt(auth);
        }

        return merged;
    }

    public static string? Find(List<KeyValuePair<string, string>> headers, string name)
    {
        foreach (KeyValuePair<string, string> header in headers)
        {
            if (string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return header.Value;
            }
        }

        return null;
    }
}
