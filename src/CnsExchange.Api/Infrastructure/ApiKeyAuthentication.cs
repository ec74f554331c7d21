using System.Security.Claims;
using System.Text.Encodings.Web;
using CnsExchange.Application.Common;
using CnsExchange.Domain.Registry;
using CnsExchange.Infrastructure.Sandbox;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace CnsExchange.Api.Infrastructure;

/// <summary>
/// Authenticates the <c>X-Api-Key</c> header against the stored SHA-256 hashes, on every request (no cache: a revoked
/// key or a deleted sandbox stops working at once in every process). The answer carries the key's sandbox and that
/// sandbox's clock, which <see cref="SandboxMiddleware"/> opens the unit of work with.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    SandboxDirectory directory)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";
    public const string ProviderClaim = "provider_id";
    public const string KeyClaim = "key_id";
    public const string SandboxClaim = "sandbox_id";
    /// <summary>The provider's kind and code: a provider is never changed once created, so they travel with the key.</summary>
    public const string ProviderKindClaim = "provider_kind";
    public const string ProviderCodeClaim = "provider_code";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(HeaderName, out var values)) return AuthenticateResult.NoResult();
        var key = values.ToString();
        if (string.IsNullOrWhiteSpace(key) || key.Length > 200) return AuthenticateResult.Fail("Invalid API key.");

        var info = await directory.AuthenticateAsync(ApiKeys.Hash(key), Context.RequestAborted);
        if (info is null) return AuthenticateResult.Fail("Invalid API key.");

        var claims = new List<Claim> { new(ClaimTypes.Role, info.Role.ToString().ToLowerInvariant()), new(KeyClaim, info.KeyId.ToString()) };
        if (info.SandboxId is { } sandbox)
        {
            claims.Add(new Claim(SandboxClaim, sandbox.ToString()));
            SandboxMiddleware.Remember(Context, sandbox, info.Clock!);
        }
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
    public const string Operator = "operator";
    public const string OperatorOrAdmin = "operator_or_admin";
}
