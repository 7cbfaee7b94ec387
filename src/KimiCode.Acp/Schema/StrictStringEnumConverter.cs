using System.Text.Json.Serialization;

namespace KimiCode.Acp.Schema;

/// <summary>
/// A closed set of protocol strings as an enum: each member is written as its <see cref="JsonStringEnumMemberNameAttribute"/>
/// name, and numbers are refused on input (a number is never a valid value, and must not pick a member).
/// </summary>
public sealed class StrictStringEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(namingPolicy: null, allowIntegerValues: false)
    where TEnum : struct, Enum;
