using System.Net;
using CnsExchange.Application.Features.HospitalStays;
using CnsExchange.Application.Features.Reimbursement;
using CnsExchange.Domain.Reimbursement;
using CnsExchange.IntegrationTests.Support;
using CnsExchange.IntegrationTests.Validation;
using Npgsql;
using static CnsExchange.IntegrationTests.CareAuthorisations.CareTestSupport;
using static CnsExchange.IntegrationTests.OtherBilling.OtherBillingSupport;
using static CnsExchange.IntegrationTests.Reimbursement.ClaimApi;

namespace CnsExchange.IntegrationTests.Reimbursement;

/// <summary>
/// The insured's route for cure stays and doctors' fees through HTTP against PostgreSQL (RULES.md §8): INS-06 cure stay
/// allowance, INS-07 stays abroad and the accompanying person, INS-08 doctors' fees, and the reviewer's decision on
/// pending lines.
/// </summary>
public sealed class StayAndFeeClaimTests(ApiFactory api) : ApiTest(api)
{
    private const string Schmit = ClaimApi.Adult;         // Marie Schmit, born 1983-08-12
    private const string Minor = "2012051469331"; // Luc Weber, born 2012-05-14
    private static readonly string[] ClaimTables = ["reimbursement_claims", "reimbursement_claim_lines", "attachments"];

    private async Task<long[]> CountsAsync() => await Task.WhenAll(ClaimTables.Select(t => Api.CountAsync(t)));

    private async Task<IReadOnlyList<CnsExchange.Application.Features.Webhooks.EventDto>> ClaimDecidedEventsAsync() =>
        (await (await Client(InsuredApp).GetAsync("/api/v1/events?types=reimbursement_claim.decided"))
            .ExpectAsync<CnsExchange.Application.Features.Events.EventPage>(HttpStatusCode.OK)).Items;

    /// <summary>A Fango cure (T260, 12 sessions) authorised today (Monday 23 Nov 2026) and given from Monday 30 Nov to Tuesday 15 Dec, billed whole.</summary>
    private async Task<string> FangoCureGivenAsync(string matricule = Schmit)
    {
        var cure = await Client(Thermal1).CureAsync(Cure("T260", matricule, start: new DateOnly(2026, 11, 30)));
        Api.MoveTo(new DateOnly(2026, 12, 17));
        var days = Days(new DateOnly(2026, 11, 30), 16).Where(d => d.DayOfWeek is not DayOfWeek.Saturday and not DayOfWeek.Sunday).ToList();
        Assert.Equal((12, new DateOnly(2026, 12, 15)), (days.Count, days[^1]));
        await Client(Thermal1).BillSessionsAsync(cure, days);
        return cure.Voucher!.Number;
    }

    private static object Stay(string kind, string matricule, string voucher, string invoiceNumber, string first, string last, decimal paid,
        string issuedTo = "Marie Schmit", object? lodging = null, decimal? travelCosts = null, object? accompanyingPerson = null, string? invoiceDate = "2026-12-16")
    {
        var nights = DateOnly.Parse(last).DayNumber - DateOnly.Parse(first).DayNumber + 1;
        return new
        {
            kind, matricule, voucherNumber = voucher,
            invoice = new { number = invoiceNumber, date = invoiceDate, issuer = "Hôtel du Parc Thermal", issuedTo },
            stay = new { firstNight = first, lastNight = last, nights, amountPaid = paid },
            lodging, travelCosts, accompanyingPerson, statementLanguage = "en",
        };
    }

