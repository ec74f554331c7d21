namespace CnsExchange.Domain.Billing;

/// <summary>
/// BIL-15: a refused or reduced line may be contested once by its provider, with the code of one of its reasons and
/// a text, until a payment run's return file reports it. A reviewer upholds (nothing changes but a reason) or
/// overturns: the line becomes payable at the tariff × rate (never above the claim) in the next payment run.
/// </summary>
public static class Contestation
{
    public const string Rule = "BIL-15";

    /// <summary>The problem code (409) for contesting or overturning a line its memoir's void or a reversal released (LIF-02, LIF-04).</summary>
    public const string LineReleased = "line_released";

    /// <summary>Why the line cannot be contested (a stable problem code and a sentence), or null when it can.</summary>
    public static (string Code, string Message)? WhyNotContestable(FeeMemoirLine line, string code, bool alreadyContested)
    {
        if (alreadyContested) return ("line_already_contested", "This line was already contested; a line may be contested once.");
        if (line.Outcome == LineOutcome.Accepted) return ("line_not_contestable", "Only refused or reduced lines may be contested.");
        if (line.ReleasedAt is not null) return (LineReleased, "The line was released (its memoir voided): nothing can be paid for it.");
        if (line.PaymentRunId is not null)
            return ("line_already_reported", "The line was already reported in a payment run's return file; it can no longer be contested.");
        if (line.Reasons.Any(r => r.Code == CommonReasonCodes.NotCovered))
            return ("line_not_contestable", "Services not covered by CNS are billable to the insured only; the line cannot be contested.");
        if (line.Reasons.FirstOrDefault(r => r.Severity == ReasonSeverity.Refusal && PaidOnAnotherLine.Contains(r.Code)) is { } paidElsewhere)
            return ("line_not_contestable",
                $"The session is paid on another line ({paidElsewhere.Code}): overturning this one would pay it twice. If that other line is wrong, void or reverse it and bill the session again.");
        if (line.TariffAmount is null || line.RatePercent is null)
            return ("line_not_contestable", "The line matches no service of a voucher of yours, so CNS has nothing it could pay; send a corrected memoir instead.");
        if (!line.Reasons.Any(r => r.Code == code && r.Severity is ReasonSeverity.Refusal or ReasonSeverity.Reduction))
            return ("contestation_code_not_on_line", $"'{code}' is not a refusal or reduction reason of this line.");
        return null;
    }

    /// <summary>The problem code (409) for overturning a refused line when every session its voucher grants for the act is paid (BIL-06).</summary>
    public const string SessionsExhausted = "sessions_exhausted";

    /// <summary>
    /// Why a reviewer can no longer overturn the line (a stable problem code and a sentence), or null when it can. An
    /// overturned refused line is paid, so it holds its session as a paid line does (<see cref="PaidLines.Holds"/>): not when
    /// the line was released (LIF-02, LIF-04), nor when the session is paid on another line or a claim since it was contested
    /// (BIL-07, BIL-08, INS-04: <paramref name="paidElsewhere"/>), nor when its voucher service has no session left
    /// (<paramref name="sessionsRemaining"/>, read under the service's lock): sessions paid never exceed sessions granted
    /// (BIL-06), so the overturn takes one of them. A reduced line already holds its session and counts it.
    /// </summary>
    public static (string Code, string Message)? WhyNotOverturnable(FeeMemoirLine line, string? paidElsewhere, int? sessionsRemaining)
    {
        if (line.ReleasedAt is not null)
            return (LineReleased, "The line was released (its memoir voided, or the line reversed or recovered): nothing can be paid for it.");
        if (PaidLines.Holds(line)) return null;
        if (paidElsewhere is not null)
            return ("session_paid_elsewhere", $"The session is paid on {paidElsewhere} since this line was contested: overturning would pay it twice. Uphold it, or void that one first.");
        if (line.VoucherServiceId is not null && sessionsRemaining <= 0)
            return (SessionsExhausted,
                "Every session the voucher grants for this act is paid (BIL-06): overturning would pay one more. Uphold it, or first free the session paid by mistake (void its memoir, or reverse its line), then overturn.");
        return null;
    }

