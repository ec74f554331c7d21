namespace CnsExchange.Domain.Billing;

/// <summary>A session the provider puts on a fee note: its date and act (the voucher's only service when not named).</summary>
public sealed record FeeNoteSession(DateOnly Date, string? ActCode);

/// <summary>One session of a fee note: the insured pays <see cref="TariffAmount"/>; the fund reimburses <see cref="CnsShare"/>.</summary>
public sealed record FeeNoteLine(DateOnly SessionDate, string ActCode, LocalizedText ActLabel, decimal TariffAmount, decimal RatePercent, decimal CnsShare, decimal InsuredShare);

public sealed record FeeNoteTotals(int Sessions, decimal TariffAmount, decimal CnsShare, decimal InsuredShare);

/// <summary>Why a session cannot be put on a fee note (a caller's input error, reported on the session).</summary>
public enum FeeNoteSessionProblem
{
    ActNotOnVoucher,
    ActNameNeeded,
    NoTariffOnDate,
}

/// <summary>
/// INS-02: without third-party payment the provider gives the insured an invoice of the full amount, a fee note showing per
/// session the tariff, the CNS share and the insured share. The shares are those a memoir line at the tariff would get:
/// <see cref="TariffCap.CnsShare"/> (BIL-10) and <see cref="InsuredShare.Of"/> (BIL-11) at the voucher service's rate.
/// Third-party payment is always applied for accident (AAA) cases, so they get no fee note.
/// </summary>
public static class FeeNote
{
    public const string Rule = "INS-02";

    /// <summary>AAA cases are always billed under third-party payment (seed 002): no fee note for them.</summary>
    public static bool Allowed(Voucher voucher) => !voucher.AccidentCase;

    /// <summary>The service of the voucher a session is for: the act named, or the voucher's only service.</summary>
    public static (VoucherService? Service, FeeNoteSessionProblem? Problem) ServiceFor(Voucher voucher, FeeNoteSession session)
    {
        if (session.ActCode is null)
            return voucher.Services.Count == 1 ? (voucher.Services[0], null) : (null, FeeNoteSessionProblem.ActNameNeeded);
        var service = voucher.Service(session.ActCode);
        return service is null ? (null, FeeNoteSessionProblem.ActNotOnVoucher) : (service, null);
    }

    /// <summary>The line of one session, charged at the tariff of its date; a problem instead when it cannot be priced.</summary>
    public static (FeeNoteLine? Line, FeeNoteSessionProblem? Problem) Line(Voucher voucher, FeeNoteSession session, ReferenceCatalog catalog)
    {
        var (service, problem) = ServiceFor(voucher, session);
        if (service is null) return (null, problem);
        var act = catalog.Act(service.ActCode, session.Date);
        if (act is null || catalog.TariffOn(service.ActCode, session.Date) is not { } tariff) return (null, FeeNoteSessionProblem.NoTariffOnDate);
        var cns = TariffCap.CnsShare(tariff, tariff, service.RatePercent); // BIL-10 at the tariff charged
        var insured = InsuredShare.Of(tariff, tariff, cns); // BIL-11
        return (new FeeNoteLine(session.Date, service.ActCode, act.Label, tariff, service.RatePercent, cns, insured), null);
    }

    public static FeeNoteTotals Totals(IReadOnlyCollection<FeeNoteLine> lines) =>
        new(lines.Count, lines.Sum(l => l.TariffAmount), lines.Sum(l => l.CnsShare), lines.Sum(l => l.InsuredShare));
}
