using System.Security.Cryptography;
using System.Text;

namespace CnsExchange.Domain.Physio.Rules;

/// <summary>
/// VAL-14: the same prescription (same scan hash, or same doctor + insured + date + act) already has a voucher.
/// The fingerprints below are stored with every physiotherapy voucher under a unique key, so the database settles
/// the race between two concurrent submissions of one prescription.
/// </summary>
public static class DuplicatePrescription
{
    public const string Rule = "VAL-14";

    /// <summary>What another provider's voucher is called: its number and dates stay with that provider (RULES.md §2).</summary>
    public const string OtherProvider = "already validated for another provider";

    /// <summary>How the prescription was recognised: the scan's bytes, or doctor + insured + date + act.</summary>
    public const string SameScan = "same scan";
    public const string SamePrescriptionData = "same doctor, insured, date and act";

    /// <summary>
    /// The refusal names what matched; the voucher's number only when the voucher is the requesting provider's own
    /// (another provider re-sending the bytes learns that the prescription is taken, nothing of whose voucher).
    /// </summary>
    public static Reason? Check(string? existingVoucherNumber, bool ownVoucher = true, bool scanMatched = false) =>
        existingVoucherNumber is null ? null
            : Reason.Refusal(PhysioReasonCodes.DuplicatePrescription, Rule, scanMatched ? "scan" : null,
                $"{(ownVoucher ? existingVoucherNumber : OtherProvider)}, {(scanMatched ? SameScan : SamePrescriptionData)}");

    public const string ScanPrefix = "scan:";

    public static string ScanFingerprint(string scanSha256) => ScanPrefix + scanSha256;

    /// <summary>Doctor + insured + date + act. A doctor abroad is identified by country and name (case and spacing ignored).</summary>
    public static string ContentFingerprint(Prescription p)
    {
        var doctor = p.Doctor.Code is { Length: > 0 } code
            ? "code:" + code
            : "name:" + (p.Doctor.Country ?? "").Trim().ToUpperInvariant() + ":" + string.Join(' ', (p.Doctor.Name ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToUpperInvariant();
        var text = $"{doctor}|{p.Matricule}|{p.Date:yyyy-MM-dd}|{p.ActCode.ToUpperInvariant()}";
        return "rx:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
