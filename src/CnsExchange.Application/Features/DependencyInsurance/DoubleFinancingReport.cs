namespace CnsExchange.Application.Features.DependencyInsurance;

/// <summary>
/// For CNS staff: overlaps between dependency-insurance care including physiotherapy and physiotherapy financed by the
/// health insurance, per provider and month — the evidence the physiotherapists' association asks for (seed 004).
/// </summary>
public sealed record GetDoubleFinancingReport(DateOnly? From, DateOnly? To) : IQuery<DoubleFinancingReport>;

public sealed record DoubleFinancingRow(
    string ProviderCode,
    string ProviderName,
    string Month,
    /// <summary>Validation requests sent to review for a care plan over the treatment period (VAL-15), decided since or not.</summary>
    int RequestsSentToReview,
    /// <summary>Sessions refused because the dependency insurance financed physiotherapy-type care that day (BIL-13).</summary>
    int SessionsRefusedSameDay,
    decimal AmountRefusedSameDay,
    /// <summary>Sessions paid by the health insurance while the insured was in a care plan that includes physiotherapy.</summary>
    int SessionsPaidDuringCarePlan,
    decimal AmountPaidDuringCarePlan,
    int InsuredPersons);

public sealed record DoubleFinancingReport(DateOnly From, DateOnly To, IReadOnlyList<DoubleFinancingRow> Rows);

/// <summary>The counts of one provider and month, as the database groups them.</summary>
public sealed record DoubleFinancingCounts(Guid ProviderId, DateOnly Month, int Requests, int Refused, decimal RefusedAmount, int PaidDuringPlan,
    decimal PaidAmount, int Insured);

/// <summary>Reads the report's counts per provider and month in one pass per source (SQL in Infrastructure).</summary>
public interface IDoubleFinancingCounts
{
    Task<IReadOnlyList<DoubleFinancingCounts>> ReadAsync(DateOnly from, DateOnly to, CancellationToken ct);
}

public sealed class GetDoubleFinancingReportValidator : AbstractValidator<GetDoubleFinancingReport>
{
    public GetDoubleFinancingReportValidator()
    {
        RuleFor(x => x).Must(x => x.From is null || x.To is null || x.From <= x.To).OverridePropertyName("from")
            .WithMessage("from must not be after to.");
        RuleFor(x => x).Must(x => x.From is null || x.To is null || x.To.Value.DayNumber - x.From.Value.DayNumber <= 3660)
            .OverridePropertyName("to").WithMessage("The period may cover at most ten years.");
    }
}

public sealed class GetDoubleFinancingReportHandler(IAppDbContext db, IDoubleFinancingCounts counts, TimeProvider clock) : IQueryHandler<GetDoubleFinancingReport, DoubleFinancingReport>
{
    public async ValueTask<DoubleFinancingReport> Handle(GetDoubleFinancingReport query, CancellationToken ct)
    {
        var today = Domain.Calendar.LuxembourgCalendar.LocalDate(clock.GetUtcNow());
        var to = query.To ?? today;
        var from = query.From ?? new DateOnly(to.Year, 1, 1);

        var rows = await counts.ReadAsync(from, to, ct);

        var providers = await db.Providers.AsNoTracking().ToDictionaryAsync(p => p.Id, ct);
        return new DoubleFinancingReport(from, to, rows
            .Select(r => new DoubleFinancingRow(providers[r.ProviderId].Code, providers[r.ProviderId].Name, r.Month.ToString("yyyy-MM"),
                r.Requests, r.Refused, r.RefusedAmount, r.PaidDuringPlan, r.PaidAmount, r.Insured))
            .OrderBy(r => r.ProviderCode, StringComparer.Ordinal).ThenBy(r => r.Month, StringComparer.Ordinal)
            .ToList());
    }
}
