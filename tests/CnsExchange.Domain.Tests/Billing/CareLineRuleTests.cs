using CnsExchange.Domain.Billing;
using CnsExchange.Domain.Common;
using CnsExchange.Domain.Cures;
using CnsExchange.Domain.Rehabilitation;
using CnsExchange.Domain.Vouchers;
using static CnsExchange.Domain.Tests.Support.TestReference;

namespace CnsExchange.Domain.Tests.Billing;

/// <summary>
/// Cure sessions and rehabilitation days billed through the fee-memoir path (RULES.md §5–6 at billing): the same line
/// adjudication as physiotherapy, with the dates of the authorisation instead of the voucher's validity.
/// </summary>
public sealed class CareLineRuleTests
{
    private static readonly Guid Centre = Guid.Parse("00000000-0000-0000-0000-0000000000e1");
    private const string Matricule = "1983081246785";
    private const string CureNumber = "C26-0001000-5";
    private const string RehabNumber = "R26-0001001-3";

    /// <summary>An authorisation issued on Monday 23 November 2026, valid one year (CUR-01).</summary>
    private static CureAuthorisationTerms Cure(string kind = "T200", int? sessions = 24, int? windowMonths = 6, int? maxPerMonth = null,
        decimal rate = 80m, bool thirdParty = true) =>
        new(kind, kind switch { "T209" => CureFamily.Maintenance, "T260" or "T261" => CureFamily.Fango, "T180" => CureFamily.LymphoVenous, _ => CureFamily.BackNeckShoulder },
            D("2026-11-23"), D("2027-11-23"), rate, thirdParty, sessions, windowMonths, maxPerMonth is null ? null : D("2027-11-23"), maxPerMonth, null,
            S2: !thirdParty, CountryOfCare: thirdParty ? "LU" : "DE", AffectedSide: null);

    private static Voucher Voucher(VoucherKind kind, string act, decimal rate, int sessions, DateOnly from, DateOnly until, bool thirdParty = true) => new()
    {
        Id = Guid.Parse("00000000-0000-0000-0000-0000000000f1"),
        Number = kind == VoucherKind.Cure ? CureNumber : RehabNumber,
        Kind = kind,
        ProviderId = Centre,
        InsuredId = Guid.Parse("00000000-0000-0000-0000-0000000000c1"),
        Matricule = Matricule,
        Category = act,
        PrescriptionDate = from,
        IssuedOn = from,
        TreatmentStartBy = kind == VoucherKind.Cure ? until : from,
        ValidUntil = until,
        ThirdPartyPayment = thirdParty,
        Services =
        [
            new VoucherService { Id = Guid.Parse("00000000-0000-0000-0000-0000000000f2"), ActCode = act, SessionsGranted = sessions, RatePercent = rate, TariffOnIssue = 0m },
        ],
    };

    private static LineDecision CureLine(CureAuthorisationTerms terms, string session, string firstSession, int paidInMonth = 0, string? today = null, decimal? claimed = null)
    {
        var voucher = Voucher(VoucherKind.Cure, terms.KindCode, terms.RatePercent, terms.Sessions ?? 24, terms.IssuedOn, terms.ValidUntil, terms.ThirdPartyPayment);
        return LineAdjudication.Adjudicate(new LineFacts
        {
            Line = new FeeMemoirLineInput(CureNumber, Matricule, D(session), terms.KindCode, false, claimed ?? 40.00m),
            ProviderId = Centre,
            Today = D(today ?? session),
            Voucher = voucher,
            Insured = Insured("1983-08-12"),
            FirstSessionDate = D(firstSession),
            SessionsRemaining = 10,
            CureTerms = terms,
            SessionsPaidInMonth = paidInMonth,
        }, Catalog);
    }

    private static LineDecision RehabLine(string day, string from = "2026-11-02", string to = "2027-01-30", string? firstDay = null, decimal claimed = 420.00m)
    {
        var voucher = Voucher(VoucherKind.Rehabilitation, "RGERS", 100m, D(to).DayNumber - D(from).DayNumber + 1, D(from), D(to));
        return LineAdjudication.Adjudicate(new LineFacts
        {
            Line = new FeeMemoirLineInput(RehabNumber, Matricule, D(day), "RGERS", false, claimed),
            ProviderId = Centre,
            Today = D("2027-12-31"),
            Voucher = voucher,
            Insured = Insured("1983-08-12"),
            FirstSessionDate = D(firstDay ?? day),
            SessionsRemaining = 10,
            Rehabilitation = new AuthorisedRehabilitation(D(from), D(to), GeriatricStationaryRehab.Rule),
        }, Catalog);
    }

    private static IReadOnlyList<string> Codes(LineDecision d) => d.Reasons.Select(r => r.Code).ToList();

    // ---- CUR-06 rate, tariff of the session date -------------------------------------------------------------

