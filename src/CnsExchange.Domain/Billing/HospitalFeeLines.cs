using CnsExchange.Domain.Hospital;

namespace CnsExchange.Domain.Billing;

/// <summary>
/// A doctor's fee for care in a hospital stay, billed to CNS on a fee memoir line that names the stay instead of a
/// voucher (RULES.md §7). The stay must be one CNS accepted for this insured person and the act must fall within it
/// (BIL-01/BIL-04 read on the stay); HOS-04 coverage rate and single-room surcharge, HOS-05 direct billing, HOS-06
/// several operations, with BIL-05, BIL-08, BIL-10, BIL-11 and BIL-12 as for any line. Every reason found is reported.
/// </summary>
public static class HospitalFeeLines
{
    /// <summary>Acts a doctor bills for hospital care: its own acts (domain <c>doctor</c>) and the stay's operations.</summary>
    public const string DoctorDomain = "doctor";

    public static LineDecision Adjudicate(LineFacts facts, ReferenceCatalog catalog)
    {
        var line = facts.Line;
        var refusals = new List<Reason>();
        var stay = StayOfLine.Check(facts, refusals);

        if (line.SessionDate > facts.Today) refusals.Add(Reason.Refusal(BillingReasonCodes.SessionDateInFuture, SessionDateAllowed.Rule, "sessionDate"));
        if (stay is not null && (line.SessionDate < stay.AdmissionDate || line.SessionDate > stay.DischargeDate))
            refusals.Add(Reason.Refusal(BillingReasonCodes.ActOutsideStay, SessionDateAllowed.Rule, "sessionDate",
                $"{Dates.Iso(stay.AdmissionDate)} – {Dates.Iso(stay.DischargeDate)}"));

        var act = catalog.Act(line.ActCode, line.SessionDate);
        var billable = act is { Domain: DoctorDomain } || (act is not null && SeveralOperations.IsOperationAct(act.Code, line.SessionDate, catalog));
        if (!billable) refusals.Add(Reason.Refusal(BillingReasonCodes.ActNotValidated, ActCovered.Rule, "actCode", line.ActCode));
        else if (!act!.CoveredByCns) refusals.Add(Reason.Refusal(CommonReasonCodes.NotCovered, ActCovered.Rule, "actCode", line.ActCode));
        else if (stay is not null && act.Domain != DoctorDomain && OperationOfStay.Check(stay, act.Code, catalog) is { } operation)
            refusals.Add(operation); // HOS-06

        // HOS-05 is the condition of direct billing: a fee the insured paid and claims (INS-08) is the other route.
        if (stay is not null && !facts.InsuredRoute) Add(refusals, DirectBilling.Check(stay.Days, facts.HospitalFeeInvoice, stay.AdmissionDate, catalog));
        Add(refusals, DuplicateLine.Check(facts.DuplicateOfMemoir, facts.MemoirReference)); // BIL-08 (BIL-07 within one memoir)
        Add(refusals, Reimbursement.DoctorFeeClaim.PaidOnce(facts.SessionPaidOnOtherRoute)); // INS-08: paid once across routes
        var insured = stay is null ? null : facts.Insured;
        Add(refusals, InsuredAffiliatedOnSession.Check(insured, line.SessionDate)); // BIL-12

        var tariff = billable ? catalog.TariffOn(act!.Code, line.SessionDate) : null;
        decimal? rate = stay is not null && insured is not null
            ? DoctorFeeCoverage.RatePercent(stay.Kind, insured.AgeOn(stay.AdmissionDate), stay.AdmissionDate, catalog) // HOS-04
            : null;

        if (refusals.Count > 0 || tariff is null || rate is null)
        {
            // A service not covered by CNS is billed to the insured in full (BIL-05, BIL-11).
            var notCovered = refusals.Any(r => r.Code == CommonReasonCodes.NotCovered) && tariff is not null;
            var toInsured = notCovered ? InsuredShare.Of(line.FeeClaimed, tariff!.Value, 0m) : 0m;
            if (notCovered) refusals.Add(InsuredShare.Statement(toInsured));
            return new LineDecision(LineOutcome.Refused, tariff, rate, 0m, toInsured, refusals, null);
        }

        var reductions = new List<Reason>();
        Add(reductions, TariffCap.Check(line.FeeClaimed, tariff.Value)); // BIL-10, on the fee without the surcharge
        var surchargeKind = DoctorFeeCoverage.Surcharge(stay!.Room, stay.SingleRoomMedicallyNeeded);
        var split = DoctorFeeCoverage.Split(TariffCap.Chargeable(line.FeeClaimed, tariff.Value), rate.Value, surchargeKind, line.SessionDate, catalog);
        var (surchargeReason, surchargeToInsured) = SingleRoomSurchargeClaim.Check(surchargeKind, line.SingleRoomSurcharge, split.SurchargeChargeable);
        Add(reductions, surchargeReason);
        var insuredShare = InsuredShare.Of(line.FeeClaimed, tariff.Value, split.CnsAmount) + surchargeToInsured; // BIL-11, plus the surcharge the insured bears
        reductions.Add(InsuredShare.Statement(insuredShare));
        var outcome = reductions.Any(r => r.Severity == ReasonSeverity.Reduction) ? LineOutcome.Reduced : LineOutcome.Accepted;
        return new LineDecision(outcome, tariff, rate, split.CnsAmount, insuredShare, reductions, null);
    }

