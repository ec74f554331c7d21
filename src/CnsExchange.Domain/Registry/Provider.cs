namespace CnsExchange.Domain.Registry;

public enum ProviderKind
{
    Physiotherapist,
    Hospital,
    ThermalCentre,
    RehabilitationCentre,
    Doctor,
    /// <summary>The national centre for functional rehabilitation: a hospital establishment that records stays like a hospital (REH-05).</summary>
    Cnrfr,
}

/// <summary>A healthcare provider that exchanges data with CNS (identifiant facturier = <see cref="Code"/>).</summary>
public sealed class Provider
{
    public Guid Id { get; set; }
    public required string Code { get; set; }
    public ProviderKind Kind { get; set; }
    public required string Name { get; set; }
    public required string Iban { get; set; }
    public required string Bic { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public enum CallerRole
{
    Provider,
    Reviewer,
    Admin,
    /// <summary>Runs the exchange: creates, lists and deletes sandboxes. Belongs to no sandbox.</summary>
    Operator,
    /// <summary>
    /// The insured's channel (the fund's app, a counter clerk): acts for an insured named in each request — validation by
    /// the insured (INS-01), reimbursement claims and their statements (RULES.md §8). Sees nothing of providers' data.
    /// </summary>
    InsuredChannel,
}

public static class CallerRoles
{
    /// <summary>The role as API keys and 403 problems name it: lower case, words joined by a hyphen ("insured-channel").</summary>
    public static string Name(CallerRole role) => role == CallerRole.InsuredChannel ? "insured-channel" : role.ToString().ToLowerInvariant();

    public static CallerRole? Parse(string? name) =>
        Enum.TryParse<CallerRole>(name?.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var role) ? role : null;
}

/// <summary>An API key; only its SHA-256 hash is stored.</summary>
public sealed class ApiKey
{
    public Guid Id { get; set; }
    public required string KeyHash { get; set; }
    public required string Name { get; set; }
    public CallerRole Role { get; set; }
    public Guid? ProviderId { get; set; }
    public Provider? Provider { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}

/// <summary>A prescribing doctor. Luxembourg codes have 8 digits and start with 9.</summary>
public sealed class Doctor
{
    public required string Code { get; set; }
    public required string Name { get; set; }
    public required string Country { get; set; }
    public string? Specialty { get; set; }
}
