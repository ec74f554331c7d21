using System.Globalization;

namespace CnsExchange.Domain.Hospital;

internal static class Format
{
    public static string Amount(decimal value) => value.ToString("0.00", CultureInfo.InvariantCulture);
    public static string Number(decimal value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}

/// <summary>HOS-01: the standard-room stay and hospital services are paid 100 % to the hospital, per started day.</summary>
public static class StayServices
{
    public const string Rule = "HOS-01";

    public static string TariffItem(HospitalStayKind kind) => kind switch
    {
        HospitalStayKind.Stationary => "stationary_day",
        HospitalStayKind.DayHospital => "day_hospital_day",
        HospitalStayKind.SurveillancePlace => "surveillance_place_day",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>Sum of the day tariff in force on each day of the stay.</summary>
    public static decimal Tariff(string item, DateOnly admission, DateOnly discharge, ReferenceCatalog catalog) =>
        Money.Round(StayDays.Dates(admission, discharge).Sum(d => catalog.HospitalTariffOn(item, d)));
}

/// <summary>
/// HOS-02: 25.50 € per started day of a stationary stay, at most 30 days per calendar year across all the insured
/// person's stays; none when the insured person is under 18 on the admission date; none for the first 12 days of a
/// childbirth stay (counted from admission, whatever the year). Days of a stay crossing New Year count in their own
/// year, against that year's ceiling. Within a year the earliest chargeable days are charged first.
/// </summary>
public static class StationaryParticipation
{
    public const string Rule = "HOS-02";
    public const string TariffItem = "participation_stationary_day";

    public static ParticipationResult Compute(HospitalStayInput stay, int ageOnAdmission, ParticipationLedger ledger, ReferenceCatalog catalog)
    {
        var minorAge = catalog.IntParameter("hospital.minor_age", stay.Admission);
        var minor = ageOnAdmission < minorAge;
        var childbirthExempt = stay.Childbirth ? catalog.IntParameter("hospital.participation.childbirth_exempt_days", stay.Admission) : 0;

        var years = new SortedDictionary<int, YearTally>();
        var amount = 0m;
        var rates = new HashSet<decimal>();
        var childbirthDays = 0;
        var index = 0;
        foreach (var day in StayDays.Dates(stay.Admission, stay.Discharge))
        {
            if (!years.TryGetValue(day.Year, out var y))
                years[day.Year] = y = new YearTally { Ceiling = catalog.IntParameter("hospital.participation.max_days_per_year", day) };
            y.StayDays++;
            if (minor) y.Exempt++;
            else if (index < childbirthExempt) { y.Exempt++; childbirthDays++; }
            else if (ledger.DatesCountedElsewhere.Contains(day)) y.Exempt++;
            else if (ledger.ChargedIn(day.Year) + y.Charged >= y.Ceiling) { y.Exempt++; y.CeilingHit = true; }
            else
            {
                y.Charged++;
                var rate = catalog.HospitalTariffOn(TariffItem, day);
                rates.Add(rate);
                amount += rate;
            }
            index++;
        }

        var reasons = new List<Reason>();
        if (minor) reasons.Add(Reason.Information(HospitalReasonCodes.NotDueMinor, Rule, null, minorAge.ToString(CultureInfo.InvariantCulture)));
        if (childbirthDays > 0) reasons.Add(Reason.Information(HospitalReasonCodes.ChildbirthDaysExempt, Rule, "childbirth", childbirthDays.ToString(CultureInfo.InvariantCulture)));
        foreach (var (year, y) in years.Where(kv => kv.Value.CeilingHit))
            reasons.Add(Reason.Information(HospitalReasonCodes.CeilingReached, Rule, null, $"{year}: {y.Ceiling}"));
        var charged = years.Values.Sum(v => v.Charged);
        amount = Money.Round(amount);
        if (charged > 0) reasons.Add(Reason.Information(HospitalReasonCodes.Participation, Rule, null, Detail(charged, rates, amount)));

        return new ParticipationResult(Rule, charged, amount,
            years.Select(kv => new ParticipationYear(kv.Key, kv.Value.StayDays, kv.Value.Exempt, ledger.ChargedIn(kv.Key), kv.Value.Charged, kv.Value.Ceiling)).ToList(),
            reasons);
    }

    private sealed class YearTally
    {
        public int StayDays;
        public int Exempt;
        public int Charged;
        public int Ceiling;
        public bool CeilingHit;
    }

    internal static string Detail(int days, HashSet<decimal> rates, decimal amount) =>
        rates.Count == 1
            ? $"{days} × {Format.Amount(rates.Single())} EUR = {Format.Amount(amount)} EUR"
            : $"{days} = {Format.Amount(amount)} EUR";
}

/// <summary>HOS-03: day hospital or surveillance place, 12.75 € per day; none under 18 on the admission date; no yearly ceiling.</summary>
public static class AmbulatoryParticipation
{
    public const string Rule = "HOS-03";
    public const string TariffItem = "participation_ambulatory_day";

