using CnsExchange.Domain.Calendar;
using CnsExchange.Domain.Hospital;

namespace CnsExchange.Domain.Billing;

// The lifecycle rules of RULES.md §9 (LIF-01…LIF-05): corrections a provider makes to what it sent, and money CNS takes
// back. Each answers why an operation is not allowed as a stable problem code and a sentence (a refusal is data).

/// <summary>
/// LIF-01: a voucher with no accepted session can be cancelled by its provider; a reviewer can cancel any voucher. Lines
/// adjudicated after the cancellation are refused <c>VOUCHER_CANCELLED</c>.
/// </summary>
public static class VoucherCancellation
{
    public const string Rule = "LIF-01";
    public const string HasAcceptedSessions = "voucher_has_accepted_sessions";

    /// <summary>The refusal of a line on a cancelled voucher (detail: the Luxembourg date of the cancellation).</summary>
    public static Reason? Check(Voucher voucher) =>
        voucher.CancelledAt is { } at
            ? Reason.Refusal(BillingReasonCodes.VoucherCancelled, Rule, "voucherNumber", Dates.Iso(LuxembourgCalendar.LocalDate(at)))
            : null;

    /// <param name="paidLines">Lines CNS pays (or paid) on the voucher and still holds: accepted or reduced, not released.</param>
    /// <param name="byReviewer">CNS staff may cancel any voucher.</param>
    public static (string Code, string Message)? WhyNotCancellable(int paidLines, bool byReviewer) =>
        paidLines > 0 && !byReviewer
            ? (HasAcceptedSessions, $"{paidLines} session(s) of this voucher are accepted (on memoirs, or reimbursed to the insured): void or reverse yours first, or ask CNS to cancel the voucher.")
            : null;
}

/// <summary>
/// LIF-02: a memoir no payment run has taken any line of can be voided: its lines are released — a paid line gives its
/// session back to the voucher (BIL-06) and no longer counts as paid (BIL-07/08, BIL-13) — and no run will take them.
/// Once a run took a line, the memoir can only be corrected line by line by reversal (LIF-04). The settlement of a
/// hospital stay is voided like any memoir; voided, it releases its stay (<see cref="StayRelease"/>).
/// </summary>
public static class MemoirVoiding
{
    public const string Rule = "LIF-02";
    public const string InPaymentRun = "memoir_in_payment_run";
    public const string AlreadyVoided = "memoir_voided";

    /// <summary>Why the memoir cannot be voided, or null when it can (a voided memoir is voided again idempotently by the caller).</summary>
    public static (string Code, string Message)? WhyNotVoidable(FeeMemoir memoir, IEnumerable<FeeMemoirLine> lines)
    {
        if (memoir.Status is FeeMemoirStatus.InPaymentRun or FeeMemoirStatus.Paid || lines.Any(l => l.PaymentRunId is not null))
            return (InPaymentRun,
                $"A payment run already took lines of this memoir; it can no longer be voided. Reverse each paid line instead: " +
                $"POST /api/v1/fee-memoirs/{memoir.Id}/lines/{{lineNumber}}/reversal.");
        return null;
    }

    /// <summary>
    /// Voids the memoir: every line released at <paramref name="now"/>. Returns the sessions given back per voucher
    /// service (paid session lines only: a travel allowance line or a hospital fee consumed none).
    /// </summary>
    public static Dictionary<Guid, int> Void(FeeMemoir memoir, IReadOnlyList<FeeMemoirLine> lines, DateTimeOffset now, string? reason = null)
    {
        var released = SessionsGivenBack(lines);
        foreach (var line in lines) line.ReleasedAt ??= now;
        memoir.Status = FeeMemoirStatus.Voided;
        memoir.VoidedAt = now;
        memoir.VoidReason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        return released;
    }

    /// <summary>Sessions the lines give back to their voucher services when released (those they count now).</summary>
    public static Dictionary<Guid, int> SessionsGivenBack(IEnumerable<FeeMemoirLine> lines) =>
        lines.Where(l => PaidLines.CountsASession(l) && l.VoucherServiceId is not null)
            .GroupBy(l => l.VoucherServiceId!.Value).ToDictionary(g => g.Key, g => g.Count());
}

/// <summary>
/// LIF-03: a memoir names the memoir it replaces; the old one is voided (LIF-02) and the new one adjudicated in one
/// transaction — both or neither. Only the provider's own, not voided memoir can be replaced.
/// </summary>
public static class MemoirReplacement
{
    public const string Rule = "LIF-03";
    public const string NotReplaceable = "memoir_not_replaceable";

