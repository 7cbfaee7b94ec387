using KimiCode.Config.Toml;

namespace KimiCode.Config;

/// <summary><c>[identity]</c>: how the agent names itself (the official client's <c>name</c> and <c>slug</c>).</summary>
public sealed record IdentityConfig
{
    /// <summary><c>name</c>: the name the agent calls itself in the system prompt; null when unset.</summary>
    public string? Name { get; init; }

    /// <summary><c>slug</c>: a machine identifier; null when unset (then derived from <see cref="Name"/>).</summary>
    public string? Slug { get; init; }

    internal static IdentityConfig Read(TomlTable document)
        => document.TryGet<TomlTable>("identity", out var table)
            ? new IdentityConfig { Name = NonBlank(table, "name"), Slug = NonBlank(table, "slug") }
            : new IdentityConfig();

    private static string? NonBlank(TomlTable table, string key)
        => table.TryGet<string>(key, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}