    public static ParticipationResult Compute(HospitalStayInput stay, int ageOnAdmission, ReferenceCatalog catalog)
    {
        var minorAge = catalog.IntParameter("hospital.minor_age", stay.Admission);
        var minor = ageOnAdmission < minorAge;
        var years = new List<ParticipationYear>();
        var amount = 0m;
        var rates = new HashSet<decimal>();
        foreach (var (year, days) in StayDays.ByYear(stay.Admission, stay.Discharge))
        {
            years.Add(new ParticipationYear(year, days, minor ? days : 0, 0, minor ? 0 : days, null));
            if (minor) continue;
            foreach (var day in StayDays.Dates(stay.Admission, stay.Discharge).Where(d => d.Year == year))
            {
                var rate = catalog.HospitalTariffOn(TariffItem, day);
                rates.Add(rate);
                amount += rate;
            }
        }
        amount = Money.Round(amount);
        var charged = years.Sum(y => y.ChargedDays);
        IReadOnlyList<Reason> reasons = minor
            ? [Reason.Information(HospitalReasonCodes.NotDueMinor, Rule, null, minorAge.ToString(CultureInfo.InvariantCulture))]
            : [Reason.Information(HospitalReasonCodes.Participation, Rule, null, StationaryParticipation.Detail(charged, rates, amount))];
        return new ParticipationResult(Rule, charged, amount, years, reasons);
    }
}

/// <summary>
/// HOS-04: doctors' fees are covered at 88 % for ambulatory care of adults (day hospital), 100 % under 18, 100 % for
/// stationary stays and surveillance places. The 66 % single-room surcharge is never covered, and may not be charged
/// at all when the single room is medically needed.
/// </summary>
public static class DoctorFeeCoverage
{
    public const string Rule = "HOS-04";

    public static decimal RatePercent(HospitalStayKind kind, int age, DateOnly date, ReferenceCatalog catalog) => kind switch
    {
        HospitalStayKind.DayHospital => catalog.Parameter(age < catalog.IntParameter("hospital.minor_age", date)
            ? "hospital.fees.rate.ambulatory_minor" : "hospital.fees.rate.ambulatory_adult", date),
        HospitalStayKind.Stationary => catalog.Parameter("hospital.fees.rate.stationary", date),
        HospitalStayKind.SurveillancePlace => catalog.Parameter("hospital.fees.rate.surveillance_place", date),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static SingleRoomSurcharge Surcharge(RoomKind room, bool medicallyNeeded) =>
        room != RoomKind.Single ? SingleRoomSurcharge.None
        : medicallyNeeded ? SingleRoomSurcharge.NotChargeable
        : SingleRoomSurcharge.AtInsuredCharge;

    public sealed record FeeSplit(decimal Tariff, decimal CnsAmount, decimal InsuredShare, decimal SurchargeChargeable, IReadOnlyList<Reason> Reasons);

    /// <summary>
    /// One fee at the official tariff: CNS pays rate × tariff; the insured person bears the rest plus, in a single
    /// room for personal convenience, the 66 % surcharge (which CNS never pays); medically needed: no surcharge.
    /// </summary>
    public static FeeSplit Split(decimal tariff, decimal ratePercent, SingleRoomSurcharge surcharge, DateOnly date, ReferenceCatalog catalog)
    {
        var cns = Money.Share(tariff, ratePercent);
        var surchargeAmount = surcharge == SingleRoomSurcharge.AtInsuredCharge
            ? Money.Share(tariff, catalog.Parameter("hospital.fees.single_room_surcharge_percent", date))
            : 0m;
        IReadOnlyList<Reason> reasons = surcharge switch
        {
            SingleRoomSurcharge.AtInsuredCharge => [Reason.Reduction(HospitalReasonCodes.SingleRoomSurchargeNotCovered, Rule, "surcharge", Format.Amount(surchargeAmount) + " EUR")],
            SingleRoomSurcharge.NotChargeable => [Reason.Information(HospitalReasonCodes.SingleRoomSurchargeNotChargeable, Rule, "surcharge")],
            _ => [],
        };
        return new FeeSplit(tariff, cns, tariff - cns + surchargeAmount, surchargeAmount, reasons);
    }

    /// <summary>The information reasons on a stay: fee rate and what the room means for the surcharge.</summary>
    public static IEnumerable<Reason> StayInformation(decimal ratePercent, SingleRoomSurcharge surcharge, DateOnly date, ReferenceCatalog catalog)
    {
        yield return Reason.Information(HospitalReasonCodes.DoctorFeesRate, Rule, null, Format.Number(ratePercent));
        if (surcharge == SingleRoomSurcharge.AtInsuredCharge)
            yield return Reason.Information(HospitalReasonCodes.SingleRoomNotCovered, Rule, "room",
                Format.Number(catalog.Parameter("hospital.fees.single_room_surcharge_percent", date)));
        if (surcharge == SingleRoomSurcharge.NotChargeable)
            yield return Reason.Information(HospitalReasonCodes.SingleRoomSurchargeNotChargeable, Rule, "singleRoomMedicallyNeeded");
    }
}

/// <summary>
/// HOS-05: doctors may bill CNS directly when the stay exceeds 3 days (counted as started days, admission and discharge
/// day included: an assumption, see docs/assumptions.md) or the fee invoice exceeds 100 €. The fee invoice is every fee
/// the memoir claims for the stay, single-room surcharge included (RULES.md HOS-05; seed 003 calls the 66 % surcharge
/// "une majoration des honoraires médicaux": it is part of the fees invoiced).
/// </summary>
public static class DirectBilling
{
    public const string Rule = "HOS-05";

