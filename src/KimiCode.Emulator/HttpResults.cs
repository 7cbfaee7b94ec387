using System.Text;
using Microsoft.AspNetCore.Http;

namespace KimiCode.Emulator;

/// <summary>Small response writers shared by the endpoint handlers.</summary>
internal static class HttpResults
{
    public static async Task WriteJsonAsync(HttpContext context, int status, string json, CancellationToken cancellationToken)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(json, Encoding.UTF8, cancellationToken);
    }

    public static async Task WriteTextAsync(HttpContext context, int status, string contentType, string text, CancellationToken cancellationToken)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(text, Encoding.UTF8, cancellationToken);
    }

    /// <summary>Parses an <c>application/x-www-form-urlencoded</c> body; null when the content type is not a form.</summary>
    public static Dictionary<string, string>? ReadForm(HttpContext context, string body)
    {
        var contentType = context.Request.ContentType;
        if (contentType is null || !contentType.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var parsed = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(body.StartsWith('?') ? body : "?" + body);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in parsed)
        {
            result[key] = value.ToString();
        }

        return result;
    }
}
