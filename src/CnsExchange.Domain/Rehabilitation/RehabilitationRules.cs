using System.Globalization;
using CnsExchange.Domain.Calendar;

namespace CnsExchange.Domain.Rehabilitation;

/// <summary>REH-01: the CNRFR needs no authorisation, only an affiliation in order on the admission date.</summary>
public static class CnrfrAdmission
{
    public const string Rule = "REH-01";

    public static RehabDecision Decide(Insured insured, DateOnly requestDate, DateOnly admission)
    {
        if (AffiliationRule.Check(insured, Rule, requestDate, admission) is { } refusal)
            return new RehabDecision(RehabOutcome.Refused, [refusal], null);
        return new RehabDecision(RehabOutcome.NotRequired, [Reason.Information(RehabReasonCodes.NoAuthorisationNeeded, Rule)], null);
    }
}

/// <summary>
/// REH-05: the CNRFR bills like a hospital (seed 003: "la prise en charge des frais se déroule comme pour une
/// hospitalisation"; "le CNRFR étant un établissement hospitalier, les frais [...] sont directement facturés à la CNS"):
/// it records its stays through the hospital-stay path (HOS-01…HOS-08 apply) and doctors bill their fees for those stays.
/// </summary>
public static class CnrfrBilling
{
    public const string Rule = "REH-05";

    /// <summary>Who may send a hospital stay for direct billing: hospitals, and the CNRFR.</summary>
    public static bool RecordsStays(ProviderKind kind) => kind is ProviderKind.Hospital or ProviderKind.Cnrfr;
}

/// <summary>
/// What an authorisation asked ahead of a rehabilitation (REH-02, REH-04, cardiac) checks first: the insured person is
/// affiliated on the request date and the start, and the request reaches CNS before the start.
/// </summary>
internal static class RehabRequestChecks
{
    public static List<Reason> AffiliatedAndAskedBeforeStart(Insured insured, DateOnly requestDate, DateOnly start, string rule)
    {
        var reasons = new List<Reason>();
        if (AffiliationRule.Check(insured, rule, requestDate, start) is { } affiliation) reasons.Add(affiliation);
        if (RequestBeforeStart.Check(requestDate, start, rule) is { } late) reasons.Add(late);
        return reasons;
    }
}

/// <summary>
/// REH-02: geriatric ambulatory rehabilitation follows a stationary hospital stay of at least 7 days (admission and
/// discharge days included) that ended in the 12 months before the start ("au cours de l'année précédente"); it
/// lasts at most 2 months, cannot be extended, and the request must reach CNS before the start. The stay is one this
/// system recorded, or one the requester declares with evidence: then a reviewer checks the evidence (pending).
/// </summary>
public static class GeriatricAmbulatoryRehab
{
    public const string Rule = "REH-02";

    public static RehabDecision Decide(Insured insured, GeriatricAmbulatoryRequest request, ReferenceCatalog catalog)
    {
        if (request.End < request.Start) throw new ArgumentException("The end is before the start.", nameof(request));
        var date = request.RequestDate;
        var reasons = RehabRequestChecks.AffiliatedAndAskedBeforeStart(insured, date, request.Start, Rule);
        var stay = QualifyingStay(request.Start, request.PreviousStays, date, catalog);
        if (stay is null)
            reasons.Add(Reason.Refusal(RehabReasonCodes.ConditionsNotMet, Rule, "previousStays",
                catalog.IntParameter("rehab.geriatric.ambulatory.min_previous_stay_days", date).ToString(CultureInfo.InvariantCulture)));
        else if (stay.Declared)
            reasons.Add(Reason.Pending(RehabReasonCodes.DeclaredStayToVerify, Rule, "declaredStays", $"{stay.Admission:yyyy-MM-dd}/{stay.Discharge:yyyy-MM-dd}"));
        var maxEnd = MaxEnd(request.Start, catalog, date);
        if (request.End > maxEnd)
            reasons.Add(Reason.Refusal(RehabReasonCodes.DaysExceeded, Rule, "end", maxEnd.ToString("yyyy-MM-dd")));
        return RehabDecision.From(reasons, () => new RehabAuthorisationTerms(request.Start, request.End,
            catalog.Parameter("rehab.rate", date), true, 0, 0));
    }

