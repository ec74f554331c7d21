using System.Globalization;
using System.Text;
using CnsExchange.Domain.Billing;
using CnsExchange.Domain.Calendar;
using CnsExchange.Domain.Cures;

namespace CnsExchange.Domain.Reimbursement;

/// <summary>Where the curist slept (INS-06): an establishment, or private lodging, which is never covered.</summary>
public enum LodgingKind
{
    /// <summary>A hotel or another establishment offering hotel services.</summary>
    Establishment,
    Tent,
    Caravan,
    /// <summary>A furnished or unfurnished room at a private person.</summary>
    RoomAtPrivatePerson,
}

/// <summary>Whose night a stay line pays: each person's night is paid once (INS-06/07).</summary>
public enum NightHolder
{
    /// <summary>The curist named by the claim's matricule.</summary>
    Curist,
    /// <summary>The person accompanying a curist under 18 (INS-07), keyed on the curist.</summary>
    AccompanyingPerson,
}

/// <summary>
/// The lodging invoice as the insured copies it (INS-06/07). Every item but the amount may be missing: a missing one is
/// the refusal STAY_INVOICE_INCOMPLETE, not bad input (the invoice is what it is). For a resident of Mondorf the
/// "nights" are the days of cure the receipted invoices cover.
/// </summary>
public sealed record StayInvoice(DateOnly? Date, string? IssuedTo, int? Nights, DateOnly? FirstNight, DateOnly? LastNight, decimal AmountPaid);

/// <summary>One line of a stay claim decided: a night (a day of cure for a Mondorf resident), or the travel costs (INS-07).</summary>
/// <param name="Code">The allowance (stay-allowances.json code) or <see cref="CureAbroadStayClaim.TravelCostsLine"/>.</param>
/// <param name="Holder">Whose night it is; null for a line that is no night (travel costs).</param>
/// <param name="FlatRate">The allowance of the night, from reference data on its date.</param>
/// <param name="IfAgreed">For a pending line: what the fund pays once a reviewer agrees.</param>
public sealed record StayLineDecision(
    DateOnly Date, string Code, NightHolder? Holder, ClaimLineOutcome Outcome, decimal? FlatRate, decimal AmountPaid, decimal Reimbursed, decimal? IfAgreed,
    IReadOnlyList<Reason> Reasons);

/// <summary>A stay claim decided: refusals of the claim as a whole (then no line), or its lines.</summary>
public sealed record StayClaimDecision(IReadOnlyList<Reason> ClaimReasons, IReadOnlyList<StayLineDecision> Lines);

/// <summary>The mandatory items of a lodging invoice, its nights and its amount per night (INS-06, INS-07).</summary>
public static class StayInvoiceItems
{
    /// <summary>Seed 003: "la facture doit être datée et établie à mon nom, et indiquer obligatoirement le nombre de nuitées ainsi que les dates de début et de fin du séjour".</summary>
    public static IReadOnlyList<Reason> Missing(StayInvoice invoice, string rule)
    {
        var missing = new List<Reason>();
        if (invoice.Date is null) missing.Add(Reason.Refusal(ReimbursementReasonCodes.StayInvoiceIncomplete, rule, "invoice.date", "date"));
        if (string.IsNullOrWhiteSpace(invoice.IssuedTo)) missing.Add(Reason.Refusal(ReimbursementReasonCodes.StayInvoiceIncomplete, rule, "invoice.issuedTo", "issuedTo"));
        if (invoice.Nights is null) missing.Add(Reason.Refusal(ReimbursementReasonCodes.StayInvoiceIncomplete, rule, "stay.nights", "nights"));
        if (invoice.FirstNight is null) missing.Add(Reason.Refusal(ReimbursementReasonCodes.StayInvoiceIncomplete, rule, "stay.firstNight", "firstNight"));
        if (invoice.LastNight is null) missing.Add(Reason.Refusal(ReimbursementReasonCodes.StayInvoiceIncomplete, rule, "stay.lastNight", "lastNight"));
        return missing;
    }

