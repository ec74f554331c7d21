using System.Globalization;
using CnsExchange.Domain.Billing;

namespace CnsExchange.Domain.Cures;

/// <summary>CUR-01: an authorisation is valid one year from its issue date; a cure not started by then needs a new request.</summary>
public static class CureValidity
{
    public const string Rule = "CUR-01";

    public static DateOnly ValidUntil(DateOnly issuedOn, ReferenceCatalog catalog) =>
        issuedOn.AddMonths(catalog.IntParameter("cure.authorisation.validity_months", issuedOn));
}

/// <summary>
/// CUR-02 (one cure of the same nature per year, 12 months after the end of the previous) and CUR-05 (24 months
/// between back, neck and shoulder cures, except T206 for the other shoulder). The wait runs from the end (last
/// session) of the previous cure of the same nature to the date of the new request (seed 003: "demandée au moins
/// 12 mois après la fin de la cure précédente"). A cure of the same nature still open (authorised and valid, or in
/// progress) also blocks a new one.
/// </summary>
public static class CureWaitingPeriod
{
    /// <summary>The rule of the same-nature wait; back, neck and shoulder cures name CUR-05 through their kind's <c>WaitRule</c>.</summary>
    public const string Rule = "CUR-02";

    public static Reason? Check(CureKindDefinition kind, CureRequest request, IEnumerable<CureHistoryEntry> history, ReferenceCatalog catalog)
    {
        var side = request.Clinical.AffectedSide;
        foreach (var earlier in history.OrderByDescending(h => h.End ?? DateOnly.MaxValue))
        {
            if (catalog.CureKindAnyDate(earlier.KindCode)?.Nature != kind.Nature) continue;
            if (earlier.LapsedOn(request.RequestDate)) continue;
            // T206: a cure for the second shoulder needs no wait (seed 003); an unknown side counts as the same one.
            if (kind.RequiresAffectedSide && side is not null && earlier.Side is not null && earlier.Side != side) continue;
            // Another provider's open cure: only the fact (its kind and date stay with that provider, RULES.md §2).
            if (earlier.End is null)
                return Reason.Refusal(CureReasonCodes.TooSoon, kind.WaitRule, "kindCode", earlier.Own ? $"{earlier.KindCode} {earlier.AuthorisedOn:yyyy-MM-dd}" : null);
            var earliest = earlier.End.Value.AddMonths(kind.WaitMonths);
            if (request.RequestDate < earliest)
                return Reason.Refusal(CureReasonCodes.TooSoon, kind.WaitRule, "requestDate", earliest.ToString("yyyy-MM-dd"));
        }
        return null;
    }
}

/// <summary>CUR-03: T180 (lympho-venous stasis) only for complicated venous insufficiency or lymphoedema.</summary>
public static class LymphoVenousConditions
{
    public const string Rule = "CUR-03";

    public static Reason? Check(CureClinicalData clinical) =>
        clinical.ComplicatedVenousInsufficiency || clinical.Lymphoedema
            ? null
            : Reason.Refusal(CureReasonCodes.ConditionsNotMet, Rule, "clinical", "complicatedVenousInsufficiency | lymphoedema");
}

/// <summary>
/// CUR-04: an obesity cure (T190, T192) needs BMI &gt; 35, or BMI ≥ 30 with at least one of HbA1c &gt; 7 %, resistant
/// hypertension, polysomnography-proven sleep apnoea, android waist (&gt; 88 cm women, &gt; 102 cm men), documented
/// cardiac history.
/// </summary>
public static class ObesityConditions
{
    public const string Rule = "CUR-04";

