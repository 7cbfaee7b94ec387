using System.Buffers.Binary;
using System.IO.Compression;

namespace KimiCode.Testing;

/// <summary>
/// Small images made byte by byte for tests: a real, decodable PNG of any size (grey pixels), and the headers of
/// JPEG, GIF and the three WebP kinds with the given dimensions (enough for format detection and size checks).
/// </summary>
public static class TestImages
{
    /// <summary>A valid grey 8-bit PNG of <paramref name="width"/> x <paramref name="height"/>; <paramref name="padding"/> bytes of a text chunk make it bigger.</summary>
    public static byte[] Png(int width, int height, int padding = 0)
    {
        using var output = new MemoryStream();
        output.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 0; // greyscale
        Chunk(output, "IHDR", header);
        if (padding > 0)
        {
            var text = new byte[padding];
            "Comment"u8.CopyTo(text);
            text.AsSpan(8).Fill((byte)'x');
            Chunk(output, "tEXt", text);
        }

        using (var pixels = new MemoryStream())
        {
            using (var zlib = new ZLibStream(pixels, CompressionLevel.SmallestSize, leaveOpen: true))
            {
                var row = new byte[width + 1]; // filter byte 0, then grey 0x80 pixels
                row.AsSpan(1).Fill(0x80);
                for (int y = 0; y < height; y++)
                {
                    zlib.Write(row);
                }
            }

            Chunk(output, "IDAT", pixels.ToArray());
        }

        Chunk(output, "IEND", []);
        return output.ToArray();
    }

    /// <summary>A JPEG header: SOI, an APP0 (JFIF) segment, then a baseline start-of-frame with the size, and EOI.</summary>
    public static byte[] Jpeg(int width, int height)
    {
        byte[] bytes =
        [
            0xFF, 0xD8,
            0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
            0xFF, 0xC0, 0x00, 0x0B, 0x08, 0, 0, 0, 0, 0x01, 0x01, 0x11, 0x00,
            0xFF, 0xD9,
        ];
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(25), (ushort)height);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(27), (ushort)width);
        return bytes;
    }

    /// <summary>A GIF89a header with the logical screen size (and a trailer).</summary>
    public static byte[] Gif(int width, int height)
    {
        var bytes = new byte[14];
        "GIF89a"u8.CopyTo(bytes);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(6), (ushort)width);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)height);
        bytes[13] = 0x3B;
        return bytes;
    }

    /// <summary>A WebP header of the given <paramref name="kind"/> (<c>VP8 </c>, <c>VP8L</c> or <c>VP8X</c>) with the size.</summary>
    public static byte[] WebP(string kind, int width, int height)
    {
        var bytes = new byte[40];
        "RIFF"u8.CopyTo(bytes);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), (uint)(bytes.Length - 8));
        "WEBP"u8.CopyTo(bytes.AsSpan(8));
        System.Text.Encoding.ASCII.GetBytes(kind).CopyTo(bytes, 12);
        switch (kind)
        {
            case "VP8X":
                WriteUInt24(bytes, 24, width - 1);
                WriteUInt24(bytes, 27, height - 1);
                break;
            case "VP8L":
                bytes[20] = 0x2F;
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(21), (uint)((width - 1) | ((height - 1) << 14)));
                break;
            default:
                bytes[23] = 0x9D;
                bytes[24] = 0x01;
                bytes[25] = 0x2A;
                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(26), (ushort)width);
                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(28), (ushort)height);
                break;
        }

        return bytes;
    }

    private static void WriteUInt24(byte[] bytes, int at, int value)
    {
        bytes[at] = (byte)value;
        bytes[at + 1] = (byte)(value >> 8);
        bytes[at + 2] = (byte)(value >> 16);
    }

    private static void Chunk(Stream output, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        output.Write(length);
        byte[] typeBytes = System.Text.Encoding.ASCII.GetBytes(type);
        output.Write(typeBytes);
        output.Write(data);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32([.. typeBytes, .. data]));
        output.Write(crc);
    }

    private static uint Crc32(byte[] bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320 ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }
}
