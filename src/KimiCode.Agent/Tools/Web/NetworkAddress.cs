using System.Net;
using System.Net.Sockets;

namespace KimiCode.Agent.Tools.Web;

/// <summary>
/// Which addresses a web page may make the agent reach on its own. Anything that is not a public unicast address is
/// "internal": loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7), link-local (169.254/16 with the cloud
/// metadata service 169.254.169.254, fe80::/10), unspecified, shared (100.64/10), multicast and reserved ranges,
/// and the same addresses written as IPv4-mapped, IPv4-compatible, 6to4 or NAT64 IPv6.
/// </summary>
public static class NetworkAddress
{
    /// <summary>Why <paramref name="address"/> is internal (e.g. "a loopback address"), or null for a public address.</summary>
    public static string? InternalReason(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && EmbeddedIPv4(address) is { } embedded)
        {
            return InternalReason(embedded);
        }

        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => IPv4Reason(address.GetAddressBytes()),
            AddressFamily.InterNetworkV6 => IPv6Reason(address),
            _ => "not an internet address",
        };
    }

    /// <summary>True for a public unicast address.</summary>
    public static bool IsPublic(IPAddress address) => InternalReason(address) is null;

    private static string? IPv4Reason(byte[] b) => b switch
    {
        [0, _, _, _] => "an unspecified (0.0.0.0/8) address",
        [127, _, _, _] => "a loopback address",
        [10, _, _, _] => "a private network address",
        [172, >= 16 and <= 31, _, _] => "a private network address",
        [192, 168, _, _] => "a private network address",
        [169, 254, 169, 254] => "the cloud metadata service (link-local)",
        [169, 254, _, _] => "a link-local address",
        [100, >= 64 and <= 127, _, _] => "a shared (carrier-grade NAT) address",
        [192, 0, 0, _] => "a reserved (IETF protocol) address",
        [192, 0, 2, _] or [198, 51, 100, _] or [203, 0, 113, _] => "a documentation address",
        [198, 18 or 19, _, _] => "a benchmarking network address",
        [>= 224 and <= 239, _, _, _] => "a multicast address",
        [>= 240, _, _, _] => "a reserved address",
        _ => null,
    };

    private static string? IPv6Reason(IPAddress address)
    {
        if (address.Equals(IPAddress.IPv6Loopback))
        {
            return "a loopback address";
        }

        if (address.Equals(IPAddress.IPv6Any))
        {
            return "an unspecified address";
        }

        var b = address.GetAddressBytes();
        return b switch
        {
            [0xfe, >= 0x80 and <= 0xbf, ..] => "a link-local address",
            [0xfe, >= 0xc0, ..] => "a site-local address",
            [>= 0xfc and <= 0xfd, ..] => "a private network (unique local) address",
            [0xff, ..] => "a multicast address",
            [0x20, 0x01, 0x0d, 0xb8, ..] => "a documentation address",
            [0, 0, 0, 0, 0, 0, 0, 0, ..] => "a reserved address",
            [0x01, 0, 0, 0, 0, 0, 0, 0, ..] => "a discard-only address",
            _ => null,
        };
    }

    /// <summary>The IPv4 address an IPv6 address carries (mapped <c>::ffff:a.b.c.d</c>, compatible <c>::a.b.c.d</c>, 6to4 <c>2002:AB:CD::</c>, NAT64 <c>64:ff9b::a.b.c.d</c>), or null.</summary>
    private static IPAddress? EmbeddedIPv4(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        var b = address.GetAddressBytes();
        if (b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0 && !address.Equals(IPAddress.IPv6Loopback) && !address.Equals(IPAddress.IPv6Any))
        {
            return new IPAddress(b.AsSpan(12, 4)); // ::a.b.c.d (deprecated IPv4-compatible)
        }

        if (b[0] == 0x20 && b[1] == 0x02)
        {
            return new IPAddress(b.AsSpan(2, 4)); // 6to4
        }

        if (b is [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, ..])
        {
            return new IPAddress(b.AsSpan(12, 4)); // NAT64 well-known prefix
        }

        return null;
    }
}