    /// <summary>The nights from the first to the last, both included (a night is named by the date it starts).</summary>
    public static IEnumerable<DateOnly> Nights(DateOnly first, DateOnly last)
    {
        for (var d = first; d <= last; d = d.AddDays(1)) yield return d;
    }

    /// <summary>The amount paid spread over the nights in whole cents; the cents left over go to the first nights. The parts add up to the amount.</summary>
    public static IReadOnlyList<decimal> PerNight(decimal amount, int nights)
    {
        if (nights <= 0) throw new ArgumentOutOfRangeException(nameof(nights));
        var cents = (long)decimal.Round(amount * 100m, 0, MidpointRounding.AwayFromZero);
        var each = cents / nights;
        var extra = cents % nights;
        return Enumerable.Range(0, nights).Select(i => (each + (i < extra ? 1 : 0)) / 100m).ToList();
    }

    /// <summary>
    /// "Établie à mon nom": the name on the invoice holds the person's first and last names, in any order, whatever the
    /// case, accents, hyphens or a title beside them.
    /// </summary>
    public static bool InTheNameOf(string issuedTo, string firstName, string lastName)
    {
        var words = Words(issuedTo).ToHashSet(StringComparer.Ordinal);
        var wanted = Words(firstName).Concat(Words(lastName)).ToList();
        return wanted.Count > 0 && wanted.All(words.Contains);
    }

    private static IEnumerable<string> Words(string text)
    {
        var plain = new StringBuilder();
        foreach (var c in text.Normalize(NormalizationForm.FormD))
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category == UnicodeCategory.NonSpacingMark) continue;
            plain.Append(char.IsLetter(c) ? char.ToLowerInvariant(c) : ' ');
        }
        return plain.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>A paid line's outcome from its reasons: any refusal refuses it, any pending reason holds it for a reviewer, a reduction reduces it.</summary>
    public static ClaimLineOutcome OutcomeOf(IReadOnlyCollection<Reason> reasons) =>
        reasons.Any(r => r.Severity == ReasonSeverity.Refusal) ? ClaimLineOutcome.Refused
        : reasons.Any(r => r.Severity == ReasonSeverity.Pending) ? ClaimLineOutcome.Pending
        : reasons.Any(r => r.Severity == ReasonSeverity.Reduction) ? ClaimLineOutcome.Reduced
        : ClaimLineOutcome.Accepted;

    /// <summary>One night decided from its reasons and the amount the fund would pay for it.</summary>
    internal static StayLineDecision Night(DateOnly night, string code, NightHolder holder, decimal rate, decimal paid, decimal amount, List<Reason> reasons, string rule)
    {
        var outcome = OutcomeOf(reasons);
        if (outcome is ClaimLineOutcome.Accepted or ClaimLineOutcome.Reduced)
            reasons.Add(Reason.Information(ReimbursementReasonCodes.Reimbursed, rule, "reimbursedAmount", Dates.Amount(amount)));
        return new StayLineDecision(night, code, holder, outcome, rate, paid, outcome is ClaimLineOutcome.Accepted or ClaimLineOutcome.Reduced ? amount : 0m,
            outcome == ClaimLineOutcome.Pending ? amount : null, reasons);
    }

    /// <summary>INS-06/07: each night of a person is paid once; a night held by another line (paid, or waiting for a reviewer) is refused.</summary>
    internal static Reason? PaidOnce(DateOnly night, IReadOnlySet<DateOnly> held, string rule) =>
        held.Contains(night) ? Reason.Refusal(ReimbursementReasonCodes.NightAlreadyPaid, rule, "stay", Dates.Iso(night)) : null;

    /// <summary>The pending reason when the invoice is not in the expected name (a reviewer reads it).</summary>
    internal static Reason? NameCheck(string issuedTo, string firstName, string lastName, string rule) =>
        InTheNameOf(issuedTo, firstName, lastName) ? null : Reason.Pending(ReimbursementReasonCodes.InvoiceReviewRequired, rule, "invoice.issuedTo", "name");
}

