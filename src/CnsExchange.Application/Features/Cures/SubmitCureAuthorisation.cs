using CnsExchange.Application.Behaviors;
using CnsExchange.Domain.Cures;
using CnsExchange.Domain.Reference;

namespace CnsExchange.Application.Features.Cures;

/// <summary>
/// A cure authorisation request from the doctor of the thermal centre (RULES.md §5). Required: matricule, doctorCode,
/// kindCode (GET /api/v1/reference/cure-kinds), requestedStart. The clinical data each kind reads: T180 complicated
/// venous insufficiency or lymphoedema; T190/T192 BMI and the associated criteria; T206 the affected side.
/// </summary>
/// <param name="CountryOfCare">ISO 3166-1 alpha-2; default LU. Another country is a cure abroad (S2, CUR-08).</param>
/// <param name="CareNotAvailableInLuxembourg">Cure abroad: the doctor states the needed care is not available in Luxembourg.</param>
/// <param name="MaintenanceSessionsPerMonth">Maintenance sessions (T209): sessions per month asked for (at most 2 are granted).</param>
public sealed record CureAuthorisationInput(
    string? Matricule,
    string? DoctorCode,
    string? KindCode,
    DateOnly? RequestedStart,
    string? CountryOfCare,
    bool? CareNotAvailableInLuxembourg,
    int? MaintenanceSessionsPerMonth,
    CureClinicalData? Clinical) : IHasDatedOpenApiExample
{
    /// <summary>A back-pain cure for the Mondorf resident starting in two weeks: agreed as is (a second time it is CURE_TOO_SOON).</summary>
    public static object ExampleOn(DateOnly today) =>
        new CureAuthorisationInput("1965072021704", "90000002", "T200", today.AddDays(14), "LU", false, null, CureClinicalData.None);
}

/// <summary>Ask for a cure authorisation; the answer is the decision (agreed with a voucher of kind Cure, refused with reasons).</summary>
public sealed record SubmitCureAuthorisation(Guid ProviderId, CureAuthorisationInput? Request, string? IdempotencyKey)
    : ICommand<CureAuthorisationDto>, IIdempotentCommand
{
    public string IdempotencyScope => $"{ProviderId:N}:cure-authorisations";

    public string RequestFingerprint => Fingerprint.Of(Request);
}

public sealed class SubmitCureAuthorisationValidator : AbstractValidator<SubmitCureAuthorisation>
{

    public SubmitCureAuthorisationValidator(IReferenceData reference, TimeProvider clock)
    {
        RuleFor(x => x.Request).NotNull().OverridePropertyName("body").WithMessage("The body must be a cure authorisation request.");
        When(x => x.Request is not null, () =>
        {
            RuleFor(x => x.Request!.Matricule).ValidMatricule();
            RuleFor(x => x.Request!.DoctorCode).Cascade(CascadeMode.Stop)
                .NotEmpty().WithMessage("doctorCode (the doctor of the thermal centre) is required.")
                .Matches("^[0-9]{8}$").WithMessage("doctorCode has 8 digits.")
                .OverridePropertyName("doctorCode");
            RuleFor(x => x.Request!.KindCode).Cascade(CascadeMode.Stop)
                .NotEmpty().WithMessage("kindCode is required (GET /api/v1/reference/cure-kinds).")
                .Must(code => Kind(reference, clock, code) is not null)
                .WithMessage(x => $"kindCode '{x.Request!.KindCode}' is not a cure kind in force (GET /api/v1/reference/cure-kinds).")
                .OverridePropertyName("kindCode");
            RuleFor(x => x.Request!.RequestedStart).Cascade(CascadeMode.Stop)
                .NotNull().WithMessage("requestedStart (planned first day of the cure) is required.")
                .InclusiveBetween(InputRules.MinDate, InputRules.MaxDate).WithMessage("requestedStart must be between 2000 and 2200.")
                .OverridePropertyName("requestedStart");
            RuleFor(x => x.Request!.CountryOfCare).Matches("^[A-Za-z]{2}$").When(x => x.Request!.CountryOfCare is not null)
                .OverridePropertyName("countryOfCare").WithMessage("countryOfCare must be an ISO 3166-1 alpha-2 code such as LU, DE, FR.");
            RuleFor(x => x.Request!.MaintenanceSessionsPerMonth).InclusiveBetween(1, 31).When(x => x.Request!.MaintenanceSessionsPerMonth is not null)
                .OverridePropertyName("maintenanceSessionsPerMonth").WithMessage("maintenanceSessionsPerMonth must be between 1 and 31.");
            RuleFor(x => x.Request!.MaintenanceSessionsPerMonth).Null()
                .When(x => x.Request!.MaintenanceSessionsPerMonth is not null && Kind(reference, clock, x.Request.KindCode) is { Family: not CureFamily.Maintenance })
                .OverridePropertyName("maintenanceSessionsPerMonth").WithMessage("maintenanceSessionsPerMonth only goes with maintenance sessions.");
            When(x => x.Request!.Clinical is not null, () =>
            {
                RuleFor(x => x.Request!.Clinical!.Bmi).InclusiveBetween(10m, 100m).OverridePropertyName("clinical.bmi");
                RuleFor(x => x.Request!.Clinical!.HbA1cPercent).InclusiveBetween(2m, 25m).OverridePropertyName("clinical.hbA1cPercent");
                RuleFor(x => x.Request!.Clinical!.WaistCm).InclusiveBetween(30m, 300m).OverridePropertyName("clinical.waistCm");
                RuleFor(x => x.Request!.Clinical!.AffectedSide).IsInEnum().OverridePropertyName("clinical.affectedSide");
            });
        });
    }

    internal static CureKindDefinition? Kind(IReferenceData reference, TimeProvider clock, string? code) =>
        string.IsNullOrWhiteSpace(code) ? null : reference.Catalog.CureKind(code.Trim().ToUpperInvariant(), LuxembourgCalendar.LocalDate(clock.GetUtcNow()));
}

public sealed class SubmitCureAuthorisationHandler(IAppDbContext db, IReferenceData reference, TimeProvider clock, ICurrentCaller caller, RequestPipeline pipeline)
    : ICommandHandler<SubmitCureAuthorisation, CureAuthorisationDto>
{
    public async ValueTask<CureAuthorisationDto> Handle(SubmitCureAuthorisation command, CancellationToken ct)
    {
        var provider = await db.Providers.AsNoTracking().SingleOrDefaultAsync(p => p.Id == command.ProviderId, ct)
                       ?? throw new NotFoundException("Provider");
        if (provider.Kind != ProviderKind.ThermalCentre)
            throw new ForbiddenException("Cure authorisations are requested by the doctor of a thermal centre.");

        var input = command.Request!;
        var request = await pipeline.SubmitAsync(() => new CureAuthorisation
        {
            ProviderId = provider.Id,
            Matricule = input.Matricule!,
            DoctorCode = input.DoctorCode!,
            KindCode = input.KindCode!.Trim().ToUpperInvariant(),
            RequestedStart = input.RequestedStart!.Value,
            CountryOfCare = (input.CountryOfCare ?? CureAbroad.HomeCountry).ToUpperInvariant(),
            CareNotAvailableInLuxembourg = input.CareNotAvailableInLuxembourg ?? false,
            MaintenanceSessionsPerMonth = input.MaintenanceSessionsPerMonth,
            Clinical = input.Clinical ?? CureClinicalData.None,
        }, null, ct);
        return await CureAuthorisationViews.MapAsync(db, reference, caller.Language, clock.GetUtcNow(), request, ct);
    }
}
