using System.Diagnostics.CodeAnalysis;
using CnsExchange.Application.Features.Vouchers;
using CnsExchange.Domain.Physio;

namespace CnsExchange.Application.Features.Validation;

public sealed record PrescriptionDto(
    string Matricule, DoctorReference Doctor, DateOnly PrescriptionDate, string PrescriptionLanguage, PhysioCategory Category,
    string? AnnexGCode, DateOnly? SurgeryDate, string ActCode, int Sessions, string? Frequency, string? Diagnosis,
    bool HomeVisitMedicallyNecessary, bool TravelAllowanceRequested, string CareCountry, string? AccidentReference, bool ForeignPrescription);

/// <summary>The stored scan: sniffed content type, SHA-256 and size; the bytes are at <see cref="Url"/>.</summary>
public sealed record ScanDto(string ContentType, string Sha256, long SizeBytes, string? FileName, string Url);

/// <summary>What an agreement grants (for a pending request: what the reviewer would agree to).</summary>
public sealed record GrantDto(PhysioCategory Category, string ActCode, int Sessions, decimal RatePercent, bool TravelAllowance, bool ThirdPartyPayment, bool AccidentCase)
{
    public static GrantDto? From(ServiceGrant? g) =>
        g is null ? null : new GrantDto(g.Category, g.ActCode, g.Sessions, g.RatePercent, g.TravelAllowance, g.ThirdPartyPayment, g.AccidentCase);
}

/// <summary>
/// A validation request and its decision: <c>agreed</c> with a voucher, <c>refused</c> with reasons, <c>pending</c> with
/// <c>decisionDueBy</c>; then possibly <c>information_requested</c> or <c>cancelled</c>.
/// </summary>
public sealed record ValidationRequestDto : RequestHeader
{
    public ValidationRequestDto() { }
    [SetsRequiredMembers] public ValidationRequestDto(RequestHeader header) : base(header) { }
    public required VoucherDto? Voucher { get; init; }
    public required GrantDto? Proposal { get; init; }
    public required PrescriptionDto Prescription { get; init; } = null!;
    public required ScanDto Scan { get; init; } = null!;
}

public sealed record ValidationRequestSummaryDto(
    Guid Id, RequestStatus Status, DateTimeOffset ReceivedAt, string Matricule, DateOnly PrescriptionDate, PhysioCategory Category,
    string ActCode, int Sessions, DateTimeOffset? DecisionDueBy, bool Overdue, string? VoucherNumber, IReadOnlyList<string> ReasonCodes);

internal static class ValidationRequestViews
{
    public const string Route = "/api/v1/validation-requests";

    public static string Url(Guid id) => $"{Route}/{id}";

    public sealed record ScanInfo(string ContentType, string Sha256, long SizeBytes, string? FileName);

    /// <summary>Loads a request with everything its view shows. Providers only see their own (another's is "not found").</summary>
    public static async Task<ValidationRequestDto> LoadAsync(IAppDbContext db, IReferenceData reference, ICurrentCaller caller, DateTimeOffset now, Guid id, CancellationToken ct)
    {
        return await RequestViews.GetAsync<ValidationRequest, ValidationRequestDto>(db, id, caller, "Validation request",
            r => MapAsync(db, reference, caller.Language, now, r, ct), ct);
    }

    public static async Task<ValidationRequestDto> MapAsync(IAppDbContext db, IReferenceData reference, string language, DateTimeOffset now, ValidationRequest r, CancellationToken ct)
    {
        var providerCode = await RequestViews.ProviderCodeAsync(db, r.ProviderId, ct);
        var scan = await db.Set<PrescriptionScan>().AsNoTracking().Where(s => s.RequestId == r.Id)
            .Select(s => new ScanInfo(s.ContentType, s.Sha256, s.SizeBytes, s.FileName)).SingleAsync(ct);
        return Map(reference, language, now, r, providerCode, scan, await RequestViews.VoucherAsync(db, r, ct));
    }

    public static ValidationRequestDto Map(IReferenceData reference, string language, DateTimeOffset now, ValidationRequest r, string providerCode, ScanInfo scan, Voucher? voucher)
    {
        var p = r.ToPrescription();
        var prescription = new PrescriptionDto(p.Matricule, new DoctorReference(p.Doctor.Code, p.Doctor.Name, p.Doctor.Country), p.Date, p.Language,
            p.Category, p.AnnexGCode, p.SurgeryDate, p.ActCode, p.Sessions, p.Frequency, p.Diagnosis, p.HomeVisitMedicallyNecessary,
            p.TravelAllowanceRequested, p.CareCountry, p.AccidentReference, r.ForeignPrescription);
        return new ValidationRequestDto(RequestViews.Header(r, providerCode, reference, language, now))
        {
            Voucher = voucher is null ? null : VoucherViews.Map(voucher, reference),
            Proposal = r.AwaitsDecision ? GrantDto.From(r.Grant) : null,
            Prescription = prescription,
            Scan = new ScanDto(scan.ContentType, scan.Sha256, scan.SizeBytes, scan.FileName, Url(r.Id) + "/scan"),
        };
    }
}