/// <summary>The cure behind a stay claim as CNS knows it when the claim arrives.</summary>
/// <param name="Terms">The terms of the agreed cure authorisation of the claim's voucher for this insured; null when there is none.</param>
/// <param name="FirstCureDay">The first session paid on the cure's voucher (the effective start); null when none is billed yet.</param>
/// <param name="LastCureDay">The last session paid on it.</param>
/// <param name="CureOver">The cure is over (<see cref="CureCourse.ToHistoryEntry"/>): no later session can come.</param>
/// <param name="NightsHeld">Nights of this person already paid, or waiting for a reviewer, on any stay claim.</param>
public sealed record CureStayFacts(
    CureAuthorisationTerms? Terms, DateOnly? FirstCureDay, DateOnly? LastCureDay, bool CureOver, IReadOnlySet<DateOnly> NightsHeld);

/// <summary>The lodging as the claim states it (INS-06).</summary>
/// <param name="EstablishmentCode">The establishment's code in lodging-establishments.json, when known.</param>
public sealed record LodgingFacts(LodgingKind Kind, string? EstablishmentCode);

/// <summary>
/// INS-06: the cure stay allowance (CUR-07) is paid to the insured on the lodging invoice — dated, in the insured's name,
/// with the number of nights and the first and last night — for nights spent in Mondorf in an establishment with the
/// official authorisation to lodge people or approved by CNS, during the cure, each night once; residents of Mondorf get
/// the day allowance for each day of the cure on receipted invoices. The allowance is a flat rate per night (or day) from
/// reference data on its date (CUR-07), whatever the invoice's price.
/// <para>
/// The cure's days are the sessions paid on its voucher (the effective cure, seed 003: "la cure effective"): nights from
/// its first day to its last day are paid, except — the allowance ending with the cure — the night of a last day that
/// is a Friday or the eve of a public holiday (*assumption* on the seed's "en particulier lorsque celle-ci se termine en
/// fin de semaine ou la veille d'un jour férié légal"). While the cure is in progress, nights after its last session so
/// far wait for a reviewer; with no session billed yet, every night does.
/// </para>
/// <para>
/// An establishment is known by its code in reference data (lodging-establishments.json, *assumption*: illustrative
/// rows): listed in Mondorf, it is approved; listed elsewhere, refused; not listed, a reviewer reads the invoice
/// (pending). Private lodging (tent, caravan, room at a private person) is refused.
/// </para>
/// </summary>
public static class CureStayAllowanceClaim
{
    public const string Rule = "INS-06";

    public static StayClaimDecision Decide(StayInvoice invoice, LodgingFacts lodging, CureStayFacts cure, Insured insured, string? voucherNumber, ReferenceCatalog catalog)
    {
        var claim = new List<Reason>(StayInvoiceItems.Missing(invoice, Rule));
        if (cure.Terms is null) claim.Add(Reason.Refusal(BillingReasonCodes.VoucherUnknown, Rule, "voucherNumber", voucherNumber));
        else if (AllowanceGranted(cure.Terms, catalog) is { } notGranted) claim.Add(notGranted);
        if (claim.Count > 0) return new StayClaimDecision(claim, []);

        var allowance = cure.Terms!.StayAllowance!;
        var perDay = IsPerDay(allowance);
        var first = invoice.FirstNight!.Value;
        var nights = StayInvoiceItems.Nights(first, invoice.LastNight!.Value).ToList();
        var paid = StayInvoiceItems.PerNight(invoice.AmountPaid, nights.Count);
        var shared = new List<Reason>();
        if (StayInvoiceItems.NameCheck(invoice.IssuedTo!, insured.FirstName, insured.LastName, Rule) is { } name) shared.Add(name);
        if (!perDay && LodgingCheck(lodging, first, catalog) is { } lodged) shared.Add(lodged);

        var lines = new List<StayLineDecision>();
        for (var i = 0; i < nights.Count; i++)
        {
            var night = nights[i];
            var reasons = new List<Reason>(shared);
            if (NightCheck(night, perDay, cure) is { } outside) reasons.Add(outside);
            if (StayInvoiceItems.PaidOnce(night, cure.NightsHeld, Rule) is { } twice) reasons.Add(twice);
            var rate = catalog.StayAllowance(allowance.Code, night).Amount;
            lines.Add(StayInvoiceItems.Night(night, allowance.Code, NightHolder.Curist, rate, paid[i], rate, reasons, Rule));
        }
        return new StayClaimDecision([], lines);
    }