    public static Reason? Check(CureClinicalData clinical, Sex sex, DateOnly date, ReferenceCatalog catalog)
    {
        if (clinical.Bmi is not { } bmi) return Reason.Refusal(CureReasonCodes.ConditionsNotMet, Rule, "clinical.bmi", "BMI");
        if (bmi > catalog.Parameter("cure.obesity.bmi_alone_above", date)) return null;
        if (bmi >= catalog.Parameter("cure.obesity.bmi_with_criterion_min", date) && CriteriaMet(clinical, sex, date, catalog).Count > 0) return null;
        return Reason.Refusal(CureReasonCodes.ConditionsNotMet, Rule, "clinical.bmi", "BMI " + bmi.ToString("0.0#", CultureInfo.InvariantCulture));
    }

    /// <summary>The associated criteria present (field names), each with its threshold from reference data.</summary>
    public static IReadOnlyList<string> CriteriaMet(CureClinicalData clinical, Sex sex, DateOnly date, ReferenceCatalog catalog)
    {
        var met = new List<string>();
        if (clinical.HbA1cPercent > catalog.Parameter("cure.obesity.hba1c_above_percent", date)) met.Add("hbA1cPercent");
        if (clinical.ResistantHypertension) met.Add("resistantHypertension");
        if (clinical.PolysomnographyProvenApnoea) met.Add("polysomnographyProvenApnoea");
        var waistLimit = catalog.Parameter(sex == Sex.Female ? "cure.obesity.waist_above_cm.female" : "cure.obesity.waist_above_cm.male", date);
        if (clinical.WaistCm > waistLimit) met.Add("waistCm");
        if (clinical.CardiacHistory) met.Add("cardiacHistory");
        return met;
    }
}

/// <summary>CUR-04: at most 2 obesity cures per insured person (cures taken or still open; lapsed authorisations do not count).</summary>
public static class ObesityCureLimit
{
    public const string Rule = "CUR-04";

    public static Reason? Check(CureKindDefinition kind, DateOnly requestDate, IEnumerable<CureHistoryEntry> history, ReferenceCatalog catalog)
    {
        if (kind.MaxCuresPerInsured is not { } max) return null;
        var taken = history.Count(h => catalog.CureKindAnyDate(h.KindCode)?.Family == kind.Family && !h.LapsedOn(requestDate));
        return taken >= max ? Reason.Refusal(CureReasonCodes.LimitReached, Rule, "kindCode", max.ToString(CultureInfo.InvariantCulture)) : null;
    }
}

/// <summary>
/// CUR-04: 14 reinforcement modules are covered within 18 months from the end of an obesity cure. Modules of earlier
/// reinforcement authorisations since that cure count: granted ones while valid, given ones once lapsed.
/// </summary>
public static class ReinforcementModules
{
    public const string Rule = "CUR-04";

    public sealed record Grant(int Modules, DateOnly WindowEnd);

    public static (Reason? Refusal, Grant? Grant) Check(CureKindDefinition kind, DateOnly requestDate, IEnumerable<CureHistoryEntry> history, ReferenceCatalog catalog)
    {
        var entries = history.ToList();
        var windowMonths = catalog.IntParameter("cure.obesity.reinforcement_window_months", requestDate);
        var cure = entries
            .Where(h => catalog.CureKindAnyDate(h.KindCode)?.Family == CureFamily.Obesity && h.End is { } end
                        && end <= requestDate && requestDate <= end.AddMonths(windowMonths))
            .OrderByDescending(h => h.End)
            .FirstOrDefault();
        if (cure is null)
            return (Reason.Refusal(CureReasonCodes.ConditionsNotMet, Rule, "kindCode", $"T190/T192 + {windowMonths}"), null);

        var total = kind.Sessions ?? 0;
        var used = entries
            .Where(h => catalog.CureKindAnyDate(h.KindCode)?.Family == CureFamily.ObesityReinforcement && h.AuthorisedOn >= cure.End!.Value)
            .Sum(h => h.OpenOn(requestDate) ? Math.Max(h.SessionsGranted, h.SessionsDone) : h.SessionsDone);
        var left = total - used;
        if (left <= 0) return (Reason.Refusal(CureReasonCodes.LimitReached, Rule, "kindCode", total.ToString(CultureInfo.InvariantCulture)), null);
        return (null, new Grant(left, cure.End!.Value.AddMonths(windowMonths)));
    }
}

