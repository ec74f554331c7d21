using System.Security.Cryptography;
using CnsExchange.Application.Behaviors;
using CnsExchange.Domain.Physio;
using CnsExchange.Domain.Physio.Rules;

namespace CnsExchange.Application.Features.Validation;

/// <summary>The prescribing doctor: <c>code</c> (registry, Luxembourg codes start with 9), or <c>name</c> + <c>country</c> for a doctor abroad.</summary>
public sealed record DoctorReference(string? Code, string? Name, string? Country);

/// <summary>
/// The <c>request</c> part of a validation request: what the physiotherapist read on the prescription (RULES.md §2).
/// Required: matricule, doctor, prescriptionDate, prescriptionLanguage, category, actCode, sessions,
/// homeVisitMedicallyNecessary, careCountry.
/// </summary>
public sealed record ValidationRequestInput(
    string? Matricule,
    DoctorReference? Doctor,
    DateOnly? PrescriptionDate,
    string? PrescriptionLanguage,
    PhysioCategory? Category,
    string? AnnexGCode,
    DateOnly? SurgeryDate,
    string? ActCode,
    int? Sessions,
    string? Frequency,
    [MultiLineText] string? Diagnosis,
    bool? HomeVisitMedicallyNecessary,
    bool? TravelAllowanceRequested,
    string? CareCountry,
    string? AccidentReference) : IHasDatedOpenApiExample
{
    /// <summary>INS-01, insured channel only: the code of the physiotherapist who will give the sessions (the voucher is theirs, without third-party payment).</summary>
    public string? ProviderCode { get; init; }

    /// <summary>An adult insured with CNS, a Luxembourg doctor, a prescription of 3 days ago: agreed when sent with any PDF/JPEG/PNG/TIFF scan.</summary>
    public static object ExampleOn(DateOnly today) => new ValidationRequestInput(
        "1983081246785", new DoctorReference("90000001", null, null), today.AddDays(-3), "fr", PhysioCategory.Common, null, null,
        "ZK11", 6, "2 sessions per week", "Low back pain", false, false, "LU", null);

    public Prescription ToPrescription() => new(
        Matricule!,
        new PrescribingDoctor(Blank(Doctor?.Code), Blank(Doctor?.Name)?.Trim(), Blank(Doctor?.Country)?.ToUpperInvariant()),
        PrescriptionDate!.Value,
        PrescriptionLanguage!.ToLowerInvariant(),
        Category!.Value,
        Blank(AnnexGCode)?.Trim().ToUpperInvariant(),
        SurgeryDate,
        ActCode!.Trim().ToUpperInvariant(),
        Sessions!.Value,
        Blank(Frequency)?.Trim(),
        Blank(Diagnosis)?.Trim(),
        HomeVisitMedicallyNecessary!.Value,
        TravelAllowanceRequested ?? false,
        CareCountry!.ToUpperInvariant(),
        Blank(AccidentReference)?.Trim());

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}

/// <summary>Submit a scanned prescription for validation (multipart <c>request</c> + <c>scan</c>). The answer is the decision.</summary>
public sealed record SubmitValidationRequest(
    Guid? ProviderId,
    ValidationRequestInput? Request,
    string RequestJson,
    byte[]? Scan,
    string? ScanFileName,
    string? IdempotencyKey) : ICommand<ValidationRequestDto>, IIdempotentCommand
{
    private string? _fingerprint;

    /// <summary>INS-01: sent by the insured channel (key <see cref="ChannelKeyId"/>) for the insured; the provider comes from <c>providerCode</c>.</summary>
    public bool RequestedByInsured { get; init; }
    public Guid? ChannelKeyId { get; init; }

    public string IdempotencyScope => RequestedByInsured ? $"{ChannelKeyId:N}:insured-validation-requests" : $"{ProviderId:N}:validation-requests";

    /// <summary>SHA-256 over the request as read (canonical JSON: whitespace and key order do not count) and the scan bytes.</summary>
    public string RequestFingerprint => _fingerprint ??= Fingerprint.OfSubmission(Request, RequestJson, Scan);
}

