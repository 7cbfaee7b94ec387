using System.Security.Cryptography;

namespace KimiCode.Emulator;

/// <summary>Random identifiers for codes, tokens and response ids.</summary>
internal static class Ids
{
    private const string Alphanumeric = "abcdefghijklmnopqrstuvwxyz0123456789";

    public static string Random(int length) => RandomNumberGenerator.GetString(Alphanumeric, length);

    /// <summary>A user code like <c>BCDF-1234</c>: consonants only, so it never spells a word.</summary>
    public static string UserCode() =>
        RandomNumberGenerator.GetString("BCDFGHJKLMNPQRSTVWXZ", 4) + "-" + RandomNumberGenerator.GetString("0123456789", 4);
}