/// <summary>
/// CUR-05: maintenance sessions are covered only after a 24-session cycle (T200, T203 or T206) was granted and done
/// before the maintenance starts, and at most 2 per month: more asked for is reduced to 2.
/// </summary>
public static class MaintenanceSessions
{
    public const string Rule = "CUR-05";

    public static Reason? CompletedCycle(CureRequest request, IEnumerable<CureHistoryEntry> history, ReferenceCatalog catalog)
    {
        var best = 0;
        var required = 0;
        foreach (var h in history)
        {
            var kind = catalog.CureKindAnyDate(h.KindCode);
            if (kind is not { Family: CureFamily.BackNeckShoulder, Sessions: { } cycle }) continue;
            required = Math.Max(required, cycle);
            if (h.SessionsDone >= cycle && h.End is { } end && end <= request.RequestedStart) return null;
            if (h.Own) best = Math.Max(best, h.SessionsDone); // another provider's sessions are not counted aloud
        }
        if (required == 0)
            required = catalog.CureKinds.Where(k => k.Family == CureFamily.BackNeckShoulder).Select(k => k.Sessions ?? 0).DefaultIfEmpty(0).Max();
        return Reason.Refusal(CureReasonCodes.MaintenanceNotAllowed, Rule, "kindCode", $"{best}/{required}");
    }

    public static (int PerMonth, Reason? Reduction) PerMonth(CureRequest request, ReferenceCatalog catalog)
    {
        var max = catalog.IntParameter("cure.maintenance.max_sessions_per_month", request.RequestDate);
        var asked = request.MaintenanceSessionsPerMonth ?? max;
        return asked > max
            ? (max, Reason.Reduction(CureReasonCodes.MaintenanceSessionsReduced, Rule, "maintenanceSessionsPerMonth", max.ToString(CultureInfo.InvariantCulture)))
            : (Math.Max(asked, 1), null);
    }
}

/// <summary>CUR-06: coverage rate of the kind (80 %; Fango T260/T261 70 %); third-party payment for cures in Luxembourg.</summary>
public static class CureCoverage
{
    public const string Rule = "CUR-06";

    public static decimal RatePercent(CureKindDefinition kind) => kind.RatePercent;
}

/// <summary>
/// CUR-07: stay allowance per night in an approved establishment in Mondorf, or per day for residents of Mondorf
/// (who stay at home); for a cure abroad the statutory flat rate per night. It ends with the cure.
/// </summary>
public static class CureStayAllowance
{
    public const string Rule = "CUR-07";
    public const string MondorfNight = "mondorf_night";
    public const string MondorfResidentDay = "mondorf_resident_day";
    public const string AbroadNight = "abroad_night";

    public static StayAllowanceTerms? For(CureKindDefinition kind, CureRequest request, Insured insured, ReferenceCatalog catalog)
    {
        if (!kind.StayAllowance || StationaryObesityCure.StayIncluded(kind)) return null;
        var date = request.RequestDate;
        StayAllowanceRate rate;
        if (request.Abroad) rate = catalog.StayAllowance(AbroadNight, date);
        else
        {
            var resident = catalog.StayAllowance(MondorfResidentDay, date);
            var livesThere = string.Equals(insured.ResidenceCountry, CureAbroad.HomeCountry, StringComparison.OrdinalIgnoreCase)
                             && string.Equals(insured.Municipality?.Trim(), resident.Municipality, StringComparison.OrdinalIgnoreCase);
            rate = livesThere ? resident : catalog.StayAllowance(MondorfNight, date);
        }
        return new StayAllowanceTerms(rate.Code, rate.Unit, rate.Amount);
    }
}

/// <summary>
/// CUR-10: a 24-session back, neck or shoulder cycle (CUR-05) interrupted for a medical reason certified by the treating
/// doctor and accepted by CNS (a reviewer) runs 6 months plus the length of the interruption (both days included);
/// sessions are refused <c>AUTHORISATION_EXPIRED</c> only after that extended end. Only cycles have a window to extend.
/// </summary>
public static class MedicalInterruption
{
    public const string Rule = "CUR-10";