    private static void Add(List<Reason> list, Reason? reason)
    {
        if (reason is not null) list.Add(reason);
    }

    /// <summary>
    /// BIL-01 read on the stay: it exists, CNS accepted it, and it is the stay of the line's insured person; a stay of that
    /// person released since (LIF-04, <see cref="StayRelease"/>) is refused as such.
    /// </summary>
    private static class StayOfLine
    {
        public static HospitalStay? Check(LineFacts facts, List<Reason> refusals)
        {
            var stay = facts.HospitalStay;
            if (stay is not null && stay.Matricule == facts.Line.Matricule && stay.Id == facts.Line.HospitalStayId)
            {
                if (stay.Status == HospitalStayStatus.Accepted) return stay;
                if (StayRelease.CheckFee(stay) is { } released)
                {
                    refusals.Add(released);
                    return null;
                }
            }
            refusals.Add(Reason.Refusal(BillingReasonCodes.HospitalStayUnknown, VoucherOwnership.Rule, "hospitalStayId", facts.Line.HospitalStayId?.ToString()));
            return null;
        }
    }
}

/// <summary>
/// HOS-06 for a doctor's fee: an operation is billed for a stay only when the hospital declared it with the stay, and
/// it is covered only if the stay's most important operation is covered (and it is covered itself).
/// </summary>
public static class OperationOfStay
{
    public static Reason? Check(HospitalStay stay, string actCode, ReferenceCatalog catalog)
    {
        var declared = stay.Operations.OrderBy(o => o.Position).Select(o => new StayOperation(o.ActCode, o.Main)).ToList();
        if (!declared.Any(o => o.ActCode == actCode))
            return Reason.Refusal(BillingReasonCodes.OperationNotInStay, SeveralOperations.Rule, "actCode", actCode);
        return SeveralOperations.Assess(declared, stay.AdmissionDate, catalog).First(o => o.ActCode == actCode).Reason;
    }
}

/// <summary>
/// HOS-04: the single-room surcharge a doctor charges on a fee is never paid by CNS. In a single room taken for personal
/// convenience the insured person bears it, up to the surcharge percentage of the fee; when the single room is
/// medically needed — or there is no single room — it may not be charged at all.
/// </summary>
public static class SingleRoomSurchargeClaim
{
    /// <summary>The reason for a claimed surcharge (null when none is claimed) and the part of it the insured person bears.</summary>
    public static (Reason? Reason, decimal ToInsured) Check(SingleRoomSurcharge stayRoom, decimal claimed, decimal chargeable)
    {
        if (claimed <= 0m) return (null, 0m);
        return stayRoom switch
        {
            SingleRoomSurcharge.AtInsuredCharge => (Reason.Reduction(HospitalReasonCodes.SingleRoomSurchargeNotCovered, DoctorFeeCoverage.Rule,
                "singleRoomSurcharge", Dates.Amount(Math.Min(claimed, chargeable)) + " EUR"), Math.Min(claimed, chargeable)),
            SingleRoomSurcharge.NotChargeable => (Reason.Reduction(HospitalReasonCodes.SingleRoomSurchargeNotChargeable, DoctorFeeCoverage.Rule,
                "singleRoomSurcharge"), 0m),
            _ => (Reason.Reduction(BillingReasonCodes.SurchargeWithoutSingleRoom, DoctorFeeCoverage.Rule, "singleRoomSurcharge"), 0m),
        };
    }
}
