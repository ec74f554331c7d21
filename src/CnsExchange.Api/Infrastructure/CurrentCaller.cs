using System.Security.Claims;
using CnsExchange.Domain.Registry;

namespace CnsExchange.Api.Infrastructure;

/// <summary>The caller of the current HTTP request, from the API-key claims and Accept-Language (read once per request).</summary>
public sealed class HttpCurrentCaller(IHttpContextAccessor accessor) : ICurrentCaller
{
    private ClaimsPrincipal? User => accessor.HttpContext?.User;
    private string? _language;
    private string? _actor;

    public Guid? KeyId => Guid.TryParse(User?.FindFirstValue(ApiKeyAuthenticationHandler.KeyClaim), out var id) ? id : null;

    public CallerRole? Role => CallerRoles.Parse(User?.FindFirstValue(ClaimTypes.Role));

    public Guid? ProviderId => Guid.TryParse(User?.FindFirstValue(ApiKeyAuthenticationHandler.ProviderClaim), out var id) ? id : null;

    public ProviderKind? ProviderKind =>
        Enum.TryParse<ProviderKind>(User?.FindFirstValue(ApiKeyAuthenticationHandler.ProviderKindClaim), out var kind) ? kind : null;

    public string? ProviderCode => User?.FindFirstValue(ApiKeyAuthenticationHandler.ProviderCodeClaim);

    public string Language => _language ??= Languages.FromAcceptLanguage(accessor.HttpContext?.Request.Headers.AcceptLanguage.ToString());

    public string Actor => Role is null ? "anonymous" : _actor ??= $"{CallerRoles.Name(Role.Value)}:{KeyId}";
}

public static class Languages
{
    public static readonly string[] Supported = ["en", "fr", "de"];

    /// <summary>Picks fr, de or en from an Accept-Language header by quality; default en.</summary>
    public static string FromAcceptLanguage(string? header)
    {
        if (string.IsNullOrWhiteSpace(header)) return "en";
        var best = header.Split(',')
            .Select((part, index) =>
            {
                var pieces = part.Trim().Split(';');
                var tag = pieces[0].Trim().ToLowerInvariant();
                var q = 1.0;
                foreach (var p in pieces.Skip(1))
                {
                    var kv = p.Trim();
                    if (kv.StartsWith("q=", StringComparison.Ordinal) &&
                        double.TryParse(kv[2..], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
                        q = parsed;
                }
                var primary = tag.Split('-')[0];
                return (lang: primary, q, index);
            })
            .Where(x => Supported.Contains(x.lang) && x.q > 0)
            .OrderByDescending(x => x.q).ThenBy(x => x.index)
            .FirstOrDefault();
        return best.lang ?? "en";
    }
}