    /// <summary>The allowance of a Mondorf resident is per day of cure (CUR-07), the others per night.</summary>
    public static bool IsPerDay(StayAllowanceTerms allowance) => allowance.Code == CureStayAllowance.MondorfResidentDay;

    /// <summary>
    /// The cure must grant a Mondorf stay allowance: a cure abroad is claimed as <c>s2_stay</c> (INS-07); a stationary
    /// obesity cure includes the stay (CUR-11); kinds without an allowance (reinforcement modules, maintenance) grant none.
    /// </summary>
    public static Reason? AllowanceGranted(CureAuthorisationTerms terms, ReferenceCatalog catalog)
    {
        if (terms.S2) return Reason.Refusal(ReimbursementReasonCodes.StayAllowanceNotGranted, Rule, "kind", "s2_stay");
        if (terms.StayAllowance is not null) return null;
        if (catalog.CureKindAnyDate(terms.KindCode) is { } kind && StationaryObesityCure.StayIncluded(kind))
            return Reason.Refusal(CureReasonCodes.StayIncludedInCurePackage, StationaryObesityCure.Rule, "voucherNumber", terms.KindCode);
        return Reason.Refusal(ReimbursementReasonCodes.StayAllowanceNotGranted, Rule, "voucherNumber", terms.KindCode);
    }

    /// <summary>Private lodging is never covered; an establishment listed outside Mondorf is refused; one not listed waits for a reviewer.</summary>
    public static Reason? LodgingCheck(LodgingFacts lodging, DateOnly firstNight, ReferenceCatalog catalog)
    {
        if (lodging.Kind != LodgingKind.Establishment)
            return Reason.Refusal(ReimbursementReasonCodes.LodgingNotApproved, Rule, "lodging.kind", Snake(lodging.Kind));
        if (lodging.EstablishmentCode is { } code && catalog.LodgingEstablishment(code.Trim(), firstNight) is { } known)
        {
            var mondorf = catalog.StayAllowance(CureStayAllowance.MondorfResidentDay, firstNight).Municipality;
            return string.Equals(known.Municipality, mondorf, StringComparison.OrdinalIgnoreCase)
                ? null
                : Reason.Refusal(ReimbursementReasonCodes.LodgingNotApproved, Rule, "lodging.establishmentCode", known.Municipality);
        }
        return Reason.Pending(ReimbursementReasonCodes.InvoiceReviewRequired, Rule, "lodging", "establishment");
    }

    /// <summary>The last night the allowance pays for a cure whose last day is <paramref name="lastCureDay"/> (per day: that day).</summary>
    public static DateOnly LastPaid(DateOnly lastCureDay, bool perDay) =>
        perDay || (lastCureDay.DayOfWeek != DayOfWeek.Friday && !LuxembourgCalendar.IsHoliday(lastCureDay.AddDays(1)))
            ? lastCureDay
            : lastCureDay.AddDays(-1);