public sealed class SubmitValidationRequestValidator : AbstractValidator<SubmitValidationRequest>
{
    private static readonly DateOnly MinDate = new(1900, 1, 1);
    private static readonly DateOnly MaxDate = new(2200, 12, 31);

    public SubmitValidationRequestValidator(IReferenceData reference)
    {
        RuleFor(x => x.Request).NotNull().OverridePropertyName("request").WithMessage("The 'request' part (JSON) is required.");
        RuleFor(x => x.Scan).NotNull().OverridePropertyName("scan").WithMessage("The 'scan' file (the scanned prescription) is required.");
        RuleFor(x => x.Scan).Must(s => s is null || s.Length > 0).OverridePropertyName("scan").WithMessage("The scan is empty.");
        RuleFor(x => x.ScanFileName).MaximumLength(200).OverridePropertyName("scan").WithMessage("The scan file name must have at most 200 characters.");
        When(x => x.Request is not null, () =>
        {
            RuleFor(x => x.Request!.Matricule).Cascade(CascadeMode.Stop)
                .NotEmpty().WithMessage("request.matricule is required.")
                .Must(Matricule.IsValid).WithMessage("request.matricule must have 13 digits with valid Luhn and Verhoeff check digits.")
                .OverridePropertyName("request.matricule");
            RuleFor(x => x.Request!.Doctor).NotNull().OverridePropertyName("request.doctor")
                .WithMessage("request.doctor is required: a doctor code, or name and country for a doctor abroad.");
            When(x => x.Request!.Doctor is not null, () =>
            {
                RuleFor(x => x.Request!.Doctor!.Code).Matches("^[0-9]{8}$").When(x => !string.IsNullOrWhiteSpace(x.Request!.Doctor!.Code))
                    .OverridePropertyName("request.doctor.code").WithMessage("request.doctor.code has 8 digits.");
                RuleFor(x => x.Request!.Doctor!.Country).Matches("^[A-Za-z]{2}$").When(x => !string.IsNullOrWhiteSpace(x.Request!.Doctor!.Country))
                    .OverridePropertyName("request.doctor.country").WithMessage("request.doctor.country must be an ISO 3166-1 alpha-2 code such as DE, FR, BE.");
                RuleFor(x => x.Request!.Doctor!.Country).NotEmpty().When(x => string.IsNullOrWhiteSpace(x.Request!.Doctor!.Code))
                    .OverridePropertyName("request.doctor.country").WithMessage("Without request.doctor.code, the doctor's country is required.");
                RuleFor(x => x.Request!.Doctor!.Country)
                    .Must(c => !string.Equals(c, ValidationFacts.Luxembourg, StringComparison.OrdinalIgnoreCase))
                    .When(x => string.IsNullOrWhiteSpace(x.Request!.Doctor!.Code))
                    .OverridePropertyName("request.doctor.code").WithMessage("A Luxembourg doctor is identified by request.doctor.code.");
                RuleFor(x => x.Request!.Doctor!.Name).MaximumLength(200).OverridePropertyName("request.doctor.name");
            });
            RuleFor(x => x.Request!.PrescriptionDate).Cascade(CascadeMode.Stop)
                .NotNull().WithMessage("request.prescriptionDate is required.")
                .InclusiveBetween(MinDate, MaxDate).WithMessage("request.prescriptionDate must be between 1900 and 2200.")
                .OverridePropertyName("request.prescriptionDate");
            RuleFor(x => x.Request!.SurgeryDate).InclusiveBetween(MinDate, MaxDate).When(x => x.Request!.SurgeryDate is not null)
                .OverridePropertyName("request.surgeryDate").WithMessage("request.surgeryDate must be between 1900 and 2200.");
            RuleFor(x => x.Request!.PrescriptionLanguage).Cascade(CascadeMode.Stop)
                .NotEmpty().WithMessage("request.prescriptionLanguage is required.")
                .Matches("^[A-Za-z]{2}$").WithMessage("request.prescriptionLanguage is an ISO 639-1 code such as fr, de, en.")
                .OverridePropertyName("request.prescriptionLanguage");
            RuleFor(x => x.Request!.Category).NotNull().OverridePropertyName("request.category")
                .WithMessage("request.category is required: common, heavy, lymphatic_drainage or post_surgical.");
            RuleFor(x => x.Request!.ActCode).Cascade(CascadeMode.Stop)
                .NotEmpty().WithMessage("request.actCode is required.")
                .Must(code => reference.Catalog.Acts.Any(a => a.Domain == PhysioCategories.ActDomain && string.Equals(a.Code, code!.Trim(), StringComparison.OrdinalIgnoreCase)))
                .WithMessage(x => $"request.actCode '{x.Request!.ActCode}' is not a physiotherapy act of the nomenclature.")
                .OverridePropertyName("request.actCode");
            RuleFor(x => x.Request!.Sessions).Cascade(CascadeMode.Stop)
                .NotNull().WithMessage("request.sessions is required.")
                .InclusiveBetween(1, 999).WithMessage("request.sessions must be between 1 and 999.")
                .OverridePropertyName("request.sessions");
            RuleFor(x => x.Request!.HomeVisitMedicallyNecessary).NotNull().OverridePropertyName("request.homeVisitMedicallyNecessary")
                .WithMessage("request.homeVisitMedicallyNecessary is required (true when the doctor marked the home visit as medically necessary).");
            RuleFor(x => x.Request!.CareCountry).Cascade(CascadeMode.Stop)
                .NotEmpty().WithMessage("request.careCountry is required (where the care takes place, e.g. LU).")
                .Matches("^[A-Za-z]{2}$").WithMessage("request.careCountry must be an ISO 3166-1 alpha-2 code such as LU, FR.")
                .OverridePropertyName("request.careCountry");
            RuleFor(x => x.Request!.AnnexGCode).MaximumLength(10).OverridePropertyName("request.annexGCode");
            RuleFor(x => x.Request!.Frequency).MaximumLength(100).OverridePropertyName("request.frequency");
            RuleFor(x => x.Request!.Diagnosis).MaximumLength(400).OverridePropertyName("request.diagnosis");
            RuleFor(x => x.Request!.AccidentReference).MaximumLength(40).OverridePropertyName("request.accidentReference");
            RuleFor(x => x.Request!.ProviderCode).NotEmpty().MaximumLength(20).When(x => x.RequestedByInsured).OverridePropertyName("request.providerCode")
                .WithMessage("request.providerCode is required from the insured channel: the physiotherapist who will give the sessions (e.g. PHY0001).");
        });
    }
}

