using CnsExchange.Domain.Common;
using CnsExchange.Domain.Cures;
using CnsExchange.Domain.Lifecycle;
using CnsExchange.Domain.Registry;
using CnsExchange.Domain.Rehabilitation;
using CnsExchange.Domain.Requests;
using CnsExchange.Domain.Vouchers;

namespace CnsExchange.Domain.Tests.Lifecycle;

/// <summary>LIF-06 (what an eligibility question discloses) and LIF-07 (a required document holds a request pending).</summary>
public sealed class EligibilityAndDocumentTests
{
    private static readonly DateOnly Date = new(2026, 11, 23);
    private static readonly Guid Me = Guid.NewGuid();
    private static readonly Guid Other = Guid.NewGuid();

    private static Insured Person(string birth = "1983-08-12", string fund = "CNS", bool crossBorder = false, string country = "LU",
        string affiliatedFrom = "2000-01-01", string? affiliatedTo = null, string? accidentOpened = null, string? accidentClosed = null,
        string? planFrom = null, string? planTo = null, bool planWithPhysio = true)
    {
        var insured = new Insured
        {
            Id = Guid.NewGuid(), Matricule = "1983081246785", FirstName = "A", LastName = "B", BirthDate = DateOnly.Parse(birth),
            CompetentFund = fund, ResidenceCountry = country, CrossBorderWorker = crossBorder,
            Affiliations = [new AffiliationPeriod { From = DateOnly.Parse(affiliatedFrom), To = affiliatedTo is null ? null : DateOnly.Parse(affiliatedTo) }],
        };
        if (accidentOpened is not null)
            insured.AccidentCases.Add(new AccidentCase { Reference = "AAA-1", OpenedOn = DateOnly.Parse(accidentOpened), ClosedOn = accidentClosed is null ? null : DateOnly.Parse(accidentClosed) });
        if (planFrom is not null)
            insured.CarePlans.Add(new CarePlan { From = DateOnly.Parse(planFrom), To = planTo is null ? null : DateOnly.Parse(planTo), IncludesPhysiotherapy = planWithPhysio });
        return insured;
    }

    private static Voucher VoucherOf(Insured insured, Guid provider, string validUntil, int granted, int billed, string number = "K26-0001000-5") => new()
    {
        Number = number, Matricule = insured.Matricule, Category = "common", InsuredId = insured.Id, ProviderId = provider,
        IssuedOn = Date.AddDays(-10), ValidUntil = DateOnly.Parse(validUntil), ThirdPartyPayment = true,
        Services = [new VoucherService { ActCode = "ZK11", SessionsGranted = granted, SessionsBilled = billed }],
    };

    [Fact]
    public void Lif06_an_unknown_person_is_only_unknown()
    {
        var answer = Eligibility.Assess(null, Date, Me, []);
        Assert.False(answer.Known);
        Assert.False(answer.ThirdPartyPaymentPossible);
        Assert.Equal([CommonReasonCodes.InsuredUnknown], answer.Reasons.Select(r => r.Code));
        Assert.Null(answer.Facts);
    }

    [Theory]
    [InlineData("2000-01-01", null, true)]
    [InlineData("2026-11-23", null, true)]          // affiliated from the very day
    [InlineData("2000-01-01", "2026-11-23", true)]  // until the very day
    [InlineData("2000-01-01", "2026-11-22", false)] // ended the day before
    [InlineData("2026-11-24", null, false)]         // starts the day after
    public void Lif06_affiliation_is_read_on_the_date_asked(string from, string? to, bool affiliated)
    {
        var answer = Eligibility.Assess(Person(affiliatedFrom: from, affiliatedTo: to), Date, Me, []);
        Assert.True(answer.Known);
        Assert.Equal(affiliated, answer.AffiliatedOnDate);
        Assert.Equal(affiliated, answer.ThirdPartyPaymentPossible);
        Assert.Equal(affiliated ? [] : [CommonReasonCodes.InsuredNotAffiliated], answer.Reasons.Select(r => r.Code));
        // A person not affiliated on the date: nothing more about them.
        Assert.Equal(affiliated, answer.Facts is not null);
    }

    [Theory]
    [InlineData("2008-11-24", true)]  // 17 until tomorrow
    [InlineData("2008-11-23", false)] // 18 today
    [InlineData("1983-08-12", false)]
    public void Lif06_under_18_is_the_age_on_the_date(string birth, bool minor) =>
        Assert.Equal(minor, Eligibility.Assess(Person(birth), Date, Me, []).Facts!.UnderEighteen);

    [Theory]
    [InlineData(null, null, false)]
    [InlineData("2026-01-10", null, true)]
    [InlineData("2026-01-10", "2026-11-23", true)]
    [InlineData("2026-01-10", "2026-11-22", false)]
    [InlineData("2026-11-24", null, false)]
    public void Lif06_open_accident_case_is_a_yes_or_no_on_the_date(string? opened, string? closed, bool open) =>
        Assert.Equal(open, Eligibility.Assess(Person(accidentOpened: opened, accidentClosed: closed), Date, Me, []).Facts!.OpenAccidentCase);

    [Theory]
    [InlineData(null, null, true, false)]
    [InlineData("2026-01-01", null, true, true)]
    [InlineData("2026-01-01", null, false, false)]     // a plan without physiotherapy-type care does not count
    [InlineData("2026-01-01", "2026-11-22", true, false)]
    [InlineData("2026-11-23", "2026-11-23", true, true)]
    public void Lif06_dependency_plan_with_physiotherapy_covers_the_date(string? from, string? to, bool withPhysio, bool expected) =>
        Assert.Equal(expected, Eligibility.Assess(Person(planFrom: from, planTo: to, planWithPhysio: withPhysio), Date, Me, []).Facts!.DependencyPlanWithPhysiotherapy);

