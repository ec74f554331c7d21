namespace CnsExchange.Application.Features.Validation;

/// <summary>
/// What the validation rules read from the database: the insured person with periods, cases and plans (null when unknown),
/// the registered doctor (null without code or when unknown), and the number of a voucher already issued for one of the
/// prescription's fingerprints (VAL-14) with the provider it was issued to and whether the scan's fingerprint matched.
/// <see cref="VoucherSequence"/>: a voucher number drawn in the same round trip, used when the request is agreed at once
/// (a refused or pending request leaves a gap in the numbers, as a lost race or a rolled-back save already does).
/// </summary>
public sealed record PhysioFacts(Insured? Insured, Doctor? Doctor, string? ExistingVoucherNumber, Guid? ExistingVoucherProviderId = null,
    bool ExistingVoucherMatchedScan = false, long? VoucherSequence = null) : RequestFacts(Insured);

/// <summary>Reads <see cref="PhysioFacts"/> (and draws a voucher number) in one round trip (a validation request is the hot path of the API).</summary>
public interface IPhysioFactsReader
{
    Task<PhysioFacts> ReadAsync(string matricule, string? doctorCode, IReadOnlyCollection<string> fingerprints, CancellationToken ct);
}
