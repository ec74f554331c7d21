using CnsExchange.Application.Behaviors;
using CnsExchange.Domain.Hospital;
using CnsExchange.Domain.Rehabilitation;

namespace CnsExchange.Application.Features.HospitalStays;

/// <summary>An operation of the stay: its nomenclature act (GET /reference/acts?domain=hospital) and whether it is the most important one.</summary>
public sealed record HospitalStayOperationInput(string? ActCode, bool Main);

/// <summary>A hospital stay sent by the hospital for direct billing (RULES.md §7).</summary>
/// <param name="AdmissionDate">First day of the stay (a started day).</param>
/// <param name="DischargeDate">Last day of the stay (a started day); not in the future.</param>
/// <param name="Kind">stationary, day_hospital or surveillance_place.</param>
/// <param name="Childbirth">Stationary childbirth stay: no participation for its first 12 days.</param>
/// <param name="Room">standard (default) or single.</param>
/// <param name="SingleRoomMedicallyNeeded">Single room for medical reasons: the 66 % fee surcharge may not be charged.</param>
/// <param name="AccompanyingParentBed">A bed for the accompanying parent (covered for a child under 14; meals are not).</param>
/// <param name="CountryOfCare">ISO 3166-1 alpha-2 of the hospital; default LU.</param>
/// <param name="Operations">Operations with their acts; with several, exactly one is marked main.</param>
public sealed record HospitalStayRequest(
    string? Matricule,
    DateOnly? AdmissionDate,
    DateOnly? DischargeDate,
    HospitalStayKind? Kind,
    bool Childbirth,
    RoomKind? Room,
    bool SingleRoomMedicallyNeeded,
    bool AccompanyingParentBed,
    string? CountryOfCare,
    List<HospitalStayOperationInput>? Operations) : IHasDatedOpenApiExample
{
    public static object ExampleOn(DateOnly today) => new HospitalStayRequest("1983081246785", today.AddDays(-6), today.AddDays(-1),
        HospitalStayKind.Stationary, false, RoomKind.Standard, false, false, "LU",
        [new HospitalStayOperationInput("HOP02", true), new HospitalStayOperationInput("HOP03", false)]);

    public HospitalStayInput ToInput() => new(
        Kind!.Value, AdmissionDate!.Value, DischargeDate!.Value, Childbirth, Room ?? RoomKind.Standard, SingleRoomMedicallyNeeded,
        AccompanyingParentBed, (CountryOfCare ?? "LU").ToUpperInvariant(),
        (Operations ?? []).Select(o => new StayOperation(o.ActCode!, o.Main)).ToList());
}

/// <summary>Records and settles a hospital stay (POST /hospital-stays).</summary>
public sealed record RecordHospitalStay(HospitalStayRequest Stay, string? IdempotencyKey, Guid ProviderId) : ICommand<HospitalStayDto>, IIdempotentCommand
{
    public string IdempotencyScope => $"{ProviderId}:hospital-stays";

    public string RequestFingerprint => Fingerprint.Of(Stay);
}

public sealed class RecordHospitalStayValidator : AbstractValidator<RecordHospitalStay>
{
    /// <summary>Input guard, not a rule of the seeds: a stay longer than three years is a typing error.</summary>
    public const int MaxStayDays = 1096;
    public const int MaxOperations = 20;