    /// <summary>Last day of the longest period: start + 2 months − 1 day (1 Dec → 31 Jan).</summary>
    public static DateOnly MaxEnd(DateOnly start, ReferenceCatalog catalog, DateOnly date) =>
        start.AddMonths(catalog.IntParameter("rehab.geriatric.ambulatory.max_months", date)).AddDays(-1);

    /// <summary>
    /// The stay that qualifies: ≥ 7 days, discharged within the 12 months before the start (and not after it); a stay
    /// known to the system before a declared one (which a person must check: pending <c>DECLARED_STAY_TO_VERIFY</c>).
    /// </summary>
    public static HospitalStayFact? QualifyingStay(DateOnly start, IEnumerable<HospitalStayFact> stays, DateOnly date, ReferenceCatalog catalog)
    {
        var minDays = catalog.IntParameter("rehab.geriatric.ambulatory.min_previous_stay_days", date);
        var from = start.AddMonths(-catalog.IntParameter("rehab.geriatric.ambulatory.previous_stay_lookback_months", date));
        return stays.Where(s => s.Days >= minDays && s.Discharge >= from && s.Discharge <= start)
            .OrderBy(s => s.Declared).ThenByDescending(s => s.Discharge).FirstOrDefault();
    }

    /// <summary>REH-02: no extension of a geriatric ambulatory rehabilitation.</summary>
    public static RehabDecision DecideExtension() =>
        new(RehabOutcome.Refused, [Reason.Refusal(RehabReasonCodes.ExtensionLimitReached, Rule, "days", "0")], null);
}

/// <summary>
/// REH-03: geriatric stationary rehabilitation — the request may come after the admission but must reach CNS at the
/// latest 3 working days after it (Luxembourg working days: the admission day is not counted, weekends and public
/// holidays are skipped); 90 days, plus at most two extensions of at most 30 days each, asked in advance (on or
/// before the last authorised day).
/// </summary>
public static class GeriatricStationaryRehab
{
    public const string Rule = "REH-03";

    public static DateOnly RequestDeadline(DateOnly admission, ReferenceCatalog catalog) =>
        LuxembourgCalendar.AddWorkingDays(admission, catalog.IntParameter("rehab.geriatric.stationary.request_within_working_days", admission));

    public static RehabDecision Decide(Insured insured, GeriatricStationaryRequest request, ReferenceCatalog catalog)
    {
        if (request.Days is < 1) throw new ArgumentException("Days must be positive.", nameof(request));
        var date = request.RequestDate;
        var reasons = new List<Reason>();
        if (AffiliationRule.Check(insured, Rule, date, request.Admission) is { } affiliation) reasons.Add(affiliation);
        var deadline = RequestDeadline(request.Admission, catalog);
        if (date > deadline) reasons.Add(Reason.Refusal(RehabReasonCodes.RequestTooLate, Rule, "requestDate", deadline.ToString("yyyy-MM-dd")));
        var max = catalog.IntParameter("rehab.geriatric.stationary.days", date);
        var days = request.Days ?? max;
        if (days > max) reasons.Add(Reason.Refusal(RehabReasonCodes.DaysExceeded, Rule, "days", max.ToString(CultureInfo.InvariantCulture)));
        return RehabDecision.From(reasons, () => new RehabAuthorisationTerms(request.Admission, request.Admission.AddDays(days - 1),
            catalog.Parameter("rehab.rate", date), true, 0, catalog.IntParameter("rehab.geriatric.stationary.max_extensions", date)));
    }

    public static RehabDecision DecideExtension(GeriatricAuthorisationState current, RehabExtensionRequest request, ReferenceCatalog catalog)
    {
        if (request.Days < 1) throw new ArgumentException("Days must be positive.", nameof(request));
        var date = request.RequestDate;
        var maxExtensions = catalog.IntParameter("rehab.geriatric.stationary.max_extensions", date);
        var maxDays = catalog.IntParameter("rehab.geriatric.stationary.extension_max_days", date);
        var reasons = new List<Reason>();
        if (current.ExtensionsGranted >= maxExtensions)
            reasons.Add(Reason.Refusal(RehabReasonCodes.ExtensionLimitReached, Rule, "extensions", maxExtensions.ToString(CultureInfo.InvariantCulture)));
        if (request.Days > maxDays)
            reasons.Add(Reason.Refusal(RehabReasonCodes.ExtensionLimitReached, Rule, "days", maxDays.ToString(CultureInfo.InvariantCulture)));
        if (date > current.To)
            reasons.Add(Reason.Refusal(RehabReasonCodes.ExtensionLimitReached, Rule, "requestDate", current.To.ToString("yyyy-MM-dd")));
        return RehabDecision.From(reasons, () => new RehabAuthorisationTerms(current.From, current.To.AddDays(request.Days),
            catalog.Parameter("rehab.rate", date), true, current.ExtensionsGranted + 1, maxExtensions - current.ExtensionsGranted - 1));
    }
}

