using CnsExchange.Application.Behaviors;
using CnsExchange.Domain.Reference;
using CnsExchange.Domain.Rehabilitation;

namespace CnsExchange.Application.Features.Rehabilitation;

/// <summary>A hospital stay declared with its evidence (discharge letter or report reference), which a reviewer checks (REH-02).</summary>
public sealed record DeclaredStayInput(DateOnly? AdmissionDate, DateOnly? DischargeDate, string? Hospital, [MultiLineText] string? Evidence);

/// <summary>
/// A rehabilitation request (RULES.md §6). <c>kindCode</c> (GET /api/v1/reference/rehabilitation-kinds) says which data go with it:
/// <list type="bullet">
/// <item><c>CNRFR</c>: <c>start</c> (admission) — no authorisation is needed; the answer is the affiliation check (REH-01).</item>
/// <item><c>GER_AMB</c>: <c>start</c>, <c>end</c> (at most 2 months), optional <c>declaredStays</c> when the prerequisite hospital
/// stay is not one this system recorded (REH-02).</item>
/// <item><c>GER_STAT</c>: <c>start</c> (admission), optional <c>days</c> (default and maximum 90) (REH-03).</item>
/// <item><c>SNRP_*</c>, <c>SNRPO_*</c> (Colpach): <c>start</c>, <c>days</c>, <c>stableClinicalState</c>,
/// <c>functionalLimitationsAttested</c>, <c>differentPathology</c>; SNRPO also <c>acuteTherapyEnd</c> (REH-04). Ambulatory
/// (<c>SNRP_AMB</c>, <c>SNRPO_AMB</c>): <c>days</c> are treatment days, not necessarily consecutive, within an optional <c>end</c>
/// (default and latest: 12 weeks after <c>start</c>) (REH-06).</item>
/// <item><c>CARDIAC_AMB</c>: <c>start</c>, <c>end</c> (at most 3 months), <c>cardiacEventDate</c> (the cardiac event or surgery,
/// in the 3 months before the start) (REH-07).</item>
/// </list>
/// </summary>
public sealed record RehabilitationAuthorisationInput(
    string? Matricule,
    string? DoctorCode,
    string? KindCode,
    DateOnly? Start,
    DateOnly? End,
    int? Days,
    List<DeclaredStayInput>? DeclaredStays,
    bool? DifferentPathology,
    bool? StableClinicalState,
    bool? FunctionalLimitationsAttested,
    DateOnly? AcuteTherapyEnd,
    DateOnly? CardiacEventDate = null) : IHasDatedOpenApiExample
{
    /// <summary>A 21-day stationary physical rehabilitation at Colpach starting next week: agreed as is (a second time it exceeds the 30 days of the year).</summary>
    public static object ExampleOn(DateOnly today) =>
        new RehabilitationAuthorisationInput("1983081246785", "90000004", "SNRP_STAT", today.AddDays(7), null, 21, null, false, true, true, null);
}

/// <summary>Ask for a rehabilitation authorisation (or the CNRFR affiliation check); the answer is the decision.</summary>
public sealed record SubmitRehabilitationAuthorisation(Guid ProviderId, RehabilitationAuthorisationInput? Request, string? IdempotencyKey)
    : ICommand<RehabilitationAuthorisationDto>, IIdempotentCommand
{
    public string IdempotencyScope => $"{ProviderId:N}:rehabilitation-authorisations";

    public string RequestFingerprint => Fingerprint.Of(Request);
}

public sealed class SubmitRehabilitationAuthorisationValidator : AbstractValidator<SubmitRehabilitationAuthorisation>
{
    /// <summary>Input guards, not rules of the seeds: a period or a declared stay longer than this is a typing error.</summary>
    public const int MaxDays = 366;
    public const int MaxDeclaredStays = 10;
    public const int MaxStayDays = 1096;