    public RecordHospitalStayValidator(TimeProvider clock, IReferenceData reference)
    {
        RuleFor(x => x.Stay).NotNull().OverridePropertyName("body").WithMessage("The body must be a hospital stay.");
        When(x => x.Stay is not null, () =>
        {
            RuleFor(x => x.Stay.Matricule).ValidMatricule();
            RuleFor(x => x.Stay.Kind).NotNull().IsInEnum().OverridePropertyName("kind")
                .WithMessage("kind must be stationary, day_hospital or surveillance_place.");
            RuleFor(x => x.Stay.Room).IsInEnum().OverridePropertyName("room").WithMessage("room must be standard or single.");
            RuleFor(x => x.Stay.AdmissionDate).NotNull().OverridePropertyName("admissionDate").WithMessage("admissionDate is required.")
                .Must(d => d is null || d.Value.Year >= 2000).OverridePropertyName("admissionDate").WithMessage("admissionDate must be in 2000 or later.");
            RuleFor(x => x.Stay.DischargeDate).NotNull().OverridePropertyName("dischargeDate").WithMessage("dischargeDate is required.");
            RuleFor(x => x.Stay).Must(s => s.DischargeDate is null || s.AdmissionDate is null || s.DischargeDate >= s.AdmissionDate)
                .OverridePropertyName("dischargeDate").WithMessage("dischargeDate must not be before admissionDate.");
            RuleFor(x => x.Stay).Must(s => s.DischargeDate is null || s.AdmissionDate is null || StayDays.Count(s.AdmissionDate.Value, s.DischargeDate.Value) <= MaxStayDays)
                .OverridePropertyName("dischargeDate").WithMessage($"A stay lasts at most {MaxStayDays} days.");
            RuleFor(x => x.Stay.DischargeDate).Must(d => d is null || d <= LuxembourgCalendar.LocalDate(clock.GetUtcNow()))
                .OverridePropertyName("dischargeDate").WithMessage("dischargeDate must not be in the future: a stay is billed once it has ended.");
            RuleFor(x => x.Stay).Must(s => !s.Childbirth || s.Kind == HospitalStayKind.Stationary)
                .OverridePropertyName("childbirth").WithMessage("childbirth applies to stationary stays only.");
            RuleFor(x => x.Stay).Must(s => !s.SingleRoomMedicallyNeeded || s.Room == RoomKind.Single)
                .OverridePropertyName("singleRoomMedicallyNeeded").WithMessage("singleRoomMedicallyNeeded applies to a single room only.");
            RuleFor(x => x.Stay.CountryOfCare).Matches("^[A-Z]{2}$").When(x => x.Stay.CountryOfCare is not null).OverridePropertyName("countryOfCare")
                .WithMessage("countryOfCare must be an ISO 3166-1 alpha-2 code such as LU, FR, DE, BE.");
            RuleFor(x => x.Stay).Custom((stay, context) =>
            {
                var operations = stay.Operations ?? [];
                if (operations.Count > MaxOperations)
                {
                    context.AddFailure("operations", $"At most {MaxOperations} operations per stay.");
                    return;
                }
                var date = stay.AdmissionDate ?? LuxembourgCalendar.LocalDate(clock.GetUtcNow());
                for (var i = 0; i < operations.Count; i++)
                {
                    var code = operations[i]?.ActCode;
                    if (string.IsNullOrWhiteSpace(code) || !SeveralOperations.IsOperationAct(code, date, reference.Catalog))
                        context.AddFailure($"operations[{i}].actCode", $"'{code}' is not a hospital operation act on {date:yyyy-MM-dd} (see GET /api/v1/reference/acts?domain=hospital).");
                }
                if (operations.Count > 1 && operations.Count(o => o?.Main == true) != 1)
                    context.AddFailure("operations", "With several operations, mark exactly one as main (the most important one, HOS-06).");
            });
        });
    }
}

