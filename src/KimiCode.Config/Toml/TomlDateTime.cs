using System.Globalization;
using System.Text;

namespace KimiCode.Config.Toml;

/// <summary>
/// A TOML date/time value of any of the four kinds. Parts are kept separately (rather than as a
/// <see cref="DateTimeOffset"/>) so that edge values such as <c>0001-01-01T00:00:00+05:00</c> and local
/// kinds round-trip exactly. Sub-second precision is 100 ns; finer digits are truncated, as TOML allows.
/// </summary>
public readonly record struct TomlDateTime
{
    public TomlDateTime(TomlDateTimeKind kind, DateOnly date, TimeOnly time, int offsetMinutes = 0)
    {
        Kind = kind;
        Date = kind == TomlDateTimeKind.LocalTime ? default : date;
        Time = kind == TomlDateTimeKind.LocalDate ? default : time;
        OffsetMinutes = kind == TomlDateTimeKind.OffsetDateTime ? offsetMinutes : 0;
    }

    public TomlDateTimeKind Kind { get; }

    public DateOnly Date { get; }

    public TimeOnly Time { get; }

    /// <summary>UTC offset in minutes (offset date-times only).</summary>
    public int OffsetMinutes { get; }

    public static TomlDateTime FromDateTimeOffset(DateTimeOffset value)
        => new(TomlDateTimeKind.OffsetDateTime, DateOnly.FromDateTime(value.DateTime), TimeOnly.FromDateTime(value.DateTime), (int)value.Offset.TotalMinutes);

    /// <summary>The value as a <see cref="DateTimeOffset"/> (offset date-times only).</summary>
    public DateTimeOffset ToDateTimeOffset()
    {
        if (Kind != TomlDateTimeKind.OffsetDateTime)
        {
            throw new InvalidOperationException($"A TOML {Kind} has no offset.");
        }

        return new DateTimeOffset(Date.ToDateTime(Time), TimeSpan.FromMinutes(OffsetMinutes));
    }

    /// <summary>RFC 3339 text, which is also valid TOML.</summary>
    public override string ToString()
    {
        var builder = new StringBuilder(35);
        if (Kind != TomlDateTimeKind.LocalTime)
        {
            builder.Append(Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }

        if (Kind == TomlDateTimeKind.LocalDate)
        {
            return builder.ToString();
        }

        if (Kind != TomlDateTimeKind.LocalTime)
        {
            builder.Append('T');
        }

        builder.Append(Time.ToString("HH:mm:ss", CultureInfo.InvariantCulture));
        var fraction = Time.Ticks % TimeSpan.TicksPerSecond;
        if (fraction != 0)
        {
            builder.Append('.').Append(fraction.ToString("0000000", CultureInfo.InvariantCulture).TrimEnd('0'));
        }

        if (Kind == TomlDateTimeKind.OffsetDateTime)
        {
            if (OffsetMinutes == 0)
            {
                builder.Append('Z');
            }
            else
            {
                var abs = Math.Abs(OffsetMinutes);
                builder.Append(OffsetMinutes < 0 ? '-' : '+')
                    .Append((abs / 60).ToString("00", CultureInfo.InvariantCulture))
                    .Append(':')
                    .Append((abs % 60).ToString("00", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }
}