    public static int Days(DateOnly from, DateOnly to) =>
        to < from ? throw new ArgumentException("The interruption ends before it starts.", nameof(to)) : to.DayNumber - from.DayNumber + 1;

    public static bool Applies(CureAuthorisationTerms terms) => terms is { Family: CureFamily.BackNeckShoulder, SessionWindowMonths: not null };

    /// <summary>
    /// LIF-07: the treating doctor's certificate arrived (attachment <paramref name="attachmentId"/>): the first medical
    /// interruption of the cure still waiting for one takes it and may now be accepted. Its sequence, or null when none waits.
    /// </summary>
    public static int? CertificateArrived(CureAuthorisation cure, Guid attachmentId)
    {
        var index = cure.Interruptions.FindIndex(i => i.AwaitsCertificate);
        if (index < 0) return null;
        cure.Interruptions[index] = cure.Interruptions[index] with { CertificateId = attachmentId };
        return cure.Interruptions[index].Sequence;
    }

    /// <summary>True while the cure has a medical interruption that waits for its certificate: the cure then takes that document.</summary>
    public static bool AwaitsCertificate(CureAuthorisation cure) => cure.Interruptions.Any(i => i.AwaitsCertificate);

    /// <summary>
    /// The terms once a reviewer accepted interruptions (every one accepted so far, <paramref name="accepted"/>): the cycle
    /// runs 6 months plus the length of the interruption, so it grows by the days the periods cover, each day once however
    /// many certificates name it.
    /// </summary>
    public static CureAuthorisationTerms Accept(CureAuthorisationTerms terms, IEnumerable<(DateOnly From, DateOnly To)> accepted) =>
        Applies(terms)
            ? terms with { InterruptionDays = DaysCovered(accepted) }
            : throw new InvalidOperationException($"{terms.KindCode} has no cycle window to extend (CUR-10).");

    /// <summary>The days the periods cover together (overlapping or repeated days counted once).</summary>
    public static int DaysCovered(IEnumerable<(DateOnly From, DateOnly To)> periods)
    {
        var days = 0;
        DateOnly? end = null;
        foreach (var (from, to) in periods.OrderBy(p => p.From))
        {
            var start = end is { } e && from <= e ? e.AddDays(1) : from;
            if (to >= start) days += Days(start, to);
            if (end is null || to > end) end = to;
        }
        return days;
    }
}

/// <summary>
/// CUR-09: a cure interrupted without valid reason is not covered (seed 003: "Ma cure interrompue sans motif valable n'est
/// pas prise en charge") — once the centre or a reviewer records the interruption, every session billed later is refused,
/// whatever its date, and every session already paid is recovered (LIF-04). The date recorded is when the insured stopped
/// coming; it is what the refusals name.
/// </summary>
public static class InterruptedCure
{
    public const string Rule = "CUR-09";

    public static CureAuthorisationTerms Record(CureAuthorisationTerms terms, DateOnly from) =>
        terms with { InterruptedOn = terms.InterruptedOn is { } earlier && earlier < from ? earlier : from };

    public static Reason? Check(CureAuthorisationTerms terms) => terms.InterruptedOn is { } interrupted ? Refusal(interrupted) : null;

    private static Reason Refusal(DateOnly interruptedOn) =>
        Reason.Refusal(CureReasonCodes.Interrupted, Rule, "sessionDate", interruptedOn.ToString("yyyy-MM-dd"));