    /// <summary>
    /// The voucher service whose session an overturn of <paramref name="line"/> takes (BIL-06): a refused line that held
    /// none; null for a line that already counts one (reduced) or has no service (travel allowance, hospital fee).
    /// </summary>
    public static Guid? ServiceTakenByOverturn(FeeMemoirLine line) => PaidLines.Holds(line) ? null : line.VoucherServiceId;

    /// <summary>
    /// Refusals that say the session is already paid on another line or claim (BIL-07, BIL-08, INS-04): such a line is
    /// never overturned, since the session would be paid twice.
    /// </summary>
    public static readonly IReadOnlySet<string> PaidOnAnotherLine = new HashSet<string>(StringComparer.Ordinal)
    {
        BillingReasonCodes.OneActPerSession, BillingReasonCodes.DuplicateLine, Reimbursement.ReimbursementReasonCodes.SessionAlreadyPaid,
    };

    /// <summary>Amount CNS owes for an overturned line: rate × the full tariff of what was claimed (act + travel), never above the claim.</summary>
    public static decimal OverturnedAmount(ReferenceCatalog catalog, FeeMemoirLine line, string actDomain)
    {
        var tariff = catalog.TariffOn(line.ActCode, line.SessionDate) ?? line.TariffAmount ?? 0m;
        if (line.Travel && TravelAllowance.Act(catalog, actDomain, line.SessionDate) is { } travel)
            tariff += catalog.TariffOn(travel.Code, line.SessionDate) ?? 0m;
        return TariffCap.CnsShare(line.ClaimedAmount, tariff, line.RatePercent ?? 0m);
    }

    public static Reason Upheld(string? note) => Reason.Information(BillingReasonCodes.ContestationUpheld, Rule, null, string.IsNullOrWhiteSpace(note) ? "—" : note.Trim());

    public static Reason Overturned(decimal amount) => Reason.Information(BillingReasonCodes.ContestationOverturned, Rule, null, Dates.Amount(amount));

    /// <summary>Added when a payment run takes a line whose contestation is still pending on the memoir's last chance to be paid on time.</summary>
    public static Reason Lapsed(string runNumber) => Reason.Information(BillingReasonCodes.ContestationLapsed, Rule, null, runNumber);

    /// <summary>
    /// The provider voided or <paramref name="replaced"/> the memoir of a still pending contestation (LIF-02, LIF-03): its
    /// line is released, so no reviewer can pay anything for it. The contestation is closed as withdrawn, with a reason on
    /// the line, and leaves the reviewers' queue.
    /// </summary>
    public static void Withdraw(LineContestation contestation, FeeMemoirLine line, DateTimeOffset now, bool replaced)
    {
        if (contestation.Status != ContestationStatus.Pending) return;
        contestation.Status = ContestationStatus.Withdrawn;
        contestation.DecidedAt = now;
        contestation.DecidedBy = replaced ? "memoir-replacement" : "memoir-void";
        contestation.DecisionNote = replaced
            ? "The provider replaced the memoir before a reviewer decided (LIF-03): the line is released and nothing is paid for it."
            : "The provider voided the memoir before a reviewer decided (LIF-02): the line is released and nothing is paid for it.";
        contestation.PayableAfter = 0m;
        line.ContestationStatus = ContestationStatus.Withdrawn;
        line.Reasons = [.. line.Reasons, Reason.Information(BillingReasonCodes.ContestationWithdrawn, Rule)];
    }

    /// <summary>Applies a reviewer's decision to the line and returns the contestation's new status.</summary>
    public static ContestationStatus Apply(FeeMemoirLine line, ContestationDecision decision, decimal overturnedAmount, string? note)
    {
        if (decision == ContestationDecision.Overturn)
        {
            line.PayableAmount = overturnedAmount;
            line.ContestationStatus = ContestationStatus.Overturned;
            line.Reasons = [.. line.Reasons, Overturned(overturnedAmount)];
            return ContestationStatus.Overturned;
        }
        line.ContestationStatus = ContestationStatus.Upheld;
        line.Reasons = [.. line.Reasons, Upheld(note)];
        return ContestationStatus.Upheld;
    }
}