    /// <summary>The fee invoice of a stay: the amounts claimed on the memoir's lines for it, surcharge included.</summary>
    public static decimal FeeInvoice(IEnumerable<Billing.FeeMemoirLineInput> linesOfTheStay) => linesOfTheStay.Sum(l => l.ClaimedAmount);

    public static bool StayAllows(int stayDays, DateOnly date, ReferenceCatalog catalog) =>
        stayDays > catalog.IntParameter("hospital.direct_billing.stay_days_above", date);

    public static bool IsAllowed(int stayDays, decimal invoiceAmount, DateOnly date, ReferenceCatalog catalog) =>
        StayAllows(stayDays, date, catalog) || invoiceAmount > catalog.Parameter("hospital.direct_billing.invoice_above", date);

    /// <summary>For a fee memoir sent directly to CNS: refusal when neither condition holds.</summary>
    public static Reason? Check(int stayDays, decimal invoiceAmount, DateOnly date, ReferenceCatalog catalog) =>
        IsAllowed(stayDays, invoiceAmount, date, catalog) ? null : Reason.Refusal(HospitalReasonCodes.DirectBillingNotAllowed, Rule);

    public static Reason StayInformation(int stayDays, DateOnly date, ReferenceCatalog catalog) =>
        StayAllows(stayDays, date, catalog)
            ? Reason.Information(HospitalReasonCodes.DirectBillingAllowed, Rule, null, stayDays.ToString(CultureInfo.InvariantCulture))
            : Reason.Information(HospitalReasonCodes.DirectBillingAboveAmountOnly, Rule, null,
                Format.Amount(catalog.Parameter("hospital.direct_billing.invoice_above", date)));
}

/// <summary>
/// HOS-06: several operations in one stay are covered only if the most important one (marked main by the hospital;
/// a single operation is its own main one) is covered. An operation not covered itself is never paid.
/// </summary>
public static class SeveralOperations
{
    public const string Rule = "HOS-06";

    public static IReadOnlyList<OperationOutcome> Assess(IReadOnlyList<StayOperation> operations, DateOnly date, ReferenceCatalog catalog)
    {
        if (operations.Count == 0) return [];
        var main = operations.Count == 1 ? operations[0] : operations.Single(o => o.Main);
        var mainCovered = RequireAct(main.ActCode, date, catalog).CoveredByCns;
        return operations.Select(op =>
        {
            var act = RequireAct(op.ActCode, date, catalog);
            var isMain = ReferenceEquals(op, main);
            var tariff = catalog.TariffOn(op.ActCode, date)!.Value;
            if (!act.CoveredByCns) return new OperationOutcome(op.ActCode, isMain, tariff, false, Reason.Refusal(HospitalReasonCodes.NotCovered, Rule, "operations", op.ActCode));
            if (!mainCovered) return new OperationOutcome(op.ActCode, isMain, tariff, false, Reason.Refusal(HospitalReasonCodes.MainOperationNotCovered, Rule, "operations", main.ActCode));
            return new OperationOutcome(op.ActCode, isMain, tariff, true, null);
        }).ToList();
    }

    public static bool IsOperationAct(string code, DateOnly date, ReferenceCatalog catalog) =>
        catalog.Act(code, date) is { Domain: "hospital", Category: "operation" };

    private static ActDefinition RequireAct(string code, DateOnly date, ReferenceCatalog catalog) =>
        catalog.Act(code, date) is { Domain: "hospital", Category: "operation" } act
            ? act
            : throw new ArgumentException($"{code} is not a hospital operation act on {date:yyyy-MM-dd}.", nameof(code));
}

/// <summary>HOS-07: a bed for the accompanying parent of a child under 14 (on the admission date) is covered; meals are not.</summary>
public static class AccompanyingBed
{
    public const string Rule = "HOS-07";
    public const string TariffItem = "accompanying_bed_day";