    /// <summary>A night outside the cure is refused; after the last session of a cure still in progress, or with no session yet, a reviewer looks.</summary>
    public static Reason? NightCheck(DateOnly night, bool perDay, CureStayFacts cure)
    {
        if (cure.Terms?.InterruptedOn is { } stop)
            return Reason.Refusal(CureReasonCodes.Interrupted, InterruptedCure.Rule, "stay", Dates.Iso(stop)); // CUR-09: the cure is not covered
        if (cure.FirstCureDay is not { } first || cure.LastCureDay is not { } last)
            return Reason.Pending(ReimbursementReasonCodes.InvoiceReviewRequired, Rule, "stay", "cure dates");
        var window = $"{Dates.Iso(first)} – {Dates.Iso(last)}";
        if (night < first) return Reason.Refusal(ReimbursementReasonCodes.NightOutsideCure, Rule, "stay", window);
        if (night <= LastPaid(last, perDay)) return null;
        // A cure in progress may go on after its last session so far: a reviewer checks those nights against the cure.
        return cure.CureOver
            ? Reason.Refusal(ReimbursementReasonCodes.NightOutsideCure, Rule, "stay", window)
            : Reason.Pending(ReimbursementReasonCodes.InvoiceReviewRequired, Rule, "stay", "cure dates");
    }

    internal static string Snake(LodgingKind kind) => kind switch
    {
        LodgingKind.Establishment => "establishment",
        LodgingKind.Tent => "tent",
        LodgingKind.Caravan => "caravan",
        _ => "room_at_private_person",
    };
}

/// <summary>The person accompanying a curist (INS-07).</summary>
/// <param name="Name">The accompanying person's name (the invoice must be in it).</param>
/// <param name="ExpressRequest">The insured asked expressly for the accompanying person's stay costs.</param>
public sealed record AccompanyingFacts(string Name, bool ExpressRequest);

/// <summary>The S2 cure behind a stay claim abroad.</summary>
/// <param name="Terms">The terms of the agreed cure authorisation of the claim's voucher for this insured; null when there is none.</param>
/// <param name="NightsHeld">Nights of this person already paid, or waiting for a reviewer, on any stay claim.</param>
public sealed record S2StayFacts(CureAuthorisationTerms? Terms, IReadOnlySet<DateOnly> NightsHeld);

/// <summary>
/// INS-07: for a cure abroad (S2), the stay costs (e.g. a flat rented) on an invoice in the insured's name, dated, are
/// reimbursed up to the statutory flat rate per night (*assumption*: 61.39 EUR, stay-allowances.json <c>abroad_night</c>);
/// above it, the night is reduced AMOUNT_ABOVE_FLAT_RATE. A person accompanying a curist under 18 gets the same, on
/// express request, for a cure CNS agreed (the S2 authorisation); the invoice is then in the accompanying person's
/// name. Travel costs are never reimbursed. Nights count from the authorisation's issue date; the cure must start
/// within its validity (CUR-01), and nights from a recorded interruption on are not covered (CUR-09).
/// </summary>
public static class CureAbroadStayClaim
{
    public const string Rule = "INS-07";
    /// <summary>The code of the line that carries travel costs stated on the claim.</summary>
    public const string TravelCostsLine = "travel_costs";

    public static StayClaimDecision Decide(StayInvoice invoice, decimal? travelCosts, AccompanyingFacts? accompanying, S2StayFacts cure, Insured curist,
        string? voucherNumber, ReferenceCatalog catalog)
    {
        var claim = new List<Reason>(StayInvoiceItems.Missing(invoice, Rule));
        if (cure.Terms is null) claim.Add(Reason.Refusal(BillingReasonCodes.VoucherUnknown, Rule, "voucherNumber", voucherNumber));
        else if (AllowanceGranted(cure.Terms) is { } notGranted) claim.Add(notGranted);
        if (accompanying is not null && invoice.FirstNight is { } start) claim.AddRange(AccompanyingCheck(accompanying, curist, start, catalog));
        if (claim.Count > 0) return new StayClaimDecision(claim, []);

        var terms = cure.Terms!;
        var holder = accompanying is null ? NightHolder.Curist : NightHolder.AccompanyingPerson;
        var first = invoice.FirstNight!.Value;
        var nights = StayInvoiceItems.Nights(first, invoice.LastNight!.Value).ToList();
        var paid = StayInvoiceItems.PerNight(invoice.AmountPaid, nights.Count);
        var shared = new List<Reason>();
        var name = accompanying is null
            ? StayInvoiceItems.NameCheck(invoice.IssuedTo!, curist.FirstName, curist.LastName, Rule)
            : StayInvoiceItems.InTheNameOf(invoice.IssuedTo!, accompanying.Name, "") ? null
            : Reason.Pending(ReimbursementReasonCodes.InvoiceReviewRequired, Rule, "invoice.issuedTo", "name");
        if (name is not null) shared.Add(name);

        var lines = new List<StayLineDecision>();
        for (var i = 0; i < nights.Count; i++)
        {
            var night = nights[i];
            var reasons = new List<Reason>(shared);
            if (NightCheck(night, first, terms) is { } outside) reasons.Add(outside);
            if (StayInvoiceItems.PaidOnce(night, cure.NightsHeld, Rule) is { } twice) reasons.Add(twice);
            var rate = catalog.StayAllowance(CureStayAllowance.AbroadNight, night).Amount;
            var amount = Math.Min(paid[i], rate);
            if (paid[i] > rate) reasons.Add(Reason.Reduction(ReimbursementReasonCodes.AmountAboveFlatRate, Rule, "stay.amountPaid", Dates.Amount(rate)));
            lines.Add(StayInvoiceItems.Night(night, CureStayAllowance.AbroadNight, holder, rate, paid[i], amount, reasons, Rule));
        }
        if (travelCosts is > 0m) lines.Add(TravelCosts(invoice.Date ?? first, travelCosts.Value));
        return new StayClaimDecision([], lines);
    }