    // ---- INS-06 ---------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Ins06_the_cure_stay_allowance_pays_each_night_of_the_cure_in_an_approved_hotel_once()
    {
        var voucher = await FangoCureGivenAsync();
        // The night before the first session and the night of the last day's morrow are outside the cure.
        var claim = await ClaimAsync(Client(InsuredApp, "en"), Stay("cure_stay", Schmit, voucher, "H-1001", "2026-11-29", "2026-12-16", 18 * 95.00m,
            lodging: new { kind = "establishment", establishmentCode = "MDF-H01" }));

        Assert.Equal(ClaimStatus.Adjudicated, claim.Status);
        Assert.Equal(18, claim.Lines.Count);
        Assert.Equal(["NIGHT_OUTSIDE_CURE"], Codes(Line(claim, 1)));
        Assert.Equal(["NIGHT_OUTSIDE_CURE"], Codes(Line(claim, 18)));
        Assert.All(claim.Lines.Skip(1).Take(16), l => Assert.Equal((ClaimLineOutcome.Accepted, 61.39m, "mondorf_night", (NightHolder?)NightHolder.Curist),
            (l.Outcome, l.ReimbursedAmount, l.ActCode, l.Night)));
        Assert.Equal((16 * 61.39m, 18 * 95.00m), (claim.ReimbursedTotal, claim.PaidTotal));
        Assert.Equal("Marie Schmit", claim.Invoice.IssuedTo);

        // Another invoice for nights already paid: those nights are refused, the others paid.
        var again = await ClaimAsync(Client(InsuredApp), Stay("cure_stay", Schmit, voucher, "H-1002", "2026-12-14", "2026-12-15", 190.00m,
            lodging: new { kind = "establishment", establishmentCode = "MDF-H02" }));
        Assert.All(again.Lines, l => Assert.Equal((ClaimLineOutcome.Refused, "NIGHT_ALREADY_PAID"), (l.Outcome, Codes(l)[0])));
        Assert.Equal(0m, again.ReimbursedTotal);

        // The database holds each night once, whatever the application does.
        await using var conn = new NpgsqlConnection(Api.ConnectionString);
        await conn.OpenAsync();
        await using var update = new NpgsqlCommand("UPDATE cns.reimbursement_claim_lines SET outcome = 'Accepted' WHERE claim_id = @id", conn);
        update.Parameters.AddWithValue("id", again.Id);
        var e = await Assert.ThrowsAsync<PostgresException>(() => update.ExecuteNonQueryAsync());
        Assert.Equal((PostgresErrorCodes.UniqueViolation, "ux_reimbursement_claim_lines_night"), (e.SqlState, e.ConstraintName));
    }

    [Fact]
    public async Task Ins06_a_resident_of_mondorf_gets_17_94_a_day_of_cure()
    {
        var voucher = await FangoCureGivenAsync(MondorfResident);
        var claim = await ClaimAsync(Client(InsuredApp), Stay("cure_stay", MondorfResident, voucher, "R-1", "2026-12-14", "2026-12-16", 30.00m,
            issuedTo: "Claire Kremer", lodging: new { kind = "room_at_private_person" }));

        Assert.Equal([ClaimLineOutcome.Accepted, ClaimLineOutcome.Accepted, ClaimLineOutcome.Refused], claim.Lines.Select(l => l.Outcome));
        Assert.Equal(2 * 17.94m, claim.ReimbursedTotal);
        Assert.All(claim.Lines, l => Assert.Equal("mondorf_resident_day", l.ActCode));
    }

    [Fact]
    public async Task Ins06_private_lodging_is_not_covered_and_an_incomplete_invoice_is_refused_as_a_whole()
    {
        var voucher = await FangoCureGivenAsync();
        var tent = await ClaimAsync(Client(InsuredApp), Stay("cure_stay", Schmit, voucher, "T-1", "2026-12-01", "2026-12-02", 30.00m, lodging: new { kind = "tent" }));
        Assert.All(tent.Lines, l => Assert.Equal((ClaimLineOutcome.Refused, "LODGING_NOT_APPROVED"), (l.Outcome, string.Join(",", Codes(l)))));

        var undated = await ClaimAsync(Client(InsuredApp), Stay("cure_stay", Schmit, voucher, "H-2001", "2026-12-01", "2026-12-02", 190.00m,
            lodging: new { kind = "establishment", establishmentCode = "MDF-H01" }, invoiceDate: null));
        Assert.Equal((ClaimStatus.Refused, "STAY_INVOICE_INCOMPLETE"), (undated.Status, string.Join(",", Codes(undated))));
        Assert.Equal("invoice.date", undated.Reasons[0].Field);
        Assert.Empty(undated.Lines);

        // The cure of another kind of claim: an S2 stay on a Luxembourg cure is refused.
        var s2 = await ClaimAsync(Client(InsuredApp), Stay("s2_stay", Schmit, voucher, "S-1", "2026-12-01", "2026-12-02", 100.00m));
        Assert.Equal(["STAY_ALLOWANCE_NOT_GRANTED"], Codes(s2));
    }