    public SubmitRehabilitationAuthorisationValidator(IReferenceData reference, TimeProvider clock)
    {
        RuleFor(x => x.Request).NotNull().OverridePropertyName("body").WithMessage("The body must be a rehabilitation request.");
        When(x => x.Request is not null, () =>
        {
            RuleFor(x => x.Request!.Matricule).ValidMatricule();
            RuleFor(x => x.Request!.KindCode).Cascade(CascadeMode.Stop)
                .NotEmpty().WithMessage("kindCode is required (GET /api/v1/reference/rehabilitation-kinds).")
                .Must(code => Kind(reference, clock, code) is not null)
                .WithMessage(x => $"kindCode '{x.Request!.KindCode}' is not a rehabilitation kind in force (GET /api/v1/reference/rehabilitation-kinds).")
                .OverridePropertyName("kindCode");
            RuleFor(x => x.Request!.DoctorCode).Matches("^[0-9]{8}$").When(x => !string.IsNullOrEmpty(x.Request!.DoctorCode))
                .OverridePropertyName("doctorCode").WithMessage("doctorCode has 8 digits.");
            RuleFor(x => x.Request!.Start).Cascade(CascadeMode.Stop)
                .NotNull().WithMessage("start is required (the first day; the admission day for GER_STAT and CNRFR).")
                .InclusiveBetween(InputRules.MinDate, InputRules.MaxDate).WithMessage("start must be between 2000 and 2200.")
                .OverridePropertyName("start");
            RuleFor(x => x.Request!.AcuteTherapyEnd).InclusiveBetween(InputRules.MinDate, InputRules.MaxDate).When(x => x.Request!.AcuteTherapyEnd is not null)
                .OverridePropertyName("acuteTherapyEnd").WithMessage("acuteTherapyEnd must be between 2000 and 2200.");

            When(x => Kind(reference, clock, x.Request!.KindCode) is { } k && k.Service != RehabService.Cnrfr, () =>
                RuleFor(x => x.Request!.DoctorCode).NotEmpty().OverridePropertyName("doctorCode").WithMessage("doctorCode (the requesting doctor) is required."));

            When(x => EndRequired(reference, clock, x.Request!.KindCode), () =>
            {
                RuleFor(x => x.Request!.End).Cascade(CascadeMode.Stop)
                    .NotNull().WithMessage("end (last day) is required for geriatric ambulatory and cardiac rehabilitation.")
                    .OverridePropertyName("end");
                RuleFor(x => x.Request!.Days).Null().OverridePropertyName("days").WithMessage("A geriatric ambulatory or cardiac period is given by start and end, not days.");
            });
            When(x => EndAllowed(reference, clock, x.Request!.KindCode), () =>
                RuleFor(x => x.Request!.End)
                    .Must((x, end) => end is null || x.Request!.Start is not { } start || start > InputRules.MaxDate || (end >= start && end <= start.AddDays(MaxDays)))
                    .WithMessage($"end must be on or after start and at most {MaxDays} days later.")
                    .OverridePropertyName("end"));
            When(x => Kind(reference, clock, x.Request!.KindCode) is { Service: RehabService.Cardiac }, () =>
                RuleFor(x => x.Request!.CardiacEventDate).Cascade(CascadeMode.Stop)
                    .NotNull().WithMessage("cardiacEventDate (the cardiac event or surgery the rehabilitation follows) is required (REH-07).")
                    .InclusiveBetween(InputRules.MinDate, InputRules.MaxDate).WithMessage("cardiacEventDate must be between 2000 and 2200.")
                    .OverridePropertyName("cardiacEventDate"));
            When(x => Kind(reference, clock, x.Request!.KindCode) is { Service: not RehabService.Cardiac }, () =>
                RuleFor(x => x.Request!.CardiacEventDate).Null().OverridePropertyName("cardiacEventDate").WithMessage("cardiacEventDate only goes with CARDIAC_AMB."));
            When(x => Is(reference, clock, x.Request!.KindCode, RehabService.Geriatric, CareSetting.Ambulatory), () =>
            {
                RuleFor(x => x.Request!.DeclaredStays).Must(s => s is null || s.Count <= MaxDeclaredStays).OverridePropertyName("declaredStays")
                    .WithMessage($"At most {MaxDeclaredStays} declared stays.");
                RuleForEach(x => x.Request!.DeclaredStays).NotNull().OverridePropertyName("declaredStays").WithMessage("A declared stay is an object.");
                RuleForEach(x => x.Request!.DeclaredStays).ChildRules(stay =>
                {
                    stay.RuleFor(s => s.AdmissionDate).NotNull().InclusiveBetween(InputRules.MinDate, InputRules.MaxDate).WithMessage("admissionDate is required (2000 to 2200).");
                    stay.RuleFor(s => s.DischargeDate).NotNull().InclusiveBetween(InputRules.MinDate, InputRules.MaxDate).WithMessage("dischargeDate is required (2000 to 2200).");
                    stay.RuleFor(s => s).Must(s => s.AdmissionDate is null || s.DischargeDate is null
                                                   || (s.DischargeDate >= s.AdmissionDate && s.DischargeDate.Value.DayNumber - s.AdmissionDate.Value.DayNumber < MaxStayDays))
                        .OverridePropertyName("dischargeDate").WithMessage($"dischargeDate must be on or after admissionDate, and a stay lasts at most {MaxStayDays} days.");
                    stay.RuleFor(s => s.Evidence).NotEmpty().MaximumLength(400)
                        .WithMessage("evidence (the discharge letter or report a reviewer can check) is required, at most 400 characters.");
                    stay.RuleFor(s => s.Hospital).MaximumLength(200);
                }).OverridePropertyName("declaredStays");
            });
            When(x => !Is(reference, clock, x.Request!.KindCode, RehabService.Geriatric, CareSetting.Ambulatory), () =>
            {
                RuleFor(x => x.Request!.DeclaredStays).Must(s => s is null || s.Count == 0).OverridePropertyName("declaredStays")
                    .WithMessage("declaredStays only go with GER_AMB.");
            });
            When(x => !EndAllowed(reference, clock, x.Request!.KindCode), () =>
                RuleFor(x => x.Request!.End).Null().OverridePropertyName("end")
                    .WithMessage("end only goes with GER_AMB, CARDIAC_AMB and Colpach ambulatory (SNRP_AMB, SNRPO_AMB); other kinds give days."));
            When(x => Is(reference, clock, x.Request!.KindCode, RehabService.Geriatric, CareSetting.Stationary), () =>
                RuleFor(x => x.Request!.Days).InclusiveBetween(1, MaxDays).OverridePropertyName("days"));
            When(x => Kind(reference, clock, x.Request!.KindCode) is { Service: RehabService.Snrp or RehabService.Snrpo }, () =>
            {
                RuleFor(x => x.Request!.Days).Cascade(CascadeMode.Stop)
                    .NotNull().WithMessage("days is required for Colpach.")
                    .InclusiveBetween(1, MaxDays).WithMessage($"days must be between 1 and {MaxDays}.")
                    .OverridePropertyName("days");
                RuleFor(x => x.Request!.StableClinicalState).NotNull().OverridePropertyName("stableClinicalState")
                    .WithMessage("stableClinicalState is required for Colpach (REH-04).");
                RuleFor(x => x.Request!.FunctionalLimitationsAttested).NotNull().OverridePropertyName("functionalLimitationsAttested")
                    .WithMessage("functionalLimitationsAttested is required for Colpach (REH-04).");
            });
            When(x => Kind(reference, clock, x.Request!.KindCode) is { Service: not RehabService.Snrpo }, () =>
                RuleFor(x => x.Request!.AcuteTherapyEnd).Null().OverridePropertyName("acuteTherapyEnd").WithMessage("acuteTherapyEnd only goes with SNRPO."));
            When(x => Kind(reference, clock, x.Request!.KindCode) is { Service: RehabService.Cnrfr }, () =>
                RuleFor(x => x.Request!.Days).Null().OverridePropertyName("days").WithMessage("The CNRFR check needs no days."));
        });
    }