    /// <summary>Travel costs are never reimbursed (seed 003: "les frais de voyage restent à ma charge").</summary>
    public static StayLineDecision TravelCosts(DateOnly date, decimal amount) =>
        new(date, TravelCostsLine, null, ClaimLineOutcome.Refused, null, amount, 0m, null,
            [Reason.Refusal(ReimbursementReasonCodes.TravelCostsNotCovered, Rule, "travelCosts", Dates.Amount(amount))]);

    /// <summary>The authorisation must be an S2 cure abroad with a stay allowance; a cure in Luxembourg is claimed as <c>cure_stay</c> (INS-06).</summary>
    public static Reason? AllowanceGranted(CureAuthorisationTerms terms) =>
        !terms.S2 ? Reason.Refusal(ReimbursementReasonCodes.StayAllowanceNotGranted, Rule, "kind", "cure_stay")
        : terms.StayAllowance is null ? Reason.Refusal(ReimbursementReasonCodes.StayAllowanceNotGranted, Rule, "voucherNumber", terms.KindCode)
        : null;

    /// <summary>The accompanying person is covered for a curist under 18 on the first night, on express request.</summary>
    public static IEnumerable<Reason> AccompanyingCheck(AccompanyingFacts accompanying, Insured curist, DateOnly firstNight, ReferenceCatalog catalog)
    {
        var under = catalog.IntParameter("insured_route.accompanying.curist_under_age", firstNight);
        if (curist.AgeOn(firstNight) >= under)
            yield return Reason.Refusal(ReimbursementReasonCodes.AccompanyingPersonNotCovered, Rule, "matricule", under.ToString(CultureInfo.InvariantCulture));
        if (!accompanying.ExpressRequest)
            yield return Reason.Refusal(ReimbursementReasonCodes.AccompanyingPersonNotCovered, Rule, "accompanyingPerson.expressRequest", "expressRequest");
    }

    /// <summary>Nights before the authorisation, a cure started after its validity (CUR-01), or any night of a cure interrupted without valid reason (CUR-09) are not covered.</summary>
    public static Reason? NightCheck(DateOnly night, DateOnly firstNight, CureAuthorisationTerms terms)
    {
        if (terms.InterruptedOn is { } stop) return Reason.Refusal(CureReasonCodes.Interrupted, InterruptedCure.Rule, "stay", Dates.Iso(stop));
        if (night < terms.IssuedOn || firstNight > terms.ValidUntil)
            return Reason.Refusal(ReimbursementReasonCodes.NightOutsideCure, Rule, "stay", $"{Dates.Iso(terms.IssuedOn)} – {Dates.Iso(terms.ValidUntil)}");
        return null;
    }
}