public sealed class SubmitValidationRequestHandler(IAppDbContext db, IReferenceData reference, TimeProvider clock, ICurrentCaller caller, RequestPipeline pipeline)
    : ICommandHandler<SubmitValidationRequest, ValidationRequestDto>
{
    public async ValueTask<ValidationRequestDto> Handle(SubmitValidationRequest command, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var today = LuxembourgCalendar.LocalDate(now);
        var contentType = ScanIntake.Inspect(command.Scan, ScanIntake.MaxBytes(reference.Catalog, today));
        var scan = command.Scan!;
        var rx = command.Request!.ToPrescription();
        var scanSha = Convert.ToHexStringLower(SHA256.HashData(scan));

        var providerId = command.RequestedByInsured ? await NamedPhysiotherapistAsync(command.Request.ProviderCode!, ct) : command.ProviderId!.Value;
        var provider = await ProviderAsync(providerId, ct);
        if (provider.Kind != ProviderKind.Physiotherapist)
            throw new ForbiddenException("Prescription validation is requested by physiotherapists.");

        var fileName = string.IsNullOrWhiteSpace(command.ScanFileName) ? null : Path.GetFileName(command.ScanFileName);
        var fingerprint = DuplicatePrescription.ContentFingerprint(rx);
        // The scan is stored with its request in the same save (VAL-18), and counted against the sandbox's quota by its own
        // INSERT (the storage quota's trigger): past the quota the save fails whole (413), and a request that does not
        // commit leaves the quota as it was.
        var request = await pipeline.SubmitAsync(() => new ValidationRequest
        {
            Id = Guid.CreateVersion7(),
            ProviderId = providerId,
            RequestedByInsured = command.RequestedByInsured,
            SubmittedByKeyId = command.RequestedByInsured ? command.ChannelKeyId : null,
            Matricule = rx.Matricule,
            DoctorCode = rx.Doctor.Code,
            DoctorName = rx.Doctor.Name,
            DoctorCountry = rx.Doctor.Country,
            PrescriptionDate = rx.Date,
            PrescriptionLanguage = rx.Language,
            Category = rx.Category,
            AnnexGCode = rx.AnnexGCode,
            SurgeryDate = rx.SurgeryDate,
            ActCode = rx.ActCode,
            SessionsPrescribed = rx.Sessions,
            Frequency = rx.Frequency,
            Diagnosis = rx.Diagnosis,
            HomeVisitMedicallyNecessary = rx.HomeVisitMedicallyNecessary,
            TravelAllowanceRequested = rx.TravelAllowanceRequested,
            CareCountry = rx.CareCountry,
            AccidentReference = rx.AccidentReference,
            ScanSha256 = scanSha,
            PrescriptionFingerprint = fingerprint,
        }, r => db.Set<PrescriptionScan>().Add(new PrescriptionScan
        {
            Id = Guid.CreateVersion7(now), RequestId = r.Id, ContentType = contentType, Sha256 = scanSha, SizeBytes = scan.LongLength,
            FileName = fileName, Content = scan,
        }), ct);
        // Everything the answer shows is at hand: no need to read back what was just written.
        var voucher = request.VoucherId is { } vid ? db.FindTracked<Voucher>(vid) : null;
        return voucher is null && request.VoucherId is not null
            ? await ValidationRequestViews.MapAsync(db, reference, caller.Language, clock.GetUtcNow(), request, ct)
            : ValidationRequestViews.Map(reference, caller.Language, clock.GetUtcNow(), request, provider.Code,
                new ValidationRequestViews.ScanInfo(contentType, scanSha, scan.LongLength, fileName), voucher);
    }

    /// <summary>INS-01: the physiotherapist the insured names; an unknown code or another kind of provider is bad input.</summary>
    private async Task<Guid> NamedPhysiotherapistAsync(string code, CancellationToken ct)
    {
        var normalised = code.Trim().ToUpperInvariant();
        var id = await db.Providers.AsNoTracking().Where(p => p.Code == normalised && p.Kind == ProviderKind.Physiotherapist).Select(p => (Guid?)p.Id)
            .SingleOrDefaultAsync(ct);
        return id ?? throw new BadInputException("request.providerCode", $"request.providerCode '{code}' is no physiotherapist of the registry.");
    }

    /// <summary>The calling provider's kind and code come with its API key; another provider's are read.</summary>
    private async Task<(ProviderKind Kind, string Code)> ProviderAsync(Guid id, CancellationToken ct)
    {
        if (caller.ProviderId == id && caller.ProviderKind is { } kind && caller.ProviderCode is { } code) return (kind, code);
        var provider = await db.Providers.AsNoTracking().Where(p => p.Id == id).Select(p => new { p.Kind, p.Code }).SingleOrDefaultAsync(ct)
                       ?? throw new NotFoundException("Provider");
        return (provider.Kind, provider.Code);
    }
}