    public static (string Code, string Message)? WhyNotReplaceable(FeeMemoir replaced, IEnumerable<FeeMemoirLine> lines)
    {
        if (replaced.Status == FeeMemoirStatus.Voided)
            return (MemoirVoiding.AlreadyVoided, $"Memoir {replaced.Id} is already voided{(replaced.ReplacedByMemoirId is { } by ? $" (replaced by {by})" : "")}; it cannot be replaced.");
        // The settlement of a recorded stay is CNS's, made from the stay: a fee memoir of lines cannot stand for it.
        if (replaced.Source == FeeMemoirSource.HospitalStay)
            return (NotReplaceable, $"Memoir {replaced.Id} is the settlement of a hospital stay recorded by CNS; a fee memoir cannot replace it. "
                + $"Void it (POST /api/v1/fee-memoirs/{replaced.Id}/cancellation) and record the corrected stay (POST /api/v1/hospital-stays).");
        return MemoirVoiding.WhyNotVoidable(replaced, lines);
    }
}

/// <summary>What became of a paid line: reversed by its provider, or recovered by CNS staff.</summary>
public enum DebtKind
{
    Reversal,
    Recovery,
}

/// <summary>
/// LIF-04: a line paid by a payment run (reported in its return file, paid more than 0) can be reversed by its provider or
/// recovered by CNS staff with a reason code: the CNS amount paid becomes the provider's debt, netted by the next payment
/// run (LIF-05); the line is released (its session goes back to the voucher).
/// </summary>
public static class LineReversal
{
    public const string Rule = "LIF-04";
    public const string NotPaid = "line_not_paid";

    /// <summary>The codes CNS staff recover a paid line with.</summary>
    public static readonly IReadOnlyList<string> RecoveryCodes =
        [BillingReasonCodes.DoubleFinancing, Cures.CureReasonCodes.Interrupted /* CUR-09's code, also a recovery code */, BillingReasonCodes.SessionNotGiven];

    /// <summary>
    /// Why the line cannot be reversed or recovered, or null when it can (one already released is answered idempotently by
    /// the caller). <paramref name="runClosed"/>: the payment run that took the line is closed (it paid and reported it).
    /// </summary>
    public static (string Code, string Message)? WhyNotReversible(FeeMemoirLine line, bool runClosed)
    {
        if (line.PaymentRunId is null || line.PaidAmount is null || !runClosed)
            return (NotPaid, "This line was not paid by a payment run yet: void or replace its memoir instead (POST /api/v1/fee-memoirs/{id}/cancellation).");
        if (line.PaidAmount <= 0m)
            return (NotPaid, "Nothing was paid for this line (it was refused), so there is nothing to reverse.");
        return null;
    }

    /// <summary>The code a return file lists the debt with.</summary>
    public static string EntryCode(DebtKind kind) => kind == DebtKind.Reversal ? BillingReasonCodes.LineReversed : BillingReasonCodes.LineRecovered;

    /// <summary>Releases the paid line at <paramref name="now"/>; returns the voucher service whose session goes back, if any.</summary>
    public static Guid? Release(FeeMemoirLine line, DateTimeOffset now)
    {
        var service = PaidLines.CountsASession(line) ? line.VoucherServiceId : null;
        line.ReleasedAt ??= now;
        return service;
    }
}

/// <summary>
/// LIF-02 and LIF-04 on a hospital stay. A stay is corrected by voiding its settlement memoir (source hospital_stay) while no
/// payment run has taken a line of it (LIF-02: nothing was paid, so nothing is owed), or, once paid, by taking back the
/// settlement line that pays the stay itself — its stay days, HOS-01 less the HOS-02/03 participation (LIF-04). Once the
/// memoir is voided, or that line reversed by the hospital or recovered by CNS, the stay is released: it no longer stands. Its participation days go back to the HOS-02 yearly ceiling for the stays recorded afterwards (those
/// recorded before keep what was decided and paid for them), it no longer overlaps a stay for the same dates, and doctors'
/// fees naming it are refused. The operation and accompanying-bed lines of the settlement, taken back, take back their own
/// amount only: the stay still stands. Doctors' fees already paid for the stay are left as they are.
/// </summary>
public static class StayRelease
{
    public const string Rule = LineReversal.Rule;

