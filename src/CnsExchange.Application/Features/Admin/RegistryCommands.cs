namespace CnsExchange.Application.Features.Admin;

public sealed record PeriodInput(DateOnly From, DateOnly? To);

public sealed record AccidentCaseInput(string Reference, DateOnly OpenedOn, DateOnly? ClosedOn);

public sealed record CarePlanInput(DateOnly From, DateOnly? To, bool IncludesPhysiotherapy, List<DateOnly>? PhysioDeliveredOn);

public sealed record InsuredInput(
    string FirstName, string LastName, Sex Sex, string CompetentFund, string ResidenceCountry, string? Municipality,
    bool CrossBorderWorker, List<PeriodInput> Affiliations, List<AccidentCaseInput>? AccidentCases, List<CarePlanInput>? CarePlans) : IHasOpenApiExample
{
    public static object Example => new InsuredInput("Emma", "Test", Sex.Female, "CNS", "LU", "Luxembourg", false,
        [new PeriodInput(new DateOnly(2010, 1, 1), null)], [], []);
}

/// <summary>The insured's bank account: where the competent fund pays reimbursements (INS-05).</summary>
public sealed record BankAccountInput(string Iban, string Bic) : IHasOpenApiExample
{
    public static object Example => new BankAccountInput("LU03 0021 0000 1234 5678", "BILLLULL");
}

public sealed record BankAccountDto(string Iban, string Bic);

/// <param name="BankAccount">INS-05: the account reimbursements are paid to; null until an admin sets it (PUT …/bank-account).</param>
public sealed record InsuredDto(
    string Matricule, string FirstName, string LastName, DateOnly BirthDate, Sex Sex, string CompetentFund, string ResidenceCountry,
    string? Municipality, bool CrossBorderWorker, IReadOnlyList<PeriodInput> Affiliations, IReadOnlyList<AccidentCaseInput> AccidentCases,
    IReadOnlyList<CarePlanInput> CarePlans, BankAccountDto? BankAccount)
{
    public static InsuredDto From(Insured i) => new(i.Matricule, i.FirstName, i.LastName, i.BirthDate, i.Sex, i.CompetentFund, i.ResidenceCountry,
        i.Municipality, i.CrossBorderWorker,
        i.Affiliations.OrderBy(a => a.From).Select(a => new PeriodInput(a.From, a.To)).ToList(),
        i.AccidentCases.OrderBy(a => a.OpenedOn).Select(a => new AccidentCaseInput(a.Reference, a.OpenedOn, a.ClosedOn)).ToList(),
        i.CarePlans.OrderBy(c => c.From).Select(c => new CarePlanInput(c.From, c.To, c.IncludesPhysiotherapy, c.PhysioDeliveredOn.Order().ToList())).ToList(),
        i.Iban is null ? null : new BankAccountDto(i.Iban, i.Bic ?? ""));
}

/// <summary>Adds or replaces a sandbox insured person (admin). The birth date is read from the matricule.</summary>
public sealed record PutInsured(string Matricule, InsuredInput Insured) : ICommand<InsuredDto>;

public sealed record GetInsured(string Matricule) : IQuery<InsuredDto>;

/// <summary>Sets the account reimbursements are paid to (INS-05); a PUT of the insured keeps it.</summary>
public sealed record SetInsuredBankAccount(string Matricule, BankAccountInput Account) : ICommand<InsuredDto>;

/// <summary>Sandbox insured persons by matricule, a page at a time.</summary>
public sealed record ListInsured(string? Cursor = null, int? Limit = null) : IQuery<Page<InsuredDto>>;

public static class RegistryLockKinds
{
    public const string Insured = "insured";
    public const string Doctor = "doctor";
}

internal static class RegistryRules
{
    public const string BicPattern = "^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$";

    public static IRuleBuilderOptions<T, string> CountryCode<T>(this IRuleBuilder<T, string> rule) =>
        rule.NotEmpty().Matches("^[A-Z]{2}$").WithMessage("'{PropertyName}' must be an ISO 3166-1 alpha-2 code such as LU, FR, DE, BE.");
}

public sealed class PutInsuredValidator : AbstractValidator<PutInsured>
{
    public PutInsuredValidator(IReferenceData reference)
    {
        var funds = reference.Catalog.FundCodes;
        RuleFor(x => x.Matricule).ValidMatricule();
        RuleFor(x => x.Insured).NotNull();
        When(x => x.Insured is not null, () =>
        {
            RuleFor(x => x.Insured.FirstName).NotEmpty().MaximumLength(100).OverridePropertyName("firstName");
            RuleFor(x => x.Insured.LastName).NotEmpty().MaximumLength(100).OverridePropertyName("lastName");
            RuleFor(x => x.Insured.Sex).IsInEnum().OverridePropertyName("sex");
            RuleFor(x => x.Insured.CompetentFund).Must(f => funds.Contains(f)).OverridePropertyName("competentFund")
                .WithMessage($"competentFund must be one of {string.Join(", ", funds)}.");
            RuleFor(x => x.Insured.ResidenceCountry).CountryCode().OverridePropertyName("residenceCountry");
            RuleFor(x => x.Insured.Municipality).MaximumLength(100).OverridePropertyName("municipality");
            RuleFor(x => x.Insured.Affiliations).NotNull().OverridePropertyName("affiliations");
            RuleForEach(x => x.Insured.Affiliations).Cascade(CascadeMode.Stop).NotNull().WithMessage("An affiliation period is an object.").Must(p => p.To is null || p.To >= p.From).OverridePropertyName("affiliations")
                .WithMessage("An affiliation period must not end before it starts.");
            RuleForEach(x => x.Insured.AccidentCases).Cascade(CascadeMode.Stop).NotNull().WithMessage("An accident case is an object.").Must(a => !string.IsNullOrWhiteSpace(a.Reference) && a.Reference.Length <= 40 && (a.ClosedOn is null || a.ClosedOn >= a.OpenedOn))
                .OverridePropertyName("accidentCases").WithMessage("An accident case needs a reference (at most 40 characters) and must not close before it opens.");
            RuleForEach(x => x.Insured.CarePlans).Cascade(CascadeMode.Stop).NotNull().WithMessage("A care plan is an object.").Must(p => (p.To is null || p.To >= p.From) && (p.PhysioDeliveredOn ?? []).Count <= 5000)
                .OverridePropertyName("carePlans").WithMessage("A care plan must not end before it starts (at most 5000 delivered days).");
        });
    }
}

