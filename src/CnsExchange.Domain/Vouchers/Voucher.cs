using System.Diagnostics.CodeAnalysis;

namespace CnsExchange.Domain.Vouchers;

public enum VoucherKind
{
    Physiotherapy,
    Cure,
    Rehabilitation,
}

/// <summary>
/// Title of care (titre de prise en charge): what CNS agreed to pay for, for one provider and one insured.
/// Created by a validation decision (physiotherapy) or an authorisation (cure, rehabilitation); billed by fee memoirs.
/// </summary>
public sealed class Voucher
{
    public Guid Id { get; set; }
    public required string Number { get; set; }
    public VoucherKind Kind { get; set; }
    public Guid ProviderId { get; set; }
    public Guid InsuredId { get; set; }
    public required string Matricule { get; set; }
    /// <summary>The validation request or authorisation that created this voucher.</summary>
    public Guid? SourceRequestId { get; set; }
    /// <summary>Physio: common, heavy, lymphatic_drainage, post_surgical. Cure/rehab: the kind code.</summary>
    public required string Category { get; set; }
    /// <summary>Date of the prescription (physio) or of the request (cure, rehab): the earliest billable date.</summary>
    public DateOnly PrescriptionDate { get; set; }
    public DateOnly IssuedOn { get; set; }
    /// <summary>Treatment must start on or before this date (physio: issuedOn + 30 days).</summary>
    public DateOnly TreatmentStartBy { get; set; }
    public DateOnly ValidUntil { get; set; }
    public bool ThirdPartyPayment { get; set; }
    public bool AccidentCase { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>LIF-01: cancelled by its provider (or a reviewer); lines received afterwards are refused.</summary>
    public DateTimeOffset? CancelledAt { get; set; }
    public string? CancellationReason { get; set; }
    /// <summary>Who cancelled it: the provider's or reviewer's actor name.</summary>
    public string? CancelledBy { get; set; }
    public List<VoucherService> Services { get; set; } = [];

    /// <summary>The service of the voucher for an act, or null (a loop: billing asks it for each line).</summary>
    public VoucherService? Service(string? actCode)
    {
        foreach (var service in Services)
            if (service.ActCode == actCode) return service;
        return null;
    }
}

/// <summary>A validated service of a voucher. <see cref="SessionsBilled"/> is only ever raised by the database (BIL-06).</summary>
public sealed class VoucherService
{
    public Guid Id { get; set; }
    public Guid VoucherId { get; set; }
    public required string ActCode { get; set; }
    public int SessionsGranted { get; set; }
    public int SessionsBilled { get; set; }
    /// <summary>Coverage rate in percent (70, 80, 100...).</summary>
    public decimal RatePercent { get; set; }
    /// <summary>Tariff per session on the issue date (informative; billing uses the tariff of the session date).</summary>
    public decimal TariffOnIssue { get; set; }
    public bool TravelAllowanceGranted { get; set; }
}

/// <summary>Voucher numbers: kind letter, 2-digit year, 7-digit sequence, Luhn check digit — e.g. K26-0000123-0.</summary>
public static class VoucherNumber
{
    public static string Prefix(VoucherKind kind) => kind switch
    {
        VoucherKind.Physiotherapy => "K",
        VoucherKind.Cure => "C",
        VoucherKind.Rehabilitation => "R",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static string Format(VoucherKind kind, int year, long sequence)
    {
        var body = $"{year % 100:00}{sequence:0000000}";
        return $"{Prefix(kind)}{body[..2]}-{body[2..]}-{Common.Matricule.LuhnDigit(body)}";
    }

    public static bool IsWellFormed(string? number)
    {
        if (!HasShape(number)) return false;
        Span<char> digits = stackalloc char[9]; // year and sequence
        number.AsSpan(1, 2).CopyTo(digits);
        number.AsSpan(4, 7).CopyTo(digits[2..]);
        return Common.Matricule.LuhnDigit(digits) == number[12] - '0';
    }

    /// <summary>
    /// Kind letter, year, sequence and a digit, the check digit not verified: inputs check the shape only, so that a
    /// wrong check digit answers like any number no voucher has (the check character is not revealed by its own error).
    /// </summary>
    public static bool HasShape([NotNullWhen(true)] string? number)
    {
        if (number is null || number.Length != 13 || number[3] != '-' || number[11] != '-') return false;
        if (number[0] is not ('K' or 'C' or 'R')) return false;
        // Digits everywhere else (year, sequence, check digit); checked in place, as every line of a file is.
        return !number.AsSpan(1, 2).ContainsAnyExceptInRange('0', '9') && !number.AsSpan(4, 7).ContainsAnyExceptInRange('0', '9')
            && char.IsAsciiDigit(number[12]);
    }
}