/// <summary>
/// REH-04: Colpach physical (SNRP) and post-oncology (SNRPO) rehabilitation — at least 5 days; at most 30 days per
/// calendar year and health event stationary, or 10 days per case and year ambulatory, counting earlier Colpach
/// authorisations of the same service and setting in each calendar year the request touches, unless the doctor marks
/// a different pathology; post-oncology start within 3 months after the end of the acute therapy; stable clinical
/// state and attested functional limitations; authorised before the start.
/// </summary>
public static class ColpachRehab
{
    public const string Rule = "REH-04";

    public static RehabDecision Decide(Insured insured, ColpachRequest request, IReadOnlyList<ColpachHistoryEntry> history, ReferenceCatalog catalog)
    {
        if (request.Service is not (RehabService.Snrp or RehabService.Snrpo)) throw new ArgumentException("Colpach is SNRP or SNRPO.", nameof(request));
        if (request.Days < 1) throw new ArgumentException("Days must be positive.", nameof(request));
        var date = request.RequestDate;
        var reasons = RehabRequestChecks.AffiliatedAndAskedBeforeStart(insured, date, request.Start, Rule);

        var minDays = catalog.IntParameter("rehab.colpach.min_days", date);
        if (request.Days < minDays)
            reasons.Add(Reason.Refusal(RehabReasonCodes.ConditionsNotMet, Rule, "days", minDays.ToString(CultureInfo.InvariantCulture)));
        if (!request.StableClinicalState)
            reasons.Add(Reason.Refusal(RehabReasonCodes.ConditionsNotMet, Rule, "stableClinicalState", "stableClinicalState"));
        if (!request.FunctionalLimitationsAttested)
            reasons.Add(Reason.Refusal(RehabReasonCodes.ConditionsNotMet, Rule, "functionalLimitationsAttested", "functionalLimitationsAttested"));
        if (request.Service == RehabService.Snrpo && PostOncologyStart(request, catalog) is { } oncology) reasons.Add(oncology);
        if (request.Setting == CareSetting.Ambulatory)
        {
            reasons.AddRange(ColpachAmbulatoryProgramme.Check(request, history, catalog));
            return RehabDecision.From(reasons, () => new RehabAuthorisationTerms(request.Start, ColpachAmbulatoryProgramme.LastDay(request, catalog),
                catalog.Parameter("rehab.rate", date), true, 0, 0, request.Days));
        }
        reasons.AddRange(YearlyCeiling(request, history, catalog));

        return RehabDecision.From(reasons, () => new RehabAuthorisationTerms(request.Start, request.End, catalog.Parameter("rehab.rate", date), true, 0, 0));
    }

    /// <summary>SNRPO: start on or after the end of the acute therapy and at most 3 months after it (end + 3 months still accepted).</summary>
    public static Reason? PostOncologyStart(ColpachRequest request, ReferenceCatalog catalog)
    {
        if (request.AcuteTherapyEnd is not { } end)
            return Reason.Refusal(RehabReasonCodes.ConditionsNotMet, Rule, "acuteTherapyEnd", "acuteTherapyEnd");
        var latest = end.AddMonths(catalog.IntParameter("rehab.colpach.post_oncology.max_months_after_therapy", request.RequestDate));
        return request.Start < end || request.Start > latest
            ? Reason.Refusal(RehabReasonCodes.ConditionsNotMet, Rule, "start", latest.ToString("yyyy-MM-dd"))
            : null;
    }