    internal static RehabilitationKindDefinition? Kind(IReferenceData reference, TimeProvider clock, string? code) =>
        string.IsNullOrWhiteSpace(code) ? null : reference.Catalog.RehabilitationKind(code.Trim().ToUpperInvariant(), LuxembourgCalendar.LocalDate(clock.GetUtcNow()));

    private static bool EndRequired(IReferenceData reference, TimeProvider clock, string? code) =>
        Kind(reference, clock, code) is { Service: RehabService.Cardiac } or { Service: RehabService.Geriatric, Setting: CareSetting.Ambulatory };

    /// <summary>Colpach ambulatory may bound its programme (REH-06); the kinds given by start and end must.</summary>
    private static bool EndAllowed(IReferenceData reference, TimeProvider clock, string? code) =>
        EndRequired(reference, clock, code) || Kind(reference, clock, code) is { Service: RehabService.Snrp or RehabService.Snrpo, Setting: CareSetting.Ambulatory };

    private static bool Is(IReferenceData reference, TimeProvider clock, string? code, RehabService service, CareSetting setting) =>
        Kind(reference, clock, code) is { } k && k.Service == service && k.Setting == setting;
}

public sealed class SubmitRehabilitationAuthorisationHandler(IAppDbContext db, IReferenceData reference, TimeProvider clock, ICurrentCaller caller,
    RequestPipeline pipeline) : ICommandHandler<SubmitRehabilitationAuthorisation, RehabilitationAuthorisationDto>
{
    public async ValueTask<RehabilitationAuthorisationDto> Handle(SubmitRehabilitationAuthorisation command, CancellationToken ct)
    {
        var input = command.Request!;
        var kind = SubmitRehabilitationAuthorisationValidator.Kind(reference, clock, input.KindCode)!;
        var provider = await db.Providers.AsNoTracking().SingleOrDefaultAsync(p => p.Id == command.ProviderId, ct)
                       ?? throw new NotFoundException("Provider");
        if (!kind.RequestedBy.Contains(provider.Kind))
            throw new ForbiddenException($"{kind.Code} is requested by: {string.Join(", ", kind.RequestedBy.Select(k => JsonNamingPolicy.SnakeCaseLower.ConvertName(k.ToString())))}.");

        var request = await pipeline.SubmitAsync(() => new RehabilitationAuthorisation
        {
            ProviderId = provider.Id,
            Matricule = input.Matricule!,
            KindCode = kind.Code,
            Service = kind.Service,
            Setting = kind.Setting,
            DoctorCode = string.IsNullOrEmpty(input.DoctorCode) ? null : input.DoctorCode,
            Start = input.Start!.Value,
            End = input.End,
            Days = input.Days,
            DifferentPathology = input.DifferentPathology ?? false,
            StableClinicalState = input.StableClinicalState ?? false,
            FunctionalLimitationsAttested = input.FunctionalLimitationsAttested ?? false,
            AcuteTherapyEnd = input.AcuteTherapyEnd,
            CardiacEventDate = input.CardiacEventDate,
            DeclaredStays = (input.DeclaredStays ?? [])
                .Select(s => new DeclaredHospitalStay(s.AdmissionDate!.Value, s.DischargeDate!.Value, string.IsNullOrWhiteSpace(s.Hospital) ? null : s.Hospital.Trim(), s.Evidence!.Trim()))
                .ToList(),
        }, null, ct);
        return await RehabilitationViews.MapAsync(db, reference, caller.Language, clock.GetUtcNow(), request, ct);
    }
}