    /// <summary>
    /// What recording the interruption does to a session of the cure already billed, whatever its date: a line CNS holds is
    /// recovered once paid (LIF-04); before a payment run takes it, CNS stops its payment (nothing will be paid for it, and
    /// the line says why); taken by a run still open, it can be neither (the caller retries once the run closed).
    /// </summary>
    /// <param name="line">The billed line.</param>
    /// <param name="runClosed">The payment run that took the line, if any, is closed (it paid the line).</param>
    public static BilledSession Settle(FeeMemoirLine line, bool runClosed)
    {
        if (!PaidLines.Holds(line)) return BilledSession.Untouched;
        if (line.PaymentRunId is not null)
            return !runClosed ? BilledSession.InOpenPaymentRun : line.PaidAmount > 0m ? BilledSession.Recover : BilledSession.Untouched;
        return line.PayableAmount > 0m ? BilledSession.StopPayment : BilledSession.Untouched;
    }

    /// <summary>Stops the payment of a line not taken by a payment run yet: CNS owes nothing for it (<see cref="Settle"/>).</summary>
    public static void StopPayment(FeeMemoirLine line, DateOnly interruptedOn)
    {
        if (Settle(line, runClosed: false) != BilledSession.StopPayment)
            throw new InvalidOperationException($"Line {line.LineNumber} of memoir {line.MemoirId} is not a session whose payment can be stopped.");
        line.PayableAmount = 0m;
        line.Reasons = [.. line.Reasons, Refusal(interruptedOn)];
    }
}

/// <summary>CUR-09: what happens to an already billed session when the cure is interrupted (<see cref="InterruptedCure.Settle"/>).</summary>
public enum BilledSession
{
    /// <summary>Before the interruption, not held by CNS (refused, released), or paid nothing.</summary>
    Untouched,
    /// <summary>Not taken by a payment run yet: its payable amount falls to 0.</summary>
    StopPayment,
    /// <summary>Paid: recovered CURE_INTERRUPTED (LIF-04) and netted by the next run (LIF-05).</summary>
    Recover,
    /// <summary>Taken by a payment run that has not paid yet.</summary>
    InOpenPaymentRun,
}

/// <summary>
/// CUR-11: in a stationary obesity cure (T190) lunch and dinner are taken at the thermal centre (seed 003: "le déjeuner
/// et le dîner sont obligatoirement pris au Centre thermal"), so the cure package includes the stay: no stay or meal
/// allowance is granted beside it (*assumption* on what that implies), and a lodging claim for it is refused (INS-06).
/// </summary>
public static class StationaryObesityCure
{
    public const string Rule = "CUR-11";

    public static bool StayIncluded(CureKindDefinition kind) => kind is { Family: CureFamily.Obesity, Setting: CareSetting.Stationary };

    /// <summary>What the decision says instead of a stay allowance.</summary>
    public static Reason? Notice(CureKindDefinition kind) =>
        StayIncluded(kind) ? Reason.Information(CureReasonCodes.StayIncludedInCurePackage, Rule, "kindCode", kind.Code) : null;
}

/// <summary>
/// CUR-08: a cure abroad (S2) only when the needed care is not available in Luxembourg, requested before the start,
/// in an EU/EEA country, Switzerland, or BA, CV, MA, ME, RS, TN, TR (reference data). A cross-border worker treated
/// in the country of residence is covered by the local fund there (COMPETENT_FUND_ABROAD).
/// </summary>
public static class CureAbroad
{
    public const string Rule = "CUR-08";
    public const string HomeCountry = "LU";

    public static IEnumerable<Reason> Check(CureRequest request, Insured insured, ReferenceCatalog catalog)
    {
        if (CompetentFundAbroad.Check(insured, request.CountryOfCare, Rule) is { } abroad) yield return abroad;
        if (!request.Abroad) yield break;
        if (!catalog.IsS2Country(request.CountryOfCare.ToUpperInvariant(), request.RequestDate))
            yield return Reason.Refusal(CureReasonCodes.CountryNotCovered, Rule, "countryOfCare", request.CountryOfCare.ToUpperInvariant());
        if (!request.CareNotAvailableInLuxembourg)
            yield return Reason.Refusal(CureReasonCodes.ConditionsNotMet, Rule, "careNotAvailableInLuxembourg", "careNotAvailableInLuxembourg");
    }
}