public sealed class RegistryHandlers(IAppDbContext db, IRegistryLocks locks) :
    ICommandHandler<PutInsured, InsuredDto>,
    ICommandHandler<SetInsuredBankAccount, InsuredDto>,
    IQueryHandler<GetInsured, InsuredDto>,
    IQueryHandler<ListInsured, Page<InsuredDto>>
{
    public async ValueTask<InsuredDto> Handle(PutInsured command, CancellationToken ct)
    {
        Matricule.TryParse(command.Matricule, out var matricule);
        var input = command.Insured;
        return await db.InTransactionAsync(async () =>
        {
            await locks.LockAsync(RegistryLockKinds.Insured, [command.Matricule], ct);
            var insured = await db.Insured.SingleOrDefaultAsync(i => i.Matricule == command.Matricule, ct);
            if (insured is null)
            {
                insured = new Insured
                {
                    Id = Guid.CreateVersion7(), Matricule = command.Matricule, FirstName = input.FirstName, LastName = input.LastName,
                    CompetentFund = input.CompetentFund, ResidenceCountry = input.ResidenceCountry,
                };
                db.Insured.Add(insured);
            }
            else
            {
                db.Set<AffiliationPeriod>().RemoveRange(insured.Affiliations);
                db.Set<AccidentCase>().RemoveRange(insured.AccidentCases);
                db.Set<CarePlan>().RemoveRange(insured.CarePlans);
            }
            insured.FirstName = input.FirstName;
            insured.LastName = input.LastName;
            insured.BirthDate = matricule!.Value.BirthDate;
            insured.Sex = input.Sex;
            insured.CompetentFund = input.CompetentFund;
            insured.ResidenceCountry = input.ResidenceCountry;
            insured.Municipality = input.Municipality;
            insured.CrossBorderWorker = input.CrossBorderWorker;
            var affiliations = input.Affiliations.Select(a => new AffiliationPeriod { Id = Guid.CreateVersion7(), InsuredId = insured.Id, From = a.From, To = a.To }).ToList();
            var accidents = (input.AccidentCases ?? []).Select(a => new AccidentCase { Id = Guid.CreateVersion7(), InsuredId = insured.Id, Reference = a.Reference, OpenedOn = a.OpenedOn, ClosedOn = a.ClosedOn }).ToList();
            var plans = (input.CarePlans ?? []).Select(p => new CarePlan { Id = Guid.CreateVersion7(), InsuredId = insured.Id, From = p.From, To = p.To, IncludesPhysiotherapy = p.IncludesPhysiotherapy, PhysioDeliveredOn = (p.PhysioDeliveredOn ?? []).Distinct().ToList() }).ToList();
            db.Set<AffiliationPeriod>().AddRange(affiliations);
            db.Set<AccidentCase>().AddRange(accidents);
            db.Set<CarePlan>().AddRange(plans);
            await db.SaveChangesAsync(ct);
            insured.Affiliations = affiliations;
            insured.AccidentCases = accidents;
            insured.CarePlans = plans;
            return InsuredDto.From(insured);
        }, ct);
    }

    public async ValueTask<InsuredDto> Handle(SetInsuredBankAccount command, CancellationToken ct)
    {
        // A bad IBAN has a code of its own: integrators asking the insured for an account re-ask on it.
        if (!Iban.IsValid(command.Account?.Iban))
            throw new BadInputException("iban", "iban is not a valid IBAN: a country of the SWIFT IBAN Registry, its length there, and mod-97 check digits.", "iban_invalid");
        var bic = command.Account!.Bic?.Trim().ToUpperInvariant() ?? "";
        if (!System.Text.RegularExpressions.Regex.IsMatch(bic, RegistryRules.BicPattern))
            throw new BadInputException("bic", "bic must be 8 or 11 characters (ISO 9362).", "bic_invalid");
        return await db.InTransactionAsync(async () =>
        {
            await locks.LockAsync(RegistryLockKinds.Insured, [command.Matricule], ct);
            var insured = await db.Insured.AsSplitQuery().SingleOrDefaultAsync(i => i.Matricule == command.Matricule, ct) ?? throw new NotFoundException("Insured person");
            insured.Iban = Iban.Electronic(command.Account.Iban);
            insured.Bic = bic;
            await db.SaveChangesAsync(ct);
            return InsuredDto.From(insured);
        }, ct);
    }

    public async ValueTask<InsuredDto> Handle(GetInsured query, CancellationToken ct)
    {
        var insured = await db.Insured.AsNoTracking().AsSplitQuery().SingleOrDefaultAsync(i => i.Matricule == query.Matricule, ct)
                      ?? throw new NotFoundException("Insured person");
        return InsuredDto.From(insured);
    }

    public async ValueTask<Page<InsuredDto>> Handle(ListInsured query, CancellationToken ct) =>
        await db.Insured.AsNoTracking().AsSplitQuery().PageByKeyAsync(KeyPageRequest.Of(query.Cursor, query.Limit), i => i.Matricule, InsuredDto.From, ct);
}
