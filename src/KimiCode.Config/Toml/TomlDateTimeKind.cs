namespace KimiCode.Config.Toml;

/// <summary>The four TOML date/time flavours.</summary>
public enum TomlDateTimeKind
{
    OffsetDateTime,
    LocalDateTime,
    LocalDate,
    LocalTime,
}