    public static bool IsCovered(int childAgeOnAdmission, DateOnly date, ReferenceCatalog catalog) =>
        childAgeOnAdmission < catalog.IntParameter("hospital.accompanying_bed.child_under_age", date);

    public static StayLineResult Line(HospitalStayInput stay, int childAgeOnAdmission, ReferenceCatalog catalog)
    {
        var tariff = StayServices.Tariff(TariffItem, stay.Admission, stay.Discharge, catalog);
        var unit = catalog.HospitalTariffOn(TariffItem, stay.Admission);
        return IsCovered(childAgeOnAdmission, stay.Admission, catalog)
            ? new StayLineResult(StayLineType.AccompanyingBed, TariffItem, false, stay.Days, unit, tariff, tariff, 0m, true,
                [Reason.Information(HospitalReasonCodes.MealsNotCovered, Rule, "accompanyingParentBed")])
            : new StayLineResult(StayLineType.AccompanyingBed, TariffItem, false, stay.Days, unit, tariff, 0m, tariff, false,
                [Reason.Refusal(HospitalReasonCodes.AccompanyingBedNotCovered, Rule, "accompanyingParentBed")]);
    }
}

/// <summary>
/// Settles a hospital stay (RULES.md §7, HOS-01…HOS-08). The insured person must be affiliated on the admission date
/// and, as a cross-border worker, not treated in the country of residence (HOS-08). CNS pays the stay's day
/// tariffs less the insured participation, covered operations and the covered accompanying bed.
/// </summary>
public static class HospitalStayRules
{
    public static HospitalStayAssessment Assess(HospitalStayInput stay, Insured insured, ParticipationLedger ledger, ReferenceCatalog catalog)
    {
        if (stay.Discharge < stay.Admission) throw new ArgumentException("Discharge before admission.", nameof(stay));
        var refusals = new List<Reason>();
        if (AffiliationRule.Check(insured, StayServices.Rule, stay.Admission) is { } affiliation) refusals.Add(affiliation);
        if (StayInCountryOfResidence.Check(insured, stay.CountryOfCare) is { } abroad) refusals.Add(abroad);
        if (refusals.Count > 0) return HospitalStayAssessment.Refused(stay.Days, refusals);

        var age = insured.AgeOn(stay.Admission);
        var participation = stay.Kind == HospitalStayKind.Stationary
            ? StationaryParticipation.Compute(stay, age, ledger, catalog)
            : AmbulatoryParticipation.Compute(stay, age, catalog);

        var item = StayServices.TariffItem(stay.Kind);
        var stayTariff = StayServices.Tariff(item, stay.Admission, stay.Discharge, catalog);
        var participationAmount = Math.Min(participation.Amount, stayTariff);
        var lines = new List<StayLineResult>
        {
            new(StayLineType.StayDays, item, false, stay.Days, catalog.HospitalTariffOn(item, stay.Admission), stayTariff,
                stayTariff - participationAmount, participationAmount, true, participation.Reasons),
        };
        lines.AddRange(SeveralOperations.Assess(stay.Operations, stay.Admission, catalog).Select(o =>
            new StayLineResult(StayLineType.Operation, o.ActCode, o.Main, 1, o.Tariff, o.Tariff,
                o.Covered ? o.Tariff : 0m, o.Covered ? 0m : o.Tariff, o.Covered, o.Reason is null ? [] : [o.Reason])));
        if (stay.AccompanyingParentBed) lines.Add(AccompanyingBed.Line(stay, age, catalog));

        var rate = DoctorFeeCoverage.RatePercent(stay.Kind, age, stay.Admission, catalog);
        var surcharge = DoctorFeeCoverage.Surcharge(stay.Room, stay.SingleRoomMedicallyNeeded);
        var fees = new DoctorFeeTerms(rate, surcharge,
            catalog.Parameter("hospital.fees.single_room_surcharge_percent", stay.Admission),
            DirectBilling.StayAllows(stay.Days, stay.Admission, catalog),
            catalog.Parameter("hospital.direct_billing.invoice_above", stay.Admission));

        var reasons = lines.SelectMany(l => l.Reasons).ToList();
        reasons.AddRange(DoctorFeeCoverage.StayInformation(rate, surcharge, stay.Admission, catalog));
        reasons.Add(DirectBilling.StayInformation(stay.Days, stay.Admission, catalog));
        return new HospitalStayAssessment(true, stay.Days, lines, participation with { Amount = participationAmount }, fees, reasons);
    }
}

/// <summary>HOS-08: a cross-border worker treated in a hospital of the country of residence goes to the local fund there.</summary>
public static class StayInCountryOfResidence
{
    public const string Rule = "HOS-08";

    public static Reason? Check(Insured insured, string countryOfCare) => CompetentFundAbroad.Check(insured, countryOfCare, Rule);
}