    [Theory]
    [InlineData("T200", 80, "2026-12-01", "35.00", "28.00", "7.00")]
    [InlineData("T260", 70, "2026-12-01", "28.00", "19.60", "8.40")]   // Fango 70 %
    [InlineData("T200", 80, "2027-01-04", "35.88", "28.70", "7.18")]   // letter key 1.0250 from 2027: round2(35 × 1.025)
    public void Cur06_a_cure_session_is_paid_at_the_rate_of_the_voucher_on_the_tariff_of_the_session_date(string kind, int rate, string session,
        string tariff, string cns, string insured)
    {
        var decision = CureLine(Cure(kind, rate: rate, windowMonths: kind == "T200" ? 6 : null, sessions: kind == "T200" ? 24 : 12), session, session);
        Assert.Equal(LineOutcome.Reduced, decision.Outcome); // 40.00 claimed is above the tariff
        Assert.Equal(M(tariff), decision.TariffAmount);
        Assert.Equal(rate, decision.RatePercent);
        Assert.Equal(M(cns), decision.CnsAmount);
        Assert.Equal(M(insured), decision.InsuredShare);
        Assert.Equal(["AMOUNT_ABOVE_TARIFF", "INSURED_SHARE"], Codes(decision));
    }

    [Theory]
    // kind, rate, claimed → CNS share, insured share (T200 35.00, T260 28.00 on 1 December 2026)
    [InlineData("T200", 80, "30.00", "24.00", "6.00")]
    [InlineData("T200", 80, "35.00", "28.00", "7.00")]
    [InlineData("T200", 80, "40.00", "28.00", "7.00")]
    [InlineData("T260", 70, "20.00", "14.00", "6.00")]
    [InlineData("T260", 70, "28.00", "19.60", "8.40")]
    public void Bil11_insured_share_of_a_cure_session_is_the_claim_cut_to_the_tariff_minus_the_cns_share(string kind, int rate, string claimed,
        string cns, string insured)
    {
        var decision = CureLine(Cure(kind, rate: rate, windowMonths: kind == "T200" ? 6 : null, sessions: kind == "T200" ? 24 : 12), "2026-12-01",
            "2026-12-01", claimed: M(claimed));
        Assert.True(decision.Paid);
        Assert.Equal(M(cns), decision.CnsAmount);
        Assert.Equal(M(insured), decision.InsuredShare);
    }

    [Theory]
    [InlineData("400.00", "400.00")] // below the day tariff 420.00: 100 %, nothing left to the insured
    [InlineData("420.00", "420.00")]
    [InlineData("450.00", "420.00")]
    public void Bil11_insured_share_of_a_rehabilitation_day_at_100_percent_is_zero(string claimed, string cns)
    {
        var decision = RehabLine("2026-11-10", claimed: M(claimed));
        Assert.True(decision.Paid);
        Assert.Equal(M(cns), decision.CnsAmount);
        Assert.Equal(0m, decision.InsuredShare);
    }

    // ---- CUR-05 the cycle's own window, CUR-01 started within the year --------------------------------------

    [Theory]
    [InlineData("2027-05-31", true)]  // first session + 6 months − 1 day (day 182 after 1 December)
    [InlineData("2027-06-01", false)] // 6 months after the first session
    public void Cur05_a_24_session_cycle_ends_within_6_months_of_its_first_session(string session, bool paid)
    {
        var decision = CureLine(Cure(), session, "2026-12-01", claimed: 35.88m);
        Assert.Equal(paid, decision.Paid);
        if (!paid)
        {
            var reason = Assert.Single(decision.Reasons);
            Assert.Equal(new Reason("AUTHORISATION_EXPIRED", ReasonSeverity.Refusal, "CUR-05", "sessionDate", "2027-05-31"), reason);
        }
    }

    [Fact]
    public void Cur05_a_cycle_started_late_in_its_year_continues_past_the_validity_within_its_window()
    {
        // Started four days before the end of validity: the cycle's window, not the year, bounds its sessions.
        var decision = CureLine(Cure(), "2028-03-01", "2027-11-20", claimed: 35.88m);
        Assert.Equal(LineOutcome.Accepted, decision.Outcome);
        Assert.DoesNotContain(decision.Reasons, r => r.Code is "SESSION_OUTSIDE_VALIDITY" or "TREATMENT_STARTED_TOO_LATE");
    }

    [Theory]
    [InlineData("2027-11-23", true)]  // started on the last day of the year of validity
    [InlineData("2027-11-24", false)] // not started within the year: a new request is needed
    public void Cur01_a_cure_must_be_started_within_the_year_of_its_authorisation(string firstSession, bool paid)
    {
        var decision = CureLine(Cure(), firstSession, firstSession, claimed: 35.88m);
        Assert.Equal(paid, decision.Paid);
        if (!paid)
        {
            Assert.Equal(["AUTHORISATION_EXPIRED"], Codes(decision));
            Assert.Equal("CUR-01", decision.Reasons[0].Rule);
        }
    }