    /// <summary>
    /// The ceiling of the request's setting against the history (stationary: <see cref="YearlyCeiling"/>; ambulatory: the
    /// treatment days of <see cref="ColpachAmbulatoryProgramme"/>): what an agreement given after receipt checks again.
    /// </summary>
    public static IEnumerable<Reason> Ceiling(ColpachRequest request, IEnumerable<ColpachHistoryEntry> history, ReferenceCatalog catalog) =>
        request.Setting == CareSetting.Ambulatory
            ? ColpachAmbulatoryProgramme.Check(request, history, catalog).Where(r => r.Code == RehabReasonCodes.DaysExceeded)
            : YearlyCeiling(request, history, catalog);

    /// <summary>Days already authorised plus asked in each calendar year must stay within the yearly ceiling of the setting.</summary>
    public static IEnumerable<Reason> YearlyCeiling(ColpachRequest request, IEnumerable<ColpachHistoryEntry> history, ReferenceCatalog catalog)
    {
        var cap = catalog.IntParameter(request.Setting == CareSetting.Stationary
            ? "rehab.colpach.stationary.max_days_per_year" : "rehab.colpach.ambulatory.max_days_per_year", request.RequestDate);
        var earlier = request.DifferentPathology
            ? []
            : history.Where(h => h.Service == request.Service && h.Setting == request.Setting).ToList();
        for (var year = request.Start.Year; year <= request.End.Year; year++)
        {
            var asked = DaysInYear(request.Start, request.End, year);
            var used = earlier.Sum(h => DaysInYear(h.From, h.To, year));
            if (used + asked <= cap) continue;
            // Days another provider had authorised are not counted aloud: only the fact and the yearly ceiling (RULES.md §2).
            var othersUsed = earlier.Any(h => !h.Own && DaysInYear(h.From, h.To, year) > 0);
            yield return Reason.Refusal(RehabReasonCodes.DaysExceeded, Rule, "days", othersUsed ? $"{year}: > {cap}" : $"{year}: {used} + {asked} > {cap}");
        }
    }

    public static int DaysInYear(DateOnly from, DateOnly to, int year)
    {
        var start = from.Year < year ? new DateOnly(year, 1, 1) : from;
        var end = to.Year > year ? new DateOnly(year, 12, 31) : to;
        return end < start ? 0 : end.DayNumber - start.DayNumber + 1;
    }
}

/// <summary>
/// REH-06: Colpach ambulatory — the yearly limit (10 days per case and year, REH-04) counts treatment days, which need
/// not be consecutive: the programme spreads them over a period of at most 12 weeks from the first day (*assumption*,
/// rehab.colpach.ambulatory.programme_weeks). The period ends on <c>end</c> when given, else on the last day of those
/// weeks; a case counts in the calendar year of its first day (*assumption*: "10 jours par cas et par an").
/// </summary>
public static class ColpachAmbulatoryProgramme
{
    public const string Rule = "REH-06";

    public static DateOnly LatestLastDay(DateOnly start, ReferenceCatalog catalog, DateOnly date) =>
        start.AddDays(7 * catalog.IntParameter("rehab.colpach.ambulatory.programme_weeks", date) - 1);

    public static DateOnly LastDay(ColpachRequest request, ReferenceCatalog catalog) =>
        request.ProgrammeEnd ?? LatestLastDay(request.Start, catalog, request.RequestDate);

    public static IEnumerable<Reason> Check(ColpachRequest request, IEnumerable<ColpachHistoryEntry> history, ReferenceCatalog catalog)
    {
        var latest = LatestLastDay(request.Start, catalog, request.RequestDate);
        var last = LastDay(request, catalog);
        if (last > latest)
            yield return Reason.Refusal(RehabReasonCodes.DaysExceeded, Rule, "end", latest.ToString("yyyy-MM-dd"));
        else if (last < request.Start || last.DayNumber - request.Start.DayNumber + 1 < request.Days)
            yield return Reason.Refusal(RehabReasonCodes.DaysExceeded, Rule, "days", (last.DayNumber - request.Start.DayNumber + 1).ToString(CultureInfo.InvariantCulture));

        var cap = catalog.IntParameter("rehab.colpach.ambulatory.max_days_per_year", request.RequestDate);
        var year = request.Start.Year;
        var used = request.DifferentPathology
            ? 0
            : history.Where(h => h.Service == request.Service && h.Setting == CareSetting.Ambulatory && h.From.Year == year)
                .Sum(h => TreatmentDays(h));
        if (used + request.Days <= cap) yield break;
        var othersUsed = !request.DifferentPathology && history.Any(h => !h.Own && h.Service == request.Service && h.Setting == CareSetting.Ambulatory && h.From.Year == year);
        yield return Reason.Refusal(RehabReasonCodes.DaysExceeded, Rule, "days", othersUsed ? $"{year}: > {cap}" : $"{year}: {used} + {request.Days} > {cap}");
    }