    [Fact]
    public async Task Ins06_an_establishment_the_reference_data_does_not_list_waits_for_a_reviewer_who_decides_each_night()
    {
        var voucher = await FangoCureGivenAsync();
        var claim = await ClaimAsync(Client(InsuredApp), Stay("cure_stay", Schmit, voucher, "G-1", "2026-12-07", "2026-12-08", 150.00m,
            lodging: new { kind = "establishment", establishmentCode = "GITE-7" }));
        Assert.Equal((ClaimStatus.Pending, 0m), (claim.Status, claim.ReimbursedTotal));
        Assert.All(claim.Lines, l => Assert.Equal((ClaimLineOutcome.Pending, (decimal?)61.39m, "INVOICE_REVIEW_REQUIRED"), (l.Outcome, l.AmountIfAgreed, Codes(l)[0])));
        var id = claim.Id;
        string Decision(int line) => $"/api/v1/review/reimbursement-claims/{id}/lines/{line}/decision";

        // The insured channel may not decide; a reviewer agrees the first night and refuses the second.
        Assert.Equal(HttpStatusCode.Forbidden, (await Client(InsuredApp).PostJsonAsync(Decision(1), new { decision = "agree" })).StatusCode);
        var agreed = await (await Client(Reviewer).PostJsonAsync(Decision(1), new { decision = "agree", note = "Licensed guest house." }))
            .ExpectAsync<ReimbursementClaimDto>(HttpStatusCode.OK);
        Assert.Equal((ClaimLineOutcome.Accepted, 61.39m, ClaimStatus.Pending), (Line(agreed, 1).Outcome, Line(agreed, 1).ReimbursedAmount, agreed.Status));
        Assert.Equal(["REVIEWER_AGREED", "REIMBURSED"], Codes(Line(agreed, 1)));
        Assert.Empty(await ClaimDecidedEventsAsync()); // a line still waits: not decided yet
        await (await Client(Reviewer).PostJsonAsync(Decision(2), new { decision = "refuse" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        var decided = await (await Client(Reviewer).PostJsonAsync(Decision(2), new { decision = "refuse", reasonCodes = new[] { "LODGING_NOT_APPROVED" } }))
            .ExpectAsync<ReimbursementClaimDto>(HttpStatusCode.OK);
        Assert.Equal((ClaimLineOutcome.Refused, "LODGING_NOT_APPROVED"), (Line(decided, 2).Outcome, string.Join(",", Codes(Line(decided, 2)))));
        Assert.Equal((ClaimStatus.Adjudicated, 61.39m), (decided.Status, decided.ReimbursedTotal));
        Assert.NotNull(Line(decided, 2).DecidedBy);
        // The reviewer's last decision: reimbursement_claim.decided, once, for the channel that submitted the claim.
        var decidedEvent = Assert.Single(await ClaimDecidedEventsAsync());
        Assert.Equal(id, decidedEvent.Resource.Id);
        var data = HttpAssertions.Read<CnsExchange.Application.Features.Events.ReimbursementClaimDecidedData>(decidedEvent.Data.GetRawText());
        Assert.Equal(("cure_stay", "adjudicated", 1, 1, 61.39m), (data.Kind, data.Status, data.ReimbursedLineCount, data.RefusedLineCount, data.ReimbursedTotal));

        await (await Client(Reviewer).PostJsonAsync(Decision(2), new { decision = "agree" })).ExpectProblemAsync(HttpStatusCode.Conflict, "line_not_pending");
        await (await Client(Reviewer).PostJsonAsync(Decision(9), new { decision = "agree" })).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");

        // The refused night is free again: a new invoice for it is paid.
        var later = await ClaimAsync(Client(InsuredApp), Stay("cure_stay", Schmit, voucher, "H-3001", "2026-12-08", "2026-12-08", 95.00m,
            lodging: new { kind = "establishment", establishmentCode = "MDF-H01" }));
        Assert.Equal(ClaimLineOutcome.Accepted, Line(later, 1).Outcome);
    }

    // ---- INS-07 ---------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Ins07_stay_costs_abroad_are_reimbursed_up_to_the_flat_rate_and_travel_costs_never()
    {
        var cure = await Client(Thermal1).CureAsync(Cure("T200", start: Today.AddDays(1), country: "DE", notAvailableHere: true));
        Api.MoveTo(new DateOnly(2026, 12, 1));
        var claim = await ClaimAsync(Client(InsuredApp), Stay("s2_stay", Schmit, cure.Voucher!.Number, "DE-77", "2026-11-24", "2026-11-27", 400.00m,
            travelCosts: 150.00m, invoiceDate: "2026-11-28"));

        Assert.Equal(5, claim.Lines.Count);
        Assert.All(claim.Lines.Take(4), l => Assert.Equal((ClaimLineOutcome.Reduced, 61.39m, "abroad_night"), (l.Outcome, l.ReimbursedAmount, l.ActCode)));
        Assert.Contains("AMOUNT_ABOVE_FLAT_RATE", Codes(Line(claim, 1)));
        Assert.Equal((ClaimLineOutcome.Refused, "TRAVEL_COSTS_NOT_COVERED", 150.00m), (Line(claim, 5).Outcome, string.Join(",", Codes(Line(claim, 5))), Line(claim, 5).AmountPaid));
        Assert.Equal((4 * 61.39m, 550.00m), (claim.ReimbursedTotal, claim.PaidTotal));

        // A cure-stay claim on an S2 voucher is the wrong kind.
        var wrong = await ClaimAsync(Client(InsuredApp), Stay("cure_stay", Schmit, cure.Voucher.Number, "DE-78", "2026-11-28", "2026-11-28", 50.00m,
            lodging: new { kind = "establishment", establishmentCode = "MDF-H01" }, invoiceDate: "2026-11-28"));
        Assert.Equal(["STAY_ALLOWANCE_NOT_GRANTED"], Codes(wrong));
    }

    [Fact]
    public async Task Ins07_the_person_accompanying_a_curist_under_18_is_covered_on_express_request_beside_the_curists_own_nights()
    {
        var cure = await Client(Thermal1).CureAsync(Cure("T200", Minor, start: Today.AddDays(1), country: "AT", notAvailableHere: true));
        Api.MoveTo(new DateOnly(2026, 12, 1));
        var voucher = cure.Voucher!.Number;
        var own = await ClaimAsync(Client(InsuredApp), Stay("s2_stay", Minor, voucher, "AT-1", "2026-11-24", "2026-11-25", 100.00m, issuedTo: "Luc Weber", invoiceDate: "2026-11-28"));
        var parent = await ClaimAsync(Client(InsuredApp), Stay("accompanying_person", Minor, voucher, "AT-2", "2026-11-24", "2026-11-25", 100.00m,
            issuedTo: "Anne Weber", accompanyingPerson: new { name = "Anne Weber", expressRequest = true }, invoiceDate: "2026-11-28"));
        Assert.Equal(100.00m, own.ReimbursedTotal);
        Assert.Equal(100.00m, parent.ReimbursedTotal);
        Assert.All(parent.Lines, l => Assert.Equal(NightHolder.AccompanyingPerson, l.Night));

        var noRequest = await ClaimAsync(Client(InsuredApp), Stay("accompanying_person", Minor, voucher, "AT-3", "2026-11-26", "2026-11-26", 50.00m,
            issuedTo: "Anne Weber", accompanyingPerson: new { name = "Anne Weber", expressRequest = false }, invoiceDate: "2026-11-28"));
        Assert.Equal((ClaimStatus.Refused, "ACCOMPANYING_PERSON_NOT_COVERED"), (noRequest.Status, string.Join(",", Codes(noRequest))));
        var twice = await ClaimAsync(Client(InsuredApp), Stay("accompanying_person", Minor, voucher, "AT-4", "2026-11-25", "2026-11-25", 50.00m,
            issuedTo: "Anne Weber", accompanyingPerson: new { name = "Anne Weber", expressRequest = true }, invoiceDate: "2026-11-28"));
        Assert.Equal(["NIGHT_ALREADY_PAID"], Codes(Line(twice, 1)));
    }

    [Theory]
    [InlineData("\"stay\":{\"firstNight\":\"2026-11-20\",\"lastNight\":\"2026-11-24\",\"nights\":5,\"amountPaid\":100}", "request.stay.lastNight")]
    [InlineData("\"stay\":{\"firstNight\":\"2026-11-20\",\"lastNight\":\"2026-11-21\",\"nights\":3,\"amountPaid\":100}", "request.stay.nights")]
    [InlineData("\"stay\":{\"firstNight\":\"2026-11-21\",\"lastNight\":\"2026-11-20\",\"nights\":1,\"amountPaid\":100}", "request.stay.lastNight")]
    [InlineData("\"stay\":{\"firstNight\":\"2026-11-20\",\"lastNight\":\"2026-11-21\",\"nights\":2,\"amountPaid\":100.005}", "request.stay.amountPaid")]
    [InlineData("\"stay\":{\"firstNight\":\"2026-11-20\",\"lastNight\":\"2026-11-21\",\"nights\":2,\"amountPaid\":-1}", "request.stay.amountPaid")]
    [InlineData("\"stay\":{\"firstNight\":\"2026-11-20\",\"lastNight\":\"2026-11-21\",\"nights\":2,\"amountPaid\":100},\"travelCosts\":10.001", "request.travelCosts")]
    [InlineData("\"stay\":{\"firstNight\":\"2026-11-20\",\"lastNight\":\"2026-11-21\",\"nights\":2,\"amountPaid\":100},\"lodging\":{\"kind\":\"tent\"}", "request.lodging")]
    [InlineData("\"sessions\":[]", "request.stay")]
    public async Task Ins07_bad_stay_claims_are_400_naming_the_field_and_store_nothing(string fields, string field)
    {
        var before = await CountsAsync();
        var json = $$"""
            {"kind":"s2_stay","matricule":"{{Schmit}}","voucherNumber":"C26-0001000-9",
             "invoice":{"number":"B-1","date":"2026-11-22","issuer":"Kurhaus","issuedTo":"Marie Schmit"},{{fields}}}
            """;
        var problem = await (await PostRawAsync(Client(InsuredApp), json, Invoice())).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem["errors"]![field] is not null, problem.ToJsonString());
        Assert.Equal(before, await CountsAsync());
    }

    // ---- INS-08 ---------------------------------------------------------------------------------------------------------

    private async Task<string> StayAsync(string admission, string discharge, string kind)
    {
        var body = new
        {
            matricule = Schmit, admissionDate = admission, dischargeDate = discharge, kind, childbirth = false, room = "standard", singleRoomMedicallyNeeded = false,
            accompanyingParentBed = false, countryOfCare = "LU", operations = Array.Empty<object>(),
        };
        var stay = await (await Client(Hospital1).PostJsonAsync("/api/v1/hospital-stays", body)).ExpectAsync<HospitalStayDto>(HttpStatusCode.Created);
        return stay.Id.ToString();
    }

    private static object Fees(string stayId, string invoiceNumber, params (string Date, string Act, decimal Paid)[] fees) =>
        Fees("DOC0001", stayId, invoiceNumber, fees);

    private static object Fees(string provider, string stayId, string invoiceNumber, params (string Date, string Act, decimal Paid)[] fees) => new
    {
        kind = "doctor_fees", matricule = Schmit, providerCode = provider, hospitalStayId = stayId,
        invoice = new { number = invoiceNumber, date = "2026-11-22" },
        fees = fees.Select(f => new { date = f.Date, actCode = f.Act, amountPaid = f.Paid }).ToArray(),
    };

    [Fact]
    public async Task Ins08_doctors_fees_the_insured_paid_are_reimbursed_at_the_hos04_rates()
    {
        var day = await StayAsync("2026-11-16", "2026-11-16", "day_hospital");
        var claim = await ClaimAsync(Client(InsuredApp), Fees(day, "DR-F-1", ("2026-11-16", "DV01", 42.00m), ("2026-11-16", "DV01", 42.00m), ("2026-11-17", "DV01", 42.00m)));

        Assert.Equal((ClaimLineOutcome.Accepted, (decimal?)88m, 36.96m), (Line(claim, 1).Outcome, Line(claim, 1).RatePercent, Line(claim, 1).ReimbursedAmount));
        Assert.Equal(ClaimLineOutcome.Refused, Line(claim, 2).Outcome);       // the same fee twice in one claim
        Assert.Contains("ACT_OUTSIDE_STAY", Codes(Line(claim, 3)));           // not during the stay
        Assert.Equal(36.96m, claim.ReimbursedTotal);
        Assert.DoesNotContain(claim.Lines, l => Codes(l).Contains("DIRECT_BILLING_NOT_ALLOWED")); // HOS-05 is the memoir route's condition
        Assert.Equal(Guid.Parse(day), claim.HospitalStayId);

        var before = await CountsAsync();
        var notADoctor = await (await PostAsync(Client(InsuredApp), Fees("PHY0001", day, "DR-F-2", ("2026-11-16", "DV01", 42.00m)), Invoice()))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotNull(notADoctor["errors"]!["request.providerCode"]);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task Ins08_a_fee_paid_on_one_route_is_not_paid_on_the_other()
    {
        var stay = await StayAsync("2026-11-16", "2026-11-20", "stationary"); // over 3 days: the doctor may bill directly (HOS-05)
        var claim = await ClaimAsync(Client(InsuredApp), Fees(stay, "DR-X-1", ("2026-11-17", "DV01", 42.00m)));
        Assert.Equal((ClaimLineOutcome.Accepted, 42.00m), (Line(claim, 1).Outcome, Line(claim, 1).ReimbursedAmount));

        var memoir = await Client(Doctor1).BillAsync("DR-X-M1", [
            FeeLine(stay, Schmit, "2026-11-17", "DV01", 42.00m), // reimbursed to the insured already
            FeeLine(stay, Schmit, "2026-11-18", "DV01", 42.00m),
        ]);
        Assert.Contains("FEE_ALREADY_PAID", memoir.Line(1).ReasonCodes());
        Assert.Equal(Domain.Billing.LineOutcome.Accepted, memoir.Line(2).Outcome);

        var late = await ClaimAsync(Client(InsuredApp), Fees(stay, "DR-X-2", ("2026-11-18", "DV01", 42.00m)));
        Assert.Equal((ClaimLineOutcome.Refused, "FEE_ALREADY_PAID"), (Line(late, 1).Outcome, Codes(Line(late, 1))[0]));
        Assert.StartsWith("memoir DR-X-M1", Line(late, 1).Reasons[0].Detail);

        // The database refuses a claim line for a fee the doctor was paid, whatever the application does.
        await using var conn = new NpgsqlConnection(Api.ConnectionString);
        await conn.OpenAsync();
        await using var update = new NpgsqlCommand("UPDATE cns.reimbursement_claim_lines SET outcome = 'Accepted' WHERE claim_id = @id", conn);
        update.Parameters.AddWithValue("id", late.Id);
        var e = await Assert.ThrowsAsync<PostgresException>(() => update.ExecuteNonQueryAsync());
        Assert.Equal((PostgresErrorCodes.UniqueViolation, "ins08_fee_paid_once"), (e.SqlState, e.ConstraintName));
    }

    // ---- the OpenAPI examples -------------------------------------------------------------------------------------------

    [Fact]
    public async Task Every_example_of_the_claim_operation_is_answered_as_is()
    {
        var document = await (await Client(null).GetAsync("/swagger/v1/swagger.json")).ExpectAsync(HttpStatusCode.OK);
        var examples = document["paths"]!["/api/v1/reimbursement-claims"]!["post"]!["requestBody"]!["content"]!["multipart/form-data"]!["examples"]!.AsObject();
        Assert.Equal(["physiotherapy", "cure_stay", "s2_stay", "accompanying_person", "doctor_fees"], examples.Select(e => e.Key));
        foreach (var (kind, example) in examples)
        {
            var request = example!["value"]!["request"]!;
            var claim = await (await PostRawAsync(Client(InsuredApp), request.ToJsonString(), Invoice())).ExpectAsync<ReimbursementClaimDto>(HttpStatusCode.Created);
            Assert.Equal(HttpAssertions.Read<ClaimKind>($"\"{kind}\""), claim.Kind); // the example's name, read as the wire's kind
        }
    }
}