    [Theory]
    [InlineData("2027-11-02", "2027-11-23", true)]  // started within the year of validity (issued 23 November 2026)
    [InlineData("2027-11-02", "2027-11-24", true)]  // ...and paid to its end past the year (seed 003 limits the start only)
    [InlineData("2027-11-02", "2028-01-15", true)]
    [InlineData("2027-11-24", "2027-11-30", false)] // not started within the year: a new request is needed
    public void Cur01_a_cure_started_within_its_year_of_validity_is_paid_to_its_end(string firstSession, string session, bool paid)
    {
        var decision = CureLine(Cure("T180", sessions: 18, windowMonths: null), session, firstSession, claimed: 43.05m);
        Assert.Equal(paid, decision.Paid);
        if (!paid) Assert.Equal(("AUTHORISATION_EXPIRED", "CUR-01"), (decision.Reasons[0].Code, decision.Reasons[0].Rule));
    }

    [Theory]
    [InlineData("2027-11-23", true)]
    [InlineData("2027-11-24", false)] // a series with a last day of its own (maintenance) ends with it
    public void Cur01_a_series_with_its_own_last_day_ends_with_it(string session, bool paid)
    {
        var terms = Cure("T209", sessions: 24, windowMonths: null, maxPerMonth: 2);
        var decision = CureLine(terms, session, "2026-12-07", claimed: 35.88m);
        Assert.Equal(paid, decision.Paid);
        if (!paid) Assert.Equal(["AUTHORISATION_EXPIRED"], Codes(decision));
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(1, true)]  // the 2nd maintenance session of the month
    [InlineData(2, false)] // the 3rd
    public void Cur05_maintenance_sessions_are_paid_at_most_2_per_month(int alreadyPaidInMonth, bool paid)
    {
        var decision = CureLine(Cure("T209", sessions: 24, windowMonths: null, maxPerMonth: 2), "2027-01-20", "2026-12-07", alreadyPaidInMonth, claimed: 35.88m);
        Assert.Equal(paid, decision.Paid);
        if (!paid)
        {
            Assert.Equal(["MAINTENANCE_NOT_ALLOWED"], Codes(decision));
            Assert.Equal("2", decision.Reasons[0].Detail);
        }
    }

    [Fact]
    public void A_cure_session_in_the_future_is_not_paid()
    {
        var decision = CureLine(Cure(), "2026-12-02", "2026-12-01", today: "2026-12-01");
        Assert.Contains("SESSION_DATE_IN_FUTURE", Codes(decision));
        Assert.False(decision.Paid);
    }

    [Fact]
    public void Cur08_a_cure_abroad_with_an_s2_form_is_never_paid_under_third_party_payment()
    {
        var decision = CureLine(Cure(thirdParty: false), "2026-12-01", "2026-12-01");
        Assert.Equal(LineOutcome.Refused, decision.Outcome);
        Assert.Equal(["THIRD_PARTY_NOT_APPLICABLE"], Codes(decision));
    }

    // ---- Rehabilitation: one day per authorised day ----------------------------------------------------------

    [Theory]
    [InlineData("2026-11-01", false)] // the day before the authorised period
    [InlineData("2026-11-02", true)]  // first authorised day
    [InlineData("2027-01-30", true)]  // last authorised day
    [InlineData("2027-01-31", false)] // the day after
    public void A_rehabilitation_day_is_paid_only_within_the_authorised_period(string day, bool paid)
    {
        var decision = RehabLine(day);
        Assert.Equal(paid, decision.Paid);
        if (paid)
        {
            Assert.Equal(100m, decision.RatePercent);
            Assert.Equal(M("420.00"), decision.CnsAmount); // 100 % of the claim, at most the tariff of the day
        }
        else
        {
            var reason = Assert.Single(decision.Reasons);
            Assert.Equal(new Reason("REHAB_DAY_NOT_AUTHORISED", ReasonSeverity.Refusal, "REH-03", "sessionDate", "2026-11-02 – 2027-01-30"), reason);
        }
    }

    [Fact]
    public void An_extension_moves_the_last_billable_day()
    {
        Assert.False(RehabLine("2027-02-15").Paid);
        Assert.True(RehabLine("2027-02-15", to: "2027-03-01").Paid); // extended by 30 days
    }

    [Fact]
    public void A_rehabilitation_billed_from_a_later_day_is_not_refused_as_started_too_late()
    {
        var decision = RehabLine("2026-11-20", firstDay: "2026-11-20");
        Assert.True(decision.Paid);
        Assert.Equal(M("420.00"), decision.CnsAmount);
    }
}
