using CnsExchange.Application.Features.Admin;

namespace CnsExchange.Application.Features.DependencyInsurance;

/// <summary>The dependency-insurance care plans of one insured person, as the sandbox feed delivers them (seed 004).</summary>
public sealed record CarePlanFeedEntry(string Matricule, List<CarePlanInput> CarePlans);

/// <summary>
/// Loads the dependency-insurance feed: for each insured person listed, the care plans and the days physiotherapy-type
/// care was delivered under them replace what the sandbox knew. VAL-15 and BIL-13 read them.
/// </summary>
public sealed record LoadCarePlans(List<CarePlanFeedEntry> Entries) : ICommand<CarePlanFeedResult>, IHasOpenApiExample
{
    public static object Example => new LoadCarePlans(
    [
        new CarePlanFeedEntry("2003042581939", [new CarePlanInput(new DateOnly(2025, 1, 1), null, true, [new DateOnly(2026, 11, 23), new DateOnly(2026, 11, 26)])]),
    ]);
}

public sealed record CarePlanFeedResult(int InsuredUpdated, int CarePlans, int DeliveredDays);

public sealed class LoadCarePlansValidator : AbstractValidator<LoadCarePlans>
{
    public LoadCarePlansValidator()
    {
        RuleFor(x => x.Entries).NotNull().Must(e => e is { Count: > 0 and <= 1000 }).OverridePropertyName("entries")
            .WithMessage("entries must list 1 to 1000 insured persons.");
        RuleForEach(x => x.Entries).NotNull().OverridePropertyName("entries").WithMessage("An entry is an object.");
        RuleForEach(x => x.Entries).ChildRules(entry =>
        {
            entry.RuleFor(e => e.Matricule).ValidMatricule();
            entry.RuleFor(e => e.CarePlans).NotNull().OverridePropertyName("carePlans");
            entry.RuleForEach(e => e.CarePlans).Cascade(CascadeMode.Stop).NotNull().WithMessage("A care plan is an object.").Must(p => (p.To is null || p.To >= p.From) && (p.PhysioDeliveredOn ?? []).Count <= 5000)
                .OverridePropertyName("carePlans").WithMessage("A care plan must not end before it starts (at most 5000 delivered days).");
        }).OverridePropertyName("entries");
        RuleFor(x => x.Entries).Must(e => e is null || e.Contains(null!) || e.Select(x => x.Matricule).Distinct().Count() == e.Count)
            .OverridePropertyName("entries").WithMessage("Each matricule may appear once.");
    }
}

public sealed class LoadCarePlansHandler(IAppDbContext db, Admin.IRegistryLocks locks) : ICommandHandler<LoadCarePlans, CarePlanFeedResult>
{
    public async ValueTask<CarePlanFeedResult> Handle(LoadCarePlans command, CancellationToken ct) =>
        await db.InTransactionAsync(async () =>
        {
            var matricules = command.Entries.Select(e => e.Matricule).ToList();
            // Two feeds (or a feed and a PUT) naming one person replace its plans one after the other.
            await locks.LockAsync(Admin.RegistryLockKinds.Insured, matricules, ct);
            var insured = await db.Insured.Where(i => matricules.Contains(i.Matricule)).ToDictionaryAsync(i => i.Matricule, ct);
            var unknown = matricules.Where(m => !insured.ContainsKey(m)).ToList();
            if (unknown.Count > 0)
                throw new UnprocessableException("insured_unknown", $"{unknown.Count} matricule(s) of the feed are not in the sandbox registry; add them with PUT /api/v1/admin/insured/{{matricule}} first.");

            var plans = 0;
            var days = 0;
            foreach (var entry in command.Entries)
            {
                var person = insured[entry.Matricule];
                db.Set<CarePlan>().RemoveRange(person.CarePlans);
                foreach (var p in entry.CarePlans)
                {
                    var delivered = (p.PhysioDeliveredOn ?? []).Distinct().Order().ToList();
                    db.Set<CarePlan>().Add(new CarePlan
                    {
                        Id = Guid.CreateVersion7(), InsuredId = person.Id, From = p.From, To = p.To,
                        IncludesPhysiotherapy = p.IncludesPhysiotherapy, PhysioDeliveredOn = delivered,
                    });
                    plans++;
                    days += delivered.Count;
                }
            }
            await db.SaveChangesAsync(ct);
            return new CarePlanFeedResult(command.Entries.Count, plans, days);
        }, ct);
}