    /// <summary>Whether taking back this line of a memoir of <paramref name="source"/> releases <paramref name="stay"/>: the stay's own settlement line of its stay days.</summary>
    public static bool ReleasesTheStay(FeeMemoirSource source, FeeMemoirLine line, HospitalStay stay) =>
        source == FeeMemoirSource.HospitalStay && line.HospitalStayId == stay.Id
        && stay.Lines.Any(l => l.Type == StayLineType.StayDays && l.Code == line.ActCode);

    /// <summary>
    /// Releases the accepted stay at <paramref name="now"/> for the debt <paramref name="debtId"/> (null: its settlement was
    /// voided unpaid); returns the participation days it gives back to the insured person's HOS-02 counters, per calendar
    /// year (stationary stays only count there).
    /// </summary>
    public static IReadOnlyDictionary<int, int> Release(HospitalStay stay, Guid? debtId, DateTimeOffset now)
    {
        if (stay.Status != HospitalStayStatus.Accepted) throw new InvalidOperationException($"Only an accepted stay is released, not a {stay.Status} one.");
        stay.Status = HospitalStayStatus.Released;
        stay.ReleasedAt = now;
        stay.ReleaseDebtId = debtId;
        return stay.Kind == HospitalStayKind.Stationary
            ? stay.ParticipationYears.Where(y => y.ChargedDays > 0).ToDictionary(y => y.Year, y => y.ChargedDays)
            : new Dictionary<int, int>();
    }

    /// <summary>The refusal of a doctor's fee naming a released stay (detail: the Luxembourg date of the release); null while the stay stands.</summary>
    public static Reason? CheckFee(HospitalStay stay) =>
        stay is { Status: HospitalStayStatus.Released, ReleasedAt: { } at }
            ? Reason.Refusal(BillingReasonCodes.HospitalStayReleased, Rule, "hospitalStayId", Dates.Iso(LuxembourgCalendar.LocalDate(at)))
            : null;
}

/// <summary>The figures of one provider in one payment run after netting (LIF-05).</summary>
/// <param name="BroughtForward">Debt left over from earlier runs.</param>
/// <param name="Debts">Reversals and recoveries this run takes.</param>
/// <param name="Accepted">What the lines this run takes are paid.</param>
/// <param name="OrderAmount">The credit transfer: accepted less every debt, never below 0.</param>
/// <param name="CarriedForward">Debt left for later runs.</param>
public sealed record NettingResult(decimal BroughtForward, decimal Debts, decimal Accepted, decimal OrderAmount, decimal CarriedForward);

/// <summary>
/// LIF-05: a payment run nets a provider's debts (brought forward and new) against the amounts of the lines it takes: the
/// order is the net; when the debts are larger there is no transfer and the rest carries forward. Never a negative
/// transaction.
/// </summary>
public static class DebtNetting
{
    public const string Rule = "LIF-05";

    public static NettingResult Net(decimal broughtForward, decimal debts, decimal accepted)
    {
        if (broughtForward < 0m || debts < 0m || accepted < 0m) throw new ArgumentOutOfRangeException(nameof(accepted), "Debts and amounts are never negative.");
        var owed = broughtForward + debts;
        return accepted >= owed
            ? new NettingResult(broughtForward, debts, accepted, accepted - owed, 0m)
            : new NettingResult(broughtForward, debts, accepted, 0m, owed - accepted);
    }
}

/// <summary>
/// LIF-04: money a provider owes CNS back — a paid line it reversed, or one CNS staff recovered. Netted by the next payment
/// run that takes it (<see cref="PaymentRunId"/>, LIF-05); one per line.
/// </summary>
public sealed class ProviderDebt
{
    public Guid Id { get; set; }
    public Guid ProviderId { get; set; }
    public Guid LineId { get; set; }
    public Guid MemoirId { get; set; }
    public required string MemoirReference { get; set; }
    public int LineNumber { get; set; }
    public DebtKind Kind { get; set; }
    /// <summary>LINE_REVERSED for a reversal; the recovery code (DOUBLE_FINANCING, CURE_INTERRUPTED, …) for a recovery.</summary>
    public required string Code { get; set; }
    public string? Note { get; set; }
    /// <summary>The CNS amount the line was paid: what the provider owes.</summary>
    public decimal Amount { get; set; }
    /// <summary>The payment run that paid the line.</summary>
    public Guid OriginalRunId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    /// <summary>The payment run that netted the debt (LIF-05); null until one takes it.</summary>
    public Guid? PaymentRunId { get; set; }
}
