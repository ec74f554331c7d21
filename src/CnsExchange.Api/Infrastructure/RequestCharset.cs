using System.Text;
using Microsoft.Net.Http.Headers;

namespace CnsExchange.Api.Infrastructure;

/// <summary>
/// The charset of a request's Content-Type, settled before any body is read. ASP.NET Core's JSON binding throws (a 500)
/// on a charset it cannot decode — an unknown name, UTF-7 (disabled in .NET), or even a quoted <c>"utf-8"</c>, which
/// RFC 9110 §5.6.6 allows. Here an unknown charset is answered 415 <c>unsupported_media_type</c>; a quoted one is
/// unquoted, and the labels the WHATWG Encoding Standard gives UTF-8 (<c>utf8</c>, <c>unicode-1-1-utf-8</c> …) are read
/// as <c>utf-8</c>, the name .NET knows.
/// </summary>
public static class RequestCharset
{
    /// <summary>WHATWG Encoding Standard, "The Encoding" table: the labels of UTF-8.</summary>
    private static readonly HashSet<string> Utf8Labels = new(StringComparer.OrdinalIgnoreCase)
    {
        "unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "utf-8", "utf8", "x-unicode20utf8",
    };

    public static IApplicationBuilder UseRequestCharset(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Request.ContentType is { } header && MediaTypeHeaderValue.TryParse(header, out var type) && type.Charset.HasValue)
        {
            var charset = HeaderUtilities.RemoveQuotes(type.Charset).Value!.Trim();
            var name = Utf8Labels.Contains(charset) ? "utf-8" : charset;
            if (!IsKnown(name))
            {
                await Problems.WriteAsync(context, 415, "unsupported_media_type", "Unsupported media type",
                    $"The request's charset '{ProblemExceptionHandler.Sanitize(charset)}' is not an encoding this API reads; send the body in UTF-8 (e.g. Content-Type: application/json; charset=utf-8).");
                return;
            }
            if (name != type.Charset.Value)
            {
                type.Charset = name;
                context.Request.ContentType = type.ToString();
            }
        }
        await next(context);
    });

    private static bool IsKnown(string name)
    {
        if (name.Length == 0) return false;
        try
        {
            Encoding.GetEncoding(name);
            return true;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            return false;
        }
    }
}
