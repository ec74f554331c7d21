using System.Security.Claims;
using System.Text.Encodings.Web;
using CnsExchange.Domain.Registry;
using CnsExchange.Infrastructure.Sandbox;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace CnsExchange.Api.Infrastructure;

/// <summary>
/// Authenticates the <c>X-Api-Key</c> header against the stored SHA-256 hashes, on every request (through
/// <see cref="SandboxDirectory"/>, whose memory follows every committed change before it answers: a revoked key or a
/// deleted sandbox stops working at once in every process). The answer carries the key's sandbox and that sandbox's
/// clock, which <see cref="SandboxMiddleware"/> opens the unit of work with.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    SandboxDirectory directory,
    IMemoryCache cache)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, new DebugLevelLoggerFactory(logger), encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";
    public const string ProviderClaim = "provider_id";
    public const string KeyClaim = "key_id";
    public const string SandboxClaim = "sandbox_id";
    /// <summary>The provider's kind and code: a provider is never changed once created, so they travel with the key.</summary>
    public const string ProviderKindClaim = "provider_kind";
    public const string ProviderCodeClaim = "provider_code";

    public const int MaxKeyLength = 200;

    private static string CacheKey(string hash) => "apikey:" + hash;

    /// <summary>
    /// The key (by hash) was found valid within the last 30 s: the rate limiter, which runs before authentication, gives
    /// it its own bucket. Authentication itself never trusts this.
    /// </summary>
    public static bool IsKnownValid(IMemoryCache cache, string hash) => cache.TryGetValue(CacheKey(hash), out bool valid) && valid;

    /// <summary>
    /// A missing or invalid key is "no result" (logged by the framework at debug level, not one Information line per
    /// wrong key); the challenge answers 401 all the same.
    /// </summary>
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(HeaderName, out var values)) return AuthenticateResult.NoResult();
        var key = values.ToString();
        if (string.IsNullOrWhiteSpace(key) || key.Length > MaxKeyLength) return AuthenticateResult.NoResult();

        var hash = ApiKeys.Hash(key);
        var info = await directory.AuthenticateAsync(hash, Context.RequestAborted);
        if (info is null) return AuthenticateResult.NoResult();
        cache.Set(CacheKey(hash), true, TimeSpan.FromSeconds(30));

        var claims = new List<Claim> { new(ClaimTypes.Role, CallerRoles.Name(info.Role)), new(KeyClaim, info.KeyId.ToString()) };
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
        Problems.WriteAsync(Context, 403, "forbidden", "Forbidden", Policies.AllowedRoles(Context.GetEndpoint()) is { } roles
            ? $"This operation is for the {roles} role; this API key's role ({Context.User.FindFirstValue(ClaimTypes.Role)}) may not use it."
            : "This API key's role may not use this operation.");
}

/// <summary>
/// Loggers that write the framework's per-request authentication lines ("was challenged", "was forbidden") at Debug
/// rather than Information: one line per request without a valid key would let anyone fill the logs (issue 15).
/// Warnings and errors keep their level.
/// </summary>
internal sealed class DebugLevelLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new Logger(inner.CreateLogger(categoryName));

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose() { }

    private sealed class Logger(ILogger inner) : ILogger
    {
        private static LogLevel Level(LogLevel level) => level is LogLevel.Information ? LogLevel.Debug : level;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(Level(logLevel));

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            inner.Log(Level(logLevel), eventId, state, exception, formatter);
    }
}

/// <summary>The authorisation policies and the roles each admits: one table, read by the registration and by 403 problems.</summary>
public static class Policies
{
    public const string Provider = "provider";
    public const string Reviewer = "reviewer";
    public const string Admin = "admin";
    public const string ReviewerOrAdmin = "reviewer_or_admin";
    public const string ProviderOrStaff = "provider_or_staff";
    /// <summary>Operations staff: sandboxes, the dashboard and the /metrics scrape. Operator keys belong to no sandbox.</summary>
    public const string Operator = "operator";
    public const string OperatorOrAdmin = "operator_or_admin";
    /// <summary>The insured's channel (RULES.md §8): reimbursement claims and their statements.</summary>
    public const string InsuredChannel = "insured_channel";
    /// <summary>Validation requests: by the physiotherapist, or by the insured through the insured channel (INS-01).</summary>
    public const string ProviderOrInsured = "provider_or_insured";
    /// <summary>A validation request and its scan: its physiotherapist, the insured channel that sent it (INS-01), and CNS staff.</summary>
    public const string ValidationRequestReaders = "validation_request_readers";
    /// <summary>A reimbursement claim: the channel that submitted it, and CNS staff.</summary>
    public const string InsuredChannelOrStaff = "insured_channel_or_staff";
    /// <summary>Every caller of a sandbox: its clock and reference data decide every answer, the insured channel's too.</summary>
    public const string AnySandboxCaller = "any_sandbox_caller";

    public static readonly IReadOnlyDictionary<string, string[]> Roles = new Dictionary<string, string[]>
    {
        [Provider] = ["provider"],
        [Reviewer] = ["reviewer"],
        [Admin] = ["admin"],
        [ReviewerOrAdmin] = ["reviewer", "admin"],
        [ProviderOrStaff] = ["provider", "reviewer", "admin"],
        [Operator] = ["operator"],
        [OperatorOrAdmin] = ["operator", "admin"],
        [InsuredChannel] = ["insured-channel"],
        [ProviderOrInsured] = ["provider", "insured-channel"],
        [ValidationRequestReaders] = ["provider", "insured-channel", "reviewer", "admin"],
        [InsuredChannelOrStaff] = ["insured-channel", "reviewer", "admin"],
        [AnySandboxCaller] = ["provider", "insured-channel", "reviewer", "admin"],
    };

    public static void AddCnsPolicies(this Microsoft.AspNetCore.Authorization.AuthorizationBuilder builder)
    {
        foreach (var (policy, roles) in Roles) builder.AddPolicy(policy, p => p.RequireRole(roles));
    }

    /// <summary>The roles that may call the endpoint ("provider", "reviewer or admin"), or null when it names none.</summary>
    public static string? AllowedRoles(Endpoint? endpoint)
    {
        var roles = (endpoint?.Metadata.GetOrderedMetadata<Microsoft.AspNetCore.Authorization.IAuthorizeData>() ?? [])
            .SelectMany(a => a.Policy is { } p && Roles.TryGetValue(p, out var r) ? r : a.Roles?.Split(',', StringSplitOptions.TrimEntries) ?? [])
            .Distinct().ToList();
        return roles.Count switch
        {
            0 => null,
            1 => roles[0],
            _ => string.Join(", ", roles[..^1]) + " or " + roles[^1],
        };
    }
}
