using System.Security.Claims;
using System.Text.Encodings.Web;
using CnsExchange.Application.Common;
using CnsExchange.Domain.Registry;
using CnsExchange.Infrastructure.Persistence;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace CnsExchange.Api.Infrastructure;

/// <summary>Authenticates the <c>X-Api-Key</c> header against the stored SHA-256 hashes.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    AppDbContext db,
    IMemoryCache cache)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";
    public const string ProviderClaim = "provider_id";
    public const string KeyClaim = "key_id";
    /// <summary>The provider's kind and code: a provider is never changed once created, so they travel with the key.</summary>
    public const string ProviderKindClaim = "provider_kind";
    public const string ProviderCodeClaim = "provider_code";

    private sealed record KeyInfo(Guid Id, string Role, Guid? ProviderId, string? ProviderKind, string? ProviderCode);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(HeaderName, out var values)) return AuthenticateResult.NoResult();
        var key = values.ToString();
        if (string.IsNullOrWhiteSpace(key) || key.Length > 200) return AuthenticateResult.Fail("Invalid API key.");

        var hash = ApiKeys.Hash(key);
        // A short cache keeps key checks off the hot path; a revoked key stops working within the TTL.
        var info = await cache.GetOrCreateAsync("apikey:" + hash, async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(30);
            var row = await db.ApiKeys.AsNoTracking()
                .Where(k => k.KeyHash == hash && k.RevokedAt == null)
                .Select(k => new { k.Id, k.Role, k.ProviderId, ProviderKind = (ProviderKind?)k.Provider!.Kind, ProviderCode = k.Provider!.Code })
                .SingleOrDefaultAsync(Context.RequestAborted);
            return row is null ? null : new KeyInfo(row.Id, row.Role.ToString().ToLowerInvariant(), row.ProviderId, row.ProviderKind?.ToString(), row.ProviderCode);
        });
        if (info is null) return AuthenticateResult.Fail("Invalid API key.");

        var claims = new List<Claim> { new(ClaimTypes.Role, info.Role), new(KeyClaim, info.Id.ToString()) };
        if (info.ProviderId is { } providerId) claims.Add(new Claim(ProviderClaim, providerId.ToString()));
        if (info.ProviderKind is { } kind) claims.Add(new Claim(ProviderKindClaim, kind));
        if (info.ProviderCode is { } code) claims.Add(new Claim(ProviderCodeClaim, code));
        var identity = new ClaimsIdentity(claims, SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        Problems.WriteAsync(Context, 401, "unauthorized", "Unauthorized", "A valid X-Api-Key header is required.");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problems.WriteAsync(Context, 403, "forbidden", "Forbidden", "This API key's role may not use this operation.");
}

public static class Policies
{
    public const string Provider = "provider";
    public const string Reviewer = "reviewer";
    public const string Admin = "admin";
    public const string ReviewerOrAdmin = "reviewer_or_admin";
    public const string ProviderOrStaff = "provider_or_staff";
}
