using System.Buffers.Binary;

namespace KimiCode.Agent.Tools;

/// <summary>The format and pixel size of an image, read from its first bytes.</summary>
/// <param name="MediaType">One of <see cref="ImageProbe.MediaTypes"/>.</param>
/// <param name="Width">Pixels; 0 when the header does not say (within the bytes given).</param>
/// <param name="Height">Pixels; 0 when the header does not say (within the bytes given).</param>
public sealed record ImageInfo(string MediaType, int Width, int Height)
{
    /// <summary>True when the header gave both dimensions.</summary>
    public bool HasSize => Width > 0 && Height > 0;

    /// <summary>The longer side in pixels.</summary>
    public int LongestEdge => Math.Max(Width, Height);
}

/// <summary>
/// Recognises PNG, JPEG, GIF and WebP by their magic bytes (never by the file name) and reads their dimensions from
/// the headers, without decoding pixels: PNG's IHDR, GIF's logical screen, JPEG's first start-of-frame marker, WebP's
/// VP8 / VP8L / VP8X chunk.
/// </summary>
public static class ImageProbe
{
    /// <summary>The formats the model takes.</summary>
    public static readonly IReadOnlyList<string> MediaTypes = ["image/png", "image/jpeg", "image/gif", "image/webp"];

    /// <summary>Bytes to read for the format alone (all four magic numbers fit).</summary>
    public const int SniffBytes = 16;

    private static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>
    /// The image in <paramref name="bytes"/> (a whole file, or its start); null when it is not one of the four formats.
    /// Dimensions are 0 when <paramref name="bytes"/> ends before the header that holds them, or the header is damaged.
    /// </summary>
    public static ImageInfo? Probe(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith(PngSignature))
        {
            // IHDR is always the first chunk: length(4) "IHDR"(4) width(4) height(4), big-endian.
            bool ihdr = bytes.Length >= 24 && bytes.Slice(12, 4).SequenceEqual("IHDR"u8);
            return ihdr ? Sized("image/png", BinaryPrimitives.ReadInt32BigEndian(bytes[16..]), BinaryPrimitives.ReadInt32BigEndian(bytes[20..])) : new ImageInfo("image/png", 0, 0);
        }

        if (bytes.StartsWith("GIF87a"u8) || bytes.StartsWith("GIF89a"u8))
        {
            return bytes.Length >= 10
                ? Sized("image/gif", BinaryPrimitives.ReadUInt16LittleEndian(bytes[6..]), BinaryPrimitives.ReadUInt16LittleEndian(bytes[8..]))
                : new ImageInfo("image/gif", 0, 0);
        }

        if (bytes.Length >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF)
        {
            return Jpeg(bytes);
        }

        if (bytes.Length >= 12 && bytes.StartsWith("RIFF"u8) && bytes.Slice(8, 4).SequenceEqual("WEBP"u8))
        {
            return WebP(bytes);
        }

        return null;
    }

    /// <summary>The image in the file at <paramref name="path"/> judged by its first <paramref name="maxBytes"/> bytes; null when it is none of the four.</summary>
    public static ImageInfo? ProbeFile(string path, int maxBytes = 64 * 1024)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);
        var buffer = new byte[(int)Math.Min(maxBytes, Math.Max(stream.Length, SniffBytes))];
        int read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        return Probe(buffer.AsSpan(0, read));
    }

    private static ImageInfo Sized(string mediaType, int width, int height) =>
        width > 0 && height > 0 ? new ImageInfo(mediaType, width, height) : new ImageInfo(mediaType, 0, 0);

    private static ImageInfo Jpeg(ReadOnlySpan<byte> bytes)
    {
        // Walk the marker segments after SOI until a start-of-frame (SOF0–SOF15 but DHT C4, JPG C8, DAC CC).
        int at = 2;
        while (at + 4 <= bytes.Length)
        {
            if (bytes[at] != 0xFF)
            {
                break;
            }

            byte marker = bytes[at + 1];
            if (marker == 0xFF)
            {
                at++; // fill byte
                continue;
            }

            if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
            {
                at += 2; // markers without a length
                continue;
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(bytes[(at + 2)..]);
            if (marker is >= 0xC0 and <= 0xCF and not (0xC4 or 0xC8 or 0xCC))
            {
                // length(2) precision(1) height(2) width(2)
                return at + 9 <= bytes.Length
                    ? Sized("image/jpeg", BinaryPrimitives.ReadUInt16BigEndian(bytes[(at + 7)..]), BinaryPrimitives.ReadUInt16BigEndian(bytes[(at + 5)..]))
                    : new ImageInfo("image/jpeg", 0, 0);
            }

            if (marker == 0xDA || length < 2)
            {
                break; // image data starts (or a damaged length): no frame header before it
            }

            at += 2 + length;
        }

        return new ImageInfo("image/jpeg", 0, 0);
    }

    private static ImageInfo WebP(ReadOnlySpan<byte> bytes)
    {
        const string webp = "image/webp";
        if (bytes.Length < 30)
        {
            return new ImageInfo(webp, 0, 0);
        }

        ReadOnlySpan<byte> chunk = bytes.Slice(12, 4);
        if (chunk.SequenceEqual("VP8X"u8))
        {
            // flags(4) reserved... canvas width-1 (24 bits LE) at 24, height-1 at 27.
            int width = 1 + (bytes[24] | (bytes[25] << 8) | (bytes[26] << 16));
            int height = 1 + (bytes[27] | (bytes[28] << 8) | (bytes[29] << 16));
            return Sized(webp, width, height);
        }

        if (chunk.SequenceEqual("VP8L"u8))
        {
            // signature 0x2F at 20, then 14 bits width-1 and 14 bits height-1, little-endian bit order.
            if (bytes[20] != 0x2F)
            {
                return new ImageInfo(webp, 0, 0);
            }

            uint bits = BinaryPrimitives.ReadUInt32LittleEndian(bytes[21..]);
            return Sized(webp, (int)(bits & 0x3FFF) + 1, (int)((bits >> 14) & 0x3FFF) + 1);
        }

        if (chunk.SequenceEqual("VP8 "u8))
        {
            // frame tag(3) start code 9D 01 2A at 23, then 14-bit width and height (2 scale bits each).
            if (bytes[23] != 0x9D || bytes[24] != 0x01 || bytes[25] != 0x2A)
            {
                return new ImageInfo(webp, 0, 0);
            }

            return Sized(webp, BinaryPrimitives.ReadUInt16LittleEndian(bytes[26..]) & 0x3FFF, BinaryPrimitives.ReadUInt16LittleEndian(bytes[28..]) & 0x3FFF);
        }

        return new ImageInfo(webp, 0, 0);
    }
}