public sealed class RecordHospitalStayHandler(IAppDbContext db, IHospitalParticipationCounters participationCounters, IReferenceData reference, TimeProvider clock, ICurrentCaller caller)
    : ICommandHandler<RecordHospitalStay, HospitalStayDto>
{
    public async ValueTask<HospitalStayDto> Handle(RecordHospitalStay command, CancellationToken ct)
    {
        var provider = await db.Providers.AsNoTracking().SingleOrDefaultAsync(p => p.Id == command.ProviderId, ct)
                       ?? throw new ForbiddenException("Unknown provider.");
        if (!CnrfrBilling.RecordsStays(provider.Kind)) throw new ForbiddenException("Hospital stays are sent by hospitals and the CNRFR (REH-05).");

        var input = command.Stay.ToInput();
        var catalog = reference.Catalog;
        var stay = new HospitalStay
        {
            Id = Guid.CreateVersion7(),
            ProviderId = provider.Id,
            Matricule = command.Stay.Matricule!,
            Kind = input.Kind,
            AdmissionDate = input.Admission,
            DischargeDate = input.Discharge,
            Childbirth = input.Childbirth,
            Room = input.Room,
            SingleRoomMedicallyNeeded = input.SingleRoomMedicallyNeeded,
            AccompanyingParentBed = input.AccompanyingParentBed,
            CountryOfCare = input.CountryOfCare,
            Days = input.Days,
            CreatedAt = clock.GetUtcNow(),
            Operations = input.Operations.Select((o, i) => new HospitalStayOperation { Id = Guid.CreateVersion7(), Position = i + 1, ActCode = o.ActCode, Main = o.Main }).ToList(),
        };

        return await db.InTransactionAsync(async () =>
        {
            var insured = await db.Insured.AsNoTracking().SingleOrDefaultAsync(i => i.Matricule == stay.Matricule, ct);
            if (insured is null)
                Refuse(stay, [Reason.Refusal(HospitalReasonCodes.InsuredUnknown, StayServices.Rule, "matricule")]);
            else
                await SettleAsync(stay, input, insured, ct);

            db.Set<HospitalStay>().Add(stay);
            if (stay.Status == HospitalStayStatus.Accepted) db.Set<FeeMemoir>().Add(PaymentMemoir(stay, insured?.CompetentFund, catalog));
            await db.SaveChangesAsync(ct);
            return HospitalStayDto.From(stay, provider.Code, reference, caller.Language);
        }, ct);
    }

    /// <summary>
    /// Locks the insured person's participation counters of every year the stay touches (ascending, so two stays never
    /// wait on each other in a cycle), then decides against the stays already recorded and charges the counters.
    /// Concurrent stays of the same insured person are thus serialised by the database and the yearly ceiling holds.
    /// </summary>
    private async Task SettleAsync(HospitalStay stay, HospitalStayInput input, Insured insured, CancellationToken ct)
    {
        var counters = new Dictionary<int, HospitalParticipationCounter>();
        for (var year = input.Admission.Year; year <= input.Discharge.Year; year++)
        {
            counters[year] = await participationCounters.LockAsync(insured.Id, year, ct);
        }

        var others = await db.Set<HospitalStay>().AsNoTracking()
            .Where(s => s.InsuredId == insured.Id && s.Status == HospitalStayStatus.Accepted
                        && s.AdmissionDate <= input.Discharge && s.DischargeDate >= input.Admission)
            .Select(s => new { s.AdmissionDate, s.DischargeDate, s.Kind, Own = s.ProviderId == stay.ProviderId })
            .ToListAsync(ct);
        var countedElsewhere = new HashSet<DateOnly>();
        var overlaps = new List<Reason>();
        foreach (var other in others)
        {
            // A transfer: the shared day is the last day of one stay and the first of the other, and each stay has days of its own.
            var transferIn = other.DischargeDate == input.Admission && other.AdmissionDate < input.Admission;
            var transferOut = other.AdmissionDate == input.Discharge && other.DischargeDate > input.Discharge;
            if (!transferIn && !transferOut)
                // Another hospital's stay: only the fact, its dates stay with that hospital (RULES.md §2).
                overlaps.Add(Reason.Refusal(HospitalReasonCodes.StayOverlap, "HOS-02", "admissionDate",
                    other.Own ? $"{other.AdmissionDate:yyyy-MM-dd}/{other.DischargeDate:yyyy-MM-dd}" : null));
            else if (other.Kind == HospitalStayKind.Stationary && input.Kind == HospitalStayKind.Stationary)
                countedElsewhere.Add(transferIn ? input.Admission : input.Discharge);
        }

        var ledger = new ParticipationLedger(counters.ToDictionary(c => c.Key, c => c.Value.DaysCharged), countedElsewhere);
        var assessment = HospitalStayRules.Assess(input, insured, ledger, reference.Catalog);
        stay.InsuredId = insured.Id;
        if (overlaps.Count > 0 || !assessment.Accepted)
        {
            Refuse(stay, assessment.Accepted ? overlaps : [.. assessment.Reasons, .. overlaps]);
            return;
        }

        stay.Status = HospitalStayStatus.Accepted;
        stay.TariffAmount = assessment.TariffAmount;
        stay.CnsAmount = assessment.CnsAmount;
        stay.InsuredParticipation = assessment.InsuredParticipation;
        stay.NotCoveredAmount = assessment.NotCoveredAmount;
        stay.ParticipationDays = assessment.Participation!.DaysCharged;
        stay.DoctorFeeRatePercent = assessment.DoctorFees!.RatePercent;
        stay.SingleRoomSurcharge = assessment.DoctorFees.SingleRoomSurcharge;
        stay.SingleRoomSurchargePercent = assessment.DoctorFees.SingleRoomSurchargePercent;
        stay.DoctorsMayBillDirectly = assessment.DoctorFees.DirectBillingAllowed;
        stay.DirectBillingInvoiceAbove = assessment.DoctorFees.DirectBillingInvoiceAbove;
        stay.Reasons = assessment.Reasons.ToList();
        stay.Lines = assessment.Lines.Select((l, i) => new HospitalStayLine
        {
            Id = Guid.CreateVersion7(), StayId = stay.Id, LineNumber = i + 1, Type = l.Type, Code = l.Code, Main = l.Main, Quantity = l.Quantity,
            UnitTariff = l.UnitTariff, TariffAmount = l.TariffAmount, CnsAmount = l.CnsAmount, InsuredAmount = l.InsuredAmount,
            Covered = l.Covered, Reasons = l.Reasons.ToList(),
        }).ToList();
        // Days charged before are shown as this hospital's own: other hospitals' stays are not counted aloud (RULES.md §2).
        var years = assessment.Participation.Years.Select(y => y.Year).ToList();
        var ownChargedBefore = await db.Set<HospitalStay>().AsNoTracking().IgnoreAutoIncludes()
            .Where(s => s.InsuredId == insured.Id && s.ProviderId == stay.ProviderId && s.Status == HospitalStayStatus.Accepted)
            .SelectMany(s => s.ParticipationYears).Where(y => years.Contains(y.Year))
            .GroupBy(y => y.Year).Select(g => new { Year = g.Key, Days = g.Sum(y => y.ChargedDays) })
            .ToDictionaryAsync(g => g.Year, g => g.Days, ct);
        stay.ParticipationYears = assessment.Participation.Years.Select(y => new HospitalStayParticipationYear
        {
            StayId = stay.Id, Year = y.Year, StayDays = y.StayDays, ExemptDays = y.ExemptDays, ChargedBefore = ownChargedBefore.GetValueOrDefault(y.Year),
            ChargedDays = y.ChargedDays, Ceiling = y.Ceiling,
        }).ToList();
        if (input.Kind == HospitalStayKind.Stationary)
            foreach (var year in assessment.Participation.Years)
                counters[year.Year].DaysCharged += year.ChargedDays;
    }

    /// <summary>
    /// The hospital bills CNS directly: the stay's settlement becomes an adjudicated memoir of the hospital, received
    /// when the stay was, which payment runs pay and return files explain like any other (PAY-01…PAY-07).
    /// </summary>
    private static FeeMemoir PaymentMemoir(HospitalStay stay, string? competentFund, Domain.Reference.ReferenceCatalog catalog)
    {
        var receivedOn = LuxembourgCalendar.LocalDate(stay.CreatedAt);
        return HospitalStayMemoir.From(stay, stay.CreatedAt, receivedOn, PaymentDeadline.DueDate(receivedOn, catalog), competentFund);
    }

    private static void Refuse(HospitalStay stay, IEnumerable<Reason> reasons)
    {
        stay.Status = HospitalStayStatus.Refused;
        stay.Reasons = reasons.ToList();
    }
}