    [Fact]
    public void Lif06_fund_cross_border_worker_and_residence_are_the_registry_s()
    {
        var answer = Eligibility.Assess(Person(fund: "CMFEP", crossBorder: true, country: "FR"), Date, Me, []);
        Assert.Equal(("CMFEP", true, "FR"), (answer.Facts!.CompetentFund, answer.Facts.CrossBorderWorker, answer.Facts.ResidenceCountry));
    }

    [Theory]
    [InlineData("2027-02-23", 8, 3, true)]
    [InlineData("2026-11-23", 8, 7, true)]   // last day of validity, one session left
    [InlineData("2026-11-22", 8, 3, false)]  // expired the day before
    [InlineData("2027-02-23", 8, 8, false)]  // no session left
    public void Lif06_own_vouchers_are_open_while_valid_with_sessions_left(string validUntil, int granted, int billed, bool open)
    {
        var person = Person();
        var answer = Eligibility.Assess(person, Date, Me, [VoucherOf(person, Me, validUntil, granted, billed)]);
        Assert.Equal(open ? [granted - billed] : [], answer.OpenVouchers.Select(v => v.SessionsLeft));
    }

    [Fact]
    public void Lif06_another_provider_s_vouchers_and_another_person_s_never_show()
    {
        var person = Person();
        var stranger = Person();
        var answer = Eligibility.Assess(person, Date, Me,
        [
            VoucherOf(person, Other, "2027-02-23", 8, 0, "K26-0001001-3"),
            VoucherOf(stranger, Me, "2027-02-23", 8, 0, "K26-0001002-1"),
            VoucherOf(person, Me, "2027-02-23", 8, 2, "K26-0001003-9"),
        ]);
        Assert.Equal(["K26-0001003-9"], answer.OpenVouchers.Select(v => v.Number));
    }

    private static RehabilitationAuthorisation Rehab(RehabService service, CareSetting setting) =>
        new() { Matricule = "1983081246785", KindCode = "X", Service = service, Setting = setting };

    private static CureAuthorisation Cure(string country) =>
        new() { Matricule = "1983081246785", DoctorCode = "90000002", KindCode = "T200", CountryOfCare = country };

    public static TheoryData<CareRequest, DocumentPurpose?> Requests() => new()
    {
        { Rehab(RehabService.Geriatric, CareSetting.Ambulatory), DocumentPurpose.MedicalReport },
        { Rehab(RehabService.Geriatric, CareSetting.Stationary), null },
        { Rehab(RehabService.Snrp, CareSetting.Stationary), DocumentPurpose.ReasonedRequest },
        { Rehab(RehabService.Snrpo, CareSetting.Ambulatory), DocumentPurpose.ReasonedRequest },
        { Rehab(RehabService.Cnrfr, CareSetting.Stationary), null },
        { Cure("DE"), DocumentPurpose.S2ReasonedForm },
        { Cure("LU"), null },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public void Lif07_the_seeds_require_a_document_for_geriatric_ambulatory_colpach_and_cures_abroad(CareRequest request, DocumentPurpose? required) =>
        Assert.Equal(required, RequiredDocuments.For(request));

    [Theory]
    [InlineData(RequestOutcome.Agreed, true, false, RequestOutcome.Pending)]
    [InlineData(RequestOutcome.Pending, true, false, RequestOutcome.Pending)]
    [InlineData(RequestOutcome.Refused, true, false, RequestOutcome.Refused)]    // a refusal needs no document
    [InlineData(RequestOutcome.Agreed, true, true, RequestOutcome.Agreed)]      // already attached
    [InlineData(RequestOutcome.Agreed, false, false, RequestOutcome.Agreed)]    // nothing required
    public void Lif07_a_missing_required_document_holds_the_decision_pending(RequestOutcome outcome, bool required, bool attached, RequestOutcome expected)
    {
        var decision = new AutomaticDecision(outcome, [Reason.Information("S2_AUTHORISATION", "CUR-08")]);
        var held = RequiredDocuments.Hold(decision, required ? DocumentPurpose.S2ReasonedForm : null, attached);
        Assert.Equal(expected, held.Outcome);
        var missing = held.Reasons.Where(r => r.Code == RequestReasonCodes.DocumentMissing).ToList();
        Assert.Equal(required && !attached && outcome != RequestOutcome.Refused ? 1 : 0, missing.Count);
        Assert.All(missing, r => Assert.Equal((ReasonSeverity.Pending, RequiredDocuments.Rule, "s2_reasoned_form"), (r.Severity, r.Rule, r.Detail)));
    }

    [Fact]
    public void Lif07_a_request_held_for_its_document_has_no_due_time_until_it_arrives()
    {
        var request = Rehab(RehabService.Snrp, CareSetting.Stationary);
        var at = new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
        request.ApplyAutomaticDecision(RequiredDocuments.Hold(new AutomaticDecision(RequestOutcome.Agreed, []), DocumentPurpose.ReasonedRequest, false),
            at, at.AddDays(1), RequestLifecycle.AutomaticActor);
        Assert.Equal(RequestStatus.Pending, request.Status);
        Assert.Null(request.DecisionDueBy);
        Assert.True(RequiredDocuments.IsMissing(request));

        request.DocumentReceived("reasoned_request", at.AddHours(2), at.AddDays(2), "provider");
        Assert.False(RequiredDocuments.IsMissing(request));
        Assert.False(request.HasPendingReasons);
        Assert.Equal(at.AddDays(2), request.DecisionDueBy);
        Assert.Equal("document_received", request.History[^1].Action);
    }
}
