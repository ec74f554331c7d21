using System.Security.Cryptography;
using System.Text;
using CnsExchange.Domain.Common;

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

    public static Reason? Check(string? existingVoucherNumber, bool ownVoucher = true) =>
        existingVoucherNumber is null ? null : Reason.Refusal(PhysioReasonCodes.DuplicatePrescription, Rule, null, ownVoucher ? existingVoucherNumber : OtherProvider);

    public static string ScanFingerprint(string scanSha256) => "scan:" + scanSha256;

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