    /// <summary>The treatment days of an earlier case: as granted, or every day of its period (authorised before REH-06).</summary>
    public static int TreatmentDays(ColpachHistoryEntry entry) => entry.TreatmentDays ?? entry.To.DayNumber - entry.From.DayNumber + 1;
}

/// <summary>
/// REH-07: cardiac rehabilitation (named in seed 003 without conditions) needs a prior authorisation like geriatric
/// ambulatory rehabilitation (*assumption*): it follows a cardiac event or cardiac surgery in the 3 months before the
/// start, lasts at most 3 months, and is asked for before the start.
/// </summary>
public static class CardiacRehab
{
    public const string Rule = "REH-07";

    public static DateOnly MaxEnd(DateOnly start, ReferenceCatalog catalog, DateOnly date) =>
        start.AddMonths(catalog.IntParameter("rehab.cardiac.max_months", date)).AddDays(-1);

    public static RehabDecision Decide(Insured insured, CardiacRehabRequest request, ReferenceCatalog catalog)
    {
        if (request.End < request.Start) throw new ArgumentException("The end is before the start.", nameof(request));
        var date = request.RequestDate;
        var reasons = RehabRequestChecks.AffiliatedAndAskedBeforeStart(insured, date, request.Start, Rule);
        var earliestEvent = request.Start.AddMonths(-catalog.IntParameter("rehab.cardiac.event_lookback_months", date));
        if (request.CardiacEventDate is not { } cardiacEvent || cardiacEvent > request.Start || cardiacEvent < earliestEvent)
            reasons.Add(Reason.Refusal(RehabReasonCodes.ConditionsNotMet, Rule, "cardiacEventDate", earliestEvent.ToString("yyyy-MM-dd")));
        var maxEnd = MaxEnd(request.Start, catalog, date);
        if (request.End > maxEnd)
            reasons.Add(Reason.Refusal(RehabReasonCodes.DaysExceeded, Rule, "end", maxEnd.ToString("yyyy-MM-dd")));
        return RehabDecision.From(reasons, () => new RehabAuthorisationTerms(request.Start, request.End, catalog.Parameter("rehab.rate", date), true, 0, 0));
    }
}

/// <summary>A rehabilitation authorisation as billing sees it: the authorised period (extensions included) and the rule that set it.</summary>
public sealed record AuthorisedRehabilitation(DateOnly From, DateOnly To, string Rule)
{
    /// <summary>The rule of a rehabilitation service and setting: REH-02 geriatric ambulatory, REH-03 geriatric stationary, REH-04 Colpach.</summary>
    public static string RuleOf(RehabService service, CareSetting setting) => service switch
    {
        RehabService.Cnrfr => CnrfrAdmission.Rule,
        RehabService.Cardiac => CardiacRehab.Rule,
        RehabService.Snrp or RehabService.Snrpo when setting == CareSetting.Ambulatory => ColpachAmbulatoryProgramme.Rule,
        RehabService.Geriatric => setting == CareSetting.Ambulatory ? GeriatricAmbulatoryRehab.Rule : GeriatricStationaryRehab.Rule,
        _ => ColpachRehab.Rule,
    };
}

/// <summary>
/// Rehabilitation days billed by the centre under the voucher of an authorisation (REH-02…REH-04): one day per
/// authorised day between the first and the last authorised day, extensions included. Each day is paid once (BIL-08)
/// and never more days than authorised (BIL-06).
/// </summary>
public static class RehabilitationDays
{
    public static Reason? Check(AuthorisedRehabilitation authorised, DateOnly day) =>
        day < authorised.From || day > authorised.To
            ? Reason.Refusal(RehabReasonCodes.DayNotAuthorised, authorised.Rule, "sessionDate", $"{authorised.From:yyyy-MM-dd} – {authorised.To:yyyy-MM-dd}")
            : null;
}
