using KimiCode.Config.Toml;

namespace KimiCode.Config;

/// <summary>
/// <c>[image]</c>: image compression limits (<c>max_edge_px</c>, <c>read_byte_budget</c>). Read so an official config
/// loads and <c>kimi doctor</c> can show them; this client sends no images yet, so they change nothing today.
/// </summary>
public sealed record ImageConfig
{
    /// <summary>The official default longest edge in pixels.</summary>
    public const long DefaultMaxEdgePx = 2000;

    /// <summary>The official default per-image read budget in bytes (256 KB).</summary>
    public const long DefaultReadByteBudget = 256 * 1024;

    /// <summary><c>max_edge_px</c>; null when unset.</summary>
    public long? MaxEdgePx { get; init; }

    /// <summary><c>read_byte_budget</c>; null when unset.</summary>
    public long? ReadByteBudget { get; init; }

    internal static ImageConfig Read(TomlTable document)
        => document.TryGet<TomlTable>("image", out var table)
            ? new ImageConfig
            {
                MaxEdgePx = table.TryGet<long>("max_edge_px", out var edge) ? edge : null,
                ReadByteBudget = table.TryGet<long>("read_byte_budget", out var budget) ? budget : null,
            }
            : new ImageConfig();
}
