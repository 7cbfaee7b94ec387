using System.Text;

namespace KimiCode.Provider;

/// <summary>Short single-line excerpts of server text for error messages (an HTML error page must not flood the terminal).</summary>
internal static class Snippet
{
    public const int MaxLength = 200;

    public static string Of(string? text, int maxLength = MaxLength)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var builder = new StringBuilder(Math.Min(text.Length, maxLength + 1));
        bool pendingSpace = false;
        foreach (char c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(c);
            if (builder.Length > maxLength)
            {
                return builder.ToString(0, maxLength) + "…";
            }
        }

        return builder.ToString();
    }
}
