using CnsExchange.Domain.Lifecycle;

namespace CnsExchange.Application.Features.Eligibility;

/// <summary>
/// LIF-06: whether the person can be treated under third-party payment on <see cref="Date"/>, with the facts a provider
/// needs for it and nothing else. The person's facts are null when the person is unknown or not affiliated on the date.
/// </summary>
public sealed record EligibilityDto(
    Guid CheckId,
    DateOnly Date,
    bool Known,
    bool AffiliatedOnDate,
    bool ThirdPartyPaymentPossible,
    string? CompetentFund,
    bool? CrossBorderWorker,
    string? ResidenceCountry,
    bool? UnderEighteen,
    bool? OpenAccidentCase,
    bool? DependencyPlanWithPhysiotherapy,
    IReadOnlyList<OpenVoucher> OpenVouchers,
    IReadOnlyList<ReasonDto> Reasons);

/// <summary>GET /eligibility?matricule=…&amp;date=… (date: default today). Every call is written to the audit log.</summary>
public sealed record CheckEligibility(Guid ProviderId, string? Matricule, DateOnly? Date) : ICommand<EligibilityDto>;

/// <summary>The keyed hash under which audit records name a person (never the matricule in clear).</summary>
public interface IAuditHasher
{
    /// <summary>Hex HMAC-SHA256 of the matricule under the current sandbox's audit key (made on first use).</summary>
    Task<string> MatriculeHashAsync(string matricule, CancellationToken ct);
}

public sealed class CheckEligibilityValidator : AbstractValidator<CheckEligibility>
{
    public CheckEligibilityValidator()
    {
        RuleFor(x => x.Matricule).IsMatricule();
        RuleFor(x => x.Date).InclusiveBetween(new DateOnly(1900, 1, 1), new DateOnly(2200, 12, 31)).When(x => x.Date is not null)
            .OverridePropertyName("date").WithMessage("date must be between 1900 and 2200 (yyyy-MM-dd).");
    }
}

public sealed class CheckEligibilityHandler(IAppDbContext db, IReferenceData reference, TimeProvider clock, ICurrentCaller caller, IAuditHasher hasher)
    : ICommandHandler<CheckEligibility, EligibilityDto>
{
    public async ValueTask<EligibilityDto> Handle(CheckEligibility command, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var date = command.Date ?? LuxembourgCalendar.LocalDate(now);
        var matricule = command.Matricule!;
        var insured = await db.Insured.AsNoTracking().AsSingleQuery().SingleOrDefaultAsync(i => i.Matricule == matricule, ct);
        var vouchers = insured is null
            ? []
            : await db.Vouchers.AsNoTracking()
                .Where(v => v.ProviderId == command.ProviderId && v.InsuredId == insured.Id && v.CancelledAt == null && v.ValidUntil >= date)
                .ToListAsync(ct);
        var answer = Domain.Lifecycle.Eligibility.Assess(insured, date, command.ProviderId, vouchers);

        var check = new EligibilityCheck
        {
            Id = Guid.CreateVersion7(), ProviderId = command.ProviderId, MatriculeHash = await hasher.MatriculeHashAsync(matricule, ct),
            AskedDate = date, CheckedAt = now, Known = answer.Known, Affiliated = answer.AffiliatedOnDate, OpenVouchers = answer.OpenVouchers.Count,
        };
        db.Set<EligibilityCheck>().Add(check);
        await db.SaveChangesAsync(ct);

        var facts = answer.Facts;
        return new EligibilityDto(check.Id, answer.Date, answer.Known, answer.AffiliatedOnDate, answer.ThirdPartyPaymentPossible, facts?.CompetentFund,
            facts?.CrossBorderWorker, facts?.ResidenceCountry, facts?.UnderEighteen, facts?.OpenAccidentCase, facts?.DependencyPlanWithPhysiotherapy,
            answer.OpenVouchers,
            reference.Render(answer.Reasons, caller.Language));
    }
}

/// <summary>One audited eligibility question, as CNS staff read the audit log.</summary>
public sealed record EligibilityCheckDto(Guid Id, string ProviderCode, DateOnly AskedDate, DateTimeOffset CheckedAt, bool Known, bool Affiliated, int OpenVouchers);

/// <summary>
/// GET /review/eligibility-checks?matricule=…: the audit log of eligibility questions about one person (found by its keyed
/// hash), newest first, for CNS staff.
/// </summary>
public sealed record ListEligibilityChecks(string? Matricule, string? Cursor, int? Limit) : ICommand<Page<EligibilityCheckDto>>;

public sealed class ListEligibilityChecksValidator : AbstractValidator<ListEligibilityChecks>
{
    public ListEligibilityChecksValidator() => RuleFor(x => x.Matricule).IsMatricule();
}

internal static class MatriculeQueryRule
{
    /// <summary>The <c>matricule</c> query value: required, 13 digits with valid check digits (400 otherwise).</summary>
    public static IRuleBuilderOptions<T, string?> IsMatricule<T>(this IRuleBuilderInitial<T, string?> rule) =>
        rule.Cascade(CascadeMode.Stop)
            .NotEmpty().WithMessage("matricule is required.")
            .Must(Matricule.IsValid).WithMessage(SearchTerms.MalformedMatricule)
            .OverridePropertyName("matricule");
}

public sealed class ListEligibilityChecksHandler(IAppDbContext db, IAuditHasher hasher) : ICommandHandler<ListEligibilityChecks, Page<EligibilityCheckDto>>
{
    public async ValueTask<Page<EligibilityCheckDto>> Handle(ListEligibilityChecks query, CancellationToken ct)
    {
        var page = PageRequest.Of(query.Cursor, query.Limit);
        var hash = await hasher.MatriculeHashAsync(query.Matricule!, ct);
        var q = db.Set<EligibilityCheck>().AsNoTracking().Where(c => c.MatriculeHash == hash);
        var (rows, next) = await q.NewestFirstAsync(page, x => x.CheckedAt, x => x.Id, ct);
        var providerIds = rows.Select(r => r.ProviderId).Distinct().ToList();
        var codes = await db.Providers.AsNoTracking().Where(p => providerIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Code, ct);
        return new Page<EligibilityCheckDto>(rows.Select(r =>
            new EligibilityCheckDto(r.Id, codes[r.ProviderId], r.AskedDate, r.CheckedAt, r.Known, r.Affiliated, r.OpenVouchers)).ToList(), next);
    }
}
