using System.Net;
using CnsExchange.Application.Common;
using CnsExchange.Application.Features.Billing;
using CnsExchange.Application.Features.Reimbursement;
using CnsExchange.Domain.Billing;
using CnsExchange.Domain.Reimbursement;
using CnsExchange.IntegrationTests.Support;
using CnsExchange.IntegrationTests.Validation;
using Npgsql;
using static CnsExchange.IntegrationTests.Reimbursement.ClaimApi;

namespace CnsExchange.IntegrationTests.Reimbursement;

/// <summary>The insured's route through HTTP (RULES.md §8): the insured channel, INS-01, INS-03 and INS-04.</summary>
public sealed class ReimbursementClaimTests(ApiFactory api) : ApiTest(api)
{
    private static readonly string[] ClaimTables = ["reimbursement_claims", "reimbursement_claim_lines", "attachments"];

    private Task<string> VoucherAsync(bool thirdParty = false, int sessions = 8) =>
        VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { ThirdPartyPayment = thirdParty, Sessions = sessions });

    private async Task<long[]> CountsAsync() => await Task.WhenAll(ClaimTables.Select(t => Api.CountAsync(t)));

    private static object Memoir(string reference, string voucher, string date) =>
        new { memoirReference = reference, lines = new[] { new { voucherNumber = voucher, matricule = Adult, sessionDate = date, actCode = "ZK11", travel = false, claimedAmount = 36.80m } } };

    private async Task<FeeMemoirDto> BillAsync(string reference, string voucher, string date) =>
        await (await Client(Physio1).PostJsonAsync("/api/v1/fee-memoirs", Memoir(reference, voucher, date))).ExpectAsync<FeeMemoirDto>(HttpStatusCode.Created);

    [Fact]
    public async Task Ins01_a_validation_asked_through_the_insured_channel_gives_a_voucher_the_provider_cannot_bill_and_the_insured_claims()
    {
        var rx = ValidationTestSupport.Rx() with { ProviderCode = "PHY0001" };
        var decision = await Client(InsuredApp).DecideAsync(rx);
        Assert.Equal(CnsExchange.Domain.Requests.RequestStatus.Agreed, decision.Status);
        Assert.False(decision.Voucher!.ThirdPartyPayment);
        Assert.Contains(decision.Reasons, r => r.Code == "THIRD_PARTY_NOT_APPLICABLE" && r.Rule == "INS-01");
        var voucher = decision.Voucher.Number;

        // BIL-02: the physiotherapist may not bill CNS for it.
        var memoir = await BillAsync("INS01-1", voucher, "2026-11-21");
        Assert.Equal(["THIRD_PARTY_NOT_APPLICABLE"], Codes(memoir.Lines[0]));

        // The insured pays and claims: the session is reimbursed at the voucher's rate.
        var claim = await ClaimAsync(Client(InsuredApp), Physio(voucher, "INS01-F1", Session("2026-11-21")));
        Assert.Equal(ClaimStatus.Adjudicated, claim.Status);
        Assert.Equal(ClaimLineOutcome.Accepted, Line(claim, 1).Outcome);
        Assert.Equal(25.76m, claim.ReimbursedTotal);
        Assert.Equal("CNS", claim.CompetentFund);
    }

    /// <summary>
    /// Audit s68 (schema) F1: the insured channel's 201 carried a Location it could not read (403 for its role). It reads
    /// the requests it sent, and their scans; a request the physiotherapist sent is not its own (404).
    /// </summary>
    [Fact]
    public async Task Ins01_the_insured_channel_reads_back_the_validation_requests_it_sent_and_no_other()
    {
        var insured = Client(InsuredApp);
        var response = await insured.SubmitAsync(ValidationTestSupport.Rx() with { ProviderCode = "PHY0001" });
        var sent = await response.ExpectAsync<CnsExchange.Application.Features.Validation.ValidationRequestDto>(HttpStatusCode.Created);
        var location = response.Headers.Location!.ToString();
        var read = await (await insured.GetAsync(location)).ExpectAsync<CnsExchange.Application.Features.Validation.ValidationRequestDto>(HttpStatusCode.OK);
        Assert.Equal(sent.Id, read.Id);
        Assert.Equal(sent.Voucher!.Number, read.Voucher!.Number);
        Assert.Equal(HttpStatusCode.OK, (await insured.GetAsync(location + "/scan")).StatusCode);
        await (await Client(Physio1).GetAsync(location)).ExpectAsync(HttpStatusCode.OK); // the physiotherapist it names

        var byPhysio = await Client(Physio1).DecideAsync(ValidationTestSupport.Rx());
        await (await insured.GetAsync($"/api/v1/validation-requests/{byPhysio.Id}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await insured.GetAsync($"/api/v1/validation-requests/{byPhysio.Id}/scan")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await Client(Physio2).GetAsync(location)).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");

        // Its decision is an event of the channel's feed too (and the physiotherapist's); the request sent by the physiotherapist is not.
        var feed = (await (await insured.GetAsync("/api/v1/events?types=validation_request.decided"))
            .ExpectAsync<CnsExchange.Application.Features.Events.EventPage>(HttpStatusCode.OK)).Items;
        Assert.Equal([sent.Id], feed.Select(e => e.Resource.Id));
        var physioFeed = (await (await Client(Physio1).GetAsync("/api/v1/events?types=validation_request.decided"))
            .ExpectAsync<CnsExchange.Application.Features.Events.EventPage>(HttpStatusCode.OK)).Items;
        Assert.Equal([sent.Id, byPhysio.Id], physioFeed.Select(e => e.Resource.Id));
    }

    [Fact]
    public async Task Ins01_the_insured_channel_must_name_the_physiotherapist()
    {
        var body = await (await Client(InsuredApp).SubmitAsync(ValidationTestSupport.Rx())).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotNull(body["errors"]!["request.providerCode"]);
        var unknown = await (await Client(InsuredApp).SubmitAsync(ValidationTestSupport.Rx() with { ProviderCode = "HOS0001" }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotNull(unknown["errors"]!["request.providerCode"]);
    }

    [Fact]
    public async Task Ins03_a_physiotherapy_claim_is_adjudicated_session_by_session_with_the_memoir_rules()
    {
        var voucher = await VoucherAsync();
        var claim = await ClaimAsync(Client(InsuredApp, "en"), Physio(voucher, "F-2026-001",
            Session("2026-11-05"), Session("2026-11-10", 45.00m), Session("2026-10-30"), Session("2026-11-12", 30.00m)));

        Assert.Equal(ClaimStatus.Adjudicated, claim.Status);
        Assert.Equal((ClaimLineOutcome.Accepted, 25.76m), (Line(claim, 1).Outcome, Line(claim, 1).ReimbursedAmount));
        Assert.Equal((ClaimLineOutcome.Reduced, 25.76m), (Line(claim, 2).Outcome, Line(claim, 2).ReimbursedAmount));
        Assert.Contains("AMOUNT_ABOVE_TARIFF", Codes(Line(claim, 2)));
        Assert.Equal((ClaimLineOutcome.Refused, 0m), (Line(claim, 3).Outcome, Line(claim, 3).ReimbursedAmount));
        Assert.Equal(["SESSION_OUTSIDE_VALIDITY"], Codes(Line(claim, 3)));
        Assert.Equal(21.00m, Line(claim, 4).ReimbursedAmount);
        Assert.Equal((148.60m, 72.52m), (claim.PaidTotal, claim.ReimbursedTotal));
        Assert.Contains("reimbursed to the insured: 25.76", Line(claim, 1).Reasons.Single(r => r.Code == "REIMBURSED").Message);
        Assert.Equal(3, await VoucherSeed.SessionsBilledAsync(Api, voucher));

        // The claim and its statement, for the channel that sent it, in the language asked.
        var read = await (await Client(InsuredApp, "de").GetAsync($"{Url}/{claim.Id}")).ExpectAsync<ReimbursementClaimDto>(HttpStatusCode.OK);
        Assert.Equal(72.52m, read.ReimbursedTotal);
        Assert.StartsWith("Dem Versicherten", Line(read, 1).Reasons.Single(r => r.Code == "REIMBURSED").Message);
        var list = await (await Client(InsuredApp).GetAsync(Url)).ExpectAsync<Page<ReimbursementClaimSummaryDto>>(HttpStatusCode.OK);
        Assert.Equal(claim.Id, list.Items[0].Id);
        Assert.Equal(1, await Api.CountAsync("attachments")); // the receipted invoice, in the attachment store
    }

    [Fact]
    public async Task Ins03_a_claim_without_its_invoice_is_refused_INVOICE_MISSING_and_consumes_nothing()
    {
        var voucher = await VoucherAsync();
        var response = await PostAsync(Client(InsuredApp), Physio(voucher, "F-NOINV", Session("2026-11-05")), invoice: null);
        var claim = await response.ExpectAsync<ReimbursementClaimDto>(HttpStatusCode.Created);

        Assert.Equal(ClaimStatus.Refused, claim.Status);
        Assert.Equal(["INVOICE_MISSING"], Codes(claim));
        Assert.Empty(claim.Lines);
        Assert.Equal(0m, claim.ReimbursedTotal);
        Assert.Equal(0, await VoucherSeed.SessionsBilledAsync(Api, voucher));
        Assert.Equal(new long[] { 1, 0, 0 }, await CountsAsync());

        // The same invoice sent with its file afterwards is a claim of its own, not a duplicate.
        await ClaimAsync(Client(InsuredApp), Physio(voucher, "F-NOINV", Session("2026-11-05")));
    }

    [Theory]
    [InlineData("{\"date\":\"2026-11-05\",\"actCode\":\"ZK11\",\"amountPaid\":36.805}", "request.sessions[0].amountPaid")]
    [InlineData("{\"date\":\"2026-11-05\",\"actCode\":\"ZK11\",\"amountPaid\":-36.80}", "request.sessions[0].amountPaid")]
    [InlineData("{\"date\":\"2026-11-05\",\"actCode\":\"ZK11\",\"amountPaid\":0}", "request.sessions[0].amountPaid")]
    [InlineData("{\"date\":\"2026-11-24\",\"actCode\":\"ZK11\",\"amountPaid\":36.80}", "request.sessions[0].date")]
    [InlineData("{\"date\":\"2026-11-05\",\"actCode\":\"\",\"amountPaid\":36.80}", "request.sessions[0].actCode")]
    public async Task Ins03_bad_sessions_are_400_naming_the_field_and_store_nothing(string session, string field)
    {
        var voucher = await VoucherAsync();
        var before = await CountsAsync();
        var json = $$"""
            {"kind":"physiotherapy","matricule":"{{Adult}}","voucherNumber":"{{voucher}}","providerCode":"PHY0001",
             "invoice":{"number":"F-BAD","date":"2026-11-20","issuer":"PHY0001"},"sessions":[{{session}}]}
            """;
        var problem = await (await PostRawAsync(Client(InsuredApp), json, Invoice())).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotNull(problem["errors"]![field]);
        Assert.Equal(before, await CountsAsync());
        Assert.Equal(0, await VoucherSeed.SessionsBilledAsync(Api, voucher));
    }

    [Theory]
    [InlineData("\"invoice\":{\"number\":\"F-1\",\"date\":\"2026-11-24\",\"issuer\":\"PHY0001\"}", "request.invoice.date")]
    [InlineData("\"invoice\":{\"number\":\"\",\"date\":\"2026-11-20\",\"issuer\":\"PHY0001\"}", "request.invoice.number")]
    [InlineData("\"statementLanguage\":\"it\",\"invoice\":{\"number\":\"F-1\",\"date\":\"2026-11-20\"}", "request.statementLanguage")]
    [InlineData("\"matricule\":\"1983081246786\",\"invoice\":{\"number\":\"F-1\",\"date\":\"2026-11-20\"}", "request.matricule")]
    public async Task Ins03_bad_claims_are_400_naming_the_field_and_store_nothing(string fields, string field)
    {
        var before = await CountsAsync();
        var json = $$"""
            {"kind":"physiotherapy","matricule":"{{Adult}}","voucherNumber":"K26-0001000-3","providerCode":"PHY0001",{{fields}},
             "sessions":[{"date":"2026-11-05","actCode":"ZK11","amountPaid":36.80}]}
            """;
        var problem = await (await PostRawAsync(Client(InsuredApp), json, Invoice())).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotNull(problem["errors"]![field]);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task Ins03_the_same_invoice_twice_is_DUPLICATE_CLAIM_naming_the_first_claim()
    {
        var voucher = await VoucherAsync();
        var first = await ClaimAsync(Client(InsuredApp), Physio(voucher, "F-DUP", Session("2026-11-05")));
        var before = await CountsAsync();

        // Same issuer and number, another file; then the same file under another number.
        var again = await (await PostAsync(Client(InsuredApp), Physio(voucher, "F-DUP", Session("2026-11-06")), Invoice()))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "DUPLICATE_CLAIM");
        Assert.Equal(first.Id, again["claimId"]!.GetValue<Guid>());
        var file = Invoice("same-file");
        await ClaimAsync(Client(InsuredApp), Physio(voucher, "F-FILE-1", Session("2026-11-07")), file);
        var sameFile = await (await PostAsync(Client(InsuredApp), Physio(voucher, "F-FILE-2", Session("2026-11-08")), file))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "DUPLICATE_CLAIM");
        Assert.NotEqual(first.Id, sameFile["claimId"]!.GetValue<Guid>());
        Assert.Equal(before.Zip([1L, 1L, 1L], (a, b) => a + b), await CountsAsync());
        Assert.Equal(2, await VoucherSeed.SessionsBilledAsync(Api, voucher));
    }

    /// <summary>
    /// The same invoice claimed several times at once: one claim is made, every other answer is DUPLICATE_CLAIM naming it,
    /// and only its session is consumed. (In runs of this test the claims met at the check before the save; two that pass
    /// it together are the next test's subject.)
    /// </summary>
    [Fact]
    public async Task Ins03_the_same_invoice_claimed_in_parallel_makes_one_claim_and_names_it_in_every_other_answer()
    {
        // Each on a voucher of its own and with a scan of its own, so that neither the lock on a voucher's services nor the
        // attachment store's index of identical content puts them one after the other.
        var vouchers = new List<string>();
        for (var i = 0; i < 8; i++) vouchers.Add(await VoucherAsync());
        var before = await CountsAsync();
        var answers = await Task.WhenAll(vouchers.Select((voucher, i) =>
            PostAsync(Client(InsuredApp), Physio(voucher, "F-PAR", Session($"2026-11-{5 + i:00}")), Invoice($"scan {i}"))));

        var created = Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created);
        var claim = await created.ExpectAsync<ReimbursementClaimDto>(HttpStatusCode.Created);
        foreach (var other in answers.Where(a => a != created))
            Assert.Equal(claim.Id, (await other.ExpectProblemAsync(HttpStatusCode.Conflict, "DUPLICATE_CLAIM"))["claimId"]!.GetValue<Guid>());
        Assert.Equal(before.Zip([1L, 1L, 1L], (a, b) => a + b), await CountsAsync());
        Assert.Equal(1, (await Task.WhenAll(vouchers.Select(v => VoucherSeed.SessionsBilledAsync(Api, v)))).Sum());
    }

    /// <summary>
    /// Two claims of one invoice that both pass the check before the save: the second waits on the unique index for the
    /// first, then is DUPLICATE_CLAIM naming it, with nothing of it kept. Made certain here: the invoice number of a stored
    /// claim is changed in a transaction held open (the check, which reads committed data, does not see it), and committed
    /// once the claim's INSERT waits on the index.
    /// </summary>
    [Fact]
    public async Task Ins03_a_claim_that_passed_the_check_while_another_of_its_invoice_was_saving_is_DUPLICATE_CLAIM_naming_it()
    {
        var voucher = await VoucherAsync();
        var first = await ClaimAsync(Client(InsuredApp), Physio(voucher, "F-BEFORE", Session("2026-11-05")));
        var before = await CountsAsync();

        await using var owner = new Npgsql.NpgsqlConnection(Api.ConnectionString);
        await owner.OpenAsync();
        await using var held = await owner.BeginTransactionAsync();
        await Sql.ExecuteAsync(owner, "UPDATE cns.reimbursement_claims SET invoice_number = 'F-RACE' WHERE id = $1", first.Id);

        var racing = PostAsync(Client(InsuredApp), Physio(voucher, "F-RACE", Session("2026-11-06")), Invoice("racing scan"));
        await Sql.WaitUntilWaitingOnLockAsync(Api.ConnectionString, "%INSERT INTO cns.reimbursement_claims%", racing,
            "The claim's INSERT never waited on the held claim.");
        await held.CommitAsync();

        var problem = await (await racing).ExpectProblemAsync(HttpStatusCode.Conflict, "DUPLICATE_CLAIM");
        Assert.Equal(first.Id, problem["claimId"]!.GetValue<Guid>());
        Assert.Equal(before, await CountsAsync());
        Assert.Equal(1, await VoucherSeed.SessionsBilledAsync(Api, voucher));
    }

    [Fact]
    public async Task Ins04_a_session_paid_to_the_provider_is_not_reimbursed_and_a_reimbursed_one_is_not_paid_to_the_provider()
    {
        var voucher = await VoucherAsync(thirdParty: true);
        var billed = await BillAsync("INS04-1", voucher, "2026-11-05");
        Assert.Equal(LineOutcome.Accepted, billed.Lines[0].Outcome);

        var claim = await ClaimAsync(Client(InsuredApp), Physio(voucher, "F-INS04", Session("2026-11-05"), Session("2026-11-10")));
        Assert.Equal(["SESSION_ALREADY_PAID"], Codes(Line(claim, 1)));
        Assert.Equal(ClaimLineOutcome.Accepted, Line(claim, 2).Outcome);

        var memoir = await BillAsync("INS04-2", voucher, "2026-11-10");
        Assert.Equal(["SESSION_ALREADY_PAID"], Codes(memoir.Lines[0]));
        Assert.Equal(2, await VoucherSeed.SessionsBilledAsync(Api, voucher));

        // A second claim for the reimbursed session: paid once on this route too.
        var second = await ClaimAsync(Client(InsuredApp), Physio(voucher, "F-INS04-B", Session("2026-11-10")));
        Assert.Equal(["SESSION_ALREADY_PAID"], Codes(Line(second, 1)));
    }

    private async Task<(FeeMemoirDto Accepted, FeeMemoirDto Exhausted, Guid Contestation)> ContestedExhaustedLineAsync(string voucher)
    {
        var accepted = await BillAsync("INS04-C1", voucher, "2026-11-05");
        var exhausted = await BillAsync("INS04-C2", voucher, "2026-11-06");
        Assert.Equal(["SESSIONS_EXHAUSTED"], Codes(exhausted.Lines[0]));
        var contestation = await Billing.BillingApi.ContestLineAsync(Client(Physio1), exhausted.Id, 1, new { code = "SESSIONS_EXHAUSTED", text = "A session was freed." });
        return (accepted, exhausted, contestation.Id);
    }

    /// <summary>Audit s66: the session freed by a void was reimbursed to the insured, then the provider's contested line for it was overturned; both were paid.</summary>
    [Fact]
    public async Task Ins04_an_overturn_is_refused_when_the_session_was_reimbursed_to_the_insured_since_the_line_was_contested()
    {
        var voucher = await VoucherAsync(thirdParty: true, sessions: 1);
        var (accepted, exhausted, contestation) = await ContestedExhaustedLineAsync(voucher);
        await (await Client(Physio1).PostJsonAsync($"/api/v1/fee-memoirs/{accepted.Id}/cancellation", new { reason = "wrong patient" })).ExpectAsync(HttpStatusCode.OK);
        var claim = await ClaimAsync(Client(InsuredApp), Physio(voucher, "F-INS04-OVR", Session("2026-11-06")));
        Assert.Equal(ClaimLineOutcome.Accepted, Line(claim, 1).Outcome);

        var overturn = await Client(Reviewer).PostJsonAsync($"/api/v1/review/contestations/{contestation}/decision", new { decision = "overturn" });
        await overturn.ExpectProblemAsync(HttpStatusCode.Conflict, "session_paid_elsewhere");
        var line = (await (await Client(Physio1).GetAsync($"/api/v1/fee-memoirs/{exhausted.Id}")).ExpectAsync<FeeMemoirDto>(HttpStatusCode.OK)).Lines[0];
        Assert.Equal(0m, line.PayableAmount);
        Assert.Equal(ContestationStatus.Pending, line.Contestation!.Status);
        Assert.Equal(1, await VoucherSeed.SessionsBilledAsync(Api, voucher));
    }

    [Fact]
    public async Task Ins04_an_overturned_line_holds_its_session_so_the_insured_is_not_reimbursed_it_again()
    {
        var voucher = await VoucherAsync(thirdParty: true, sessions: 1);
        var (accepted, _, contestation) = await ContestedExhaustedLineAsync(voucher);
        // The session billed by mistake is voided first: the overturn takes it (BIL-06).
        await (await Client(Physio1).PostJsonAsync($"/api/v1/fee-memoirs/{accepted.Id}/cancellation", new { reason = "wrong patient" })).ExpectAsync(HttpStatusCode.OK);
        await Billing.BillingApi.DecideContestationAsync(Client(Reviewer), contestation, new { decision = "overturn" });

        var claim = await ClaimAsync(Client(InsuredApp), Physio(voucher, "F-INS04-AFTER", Session("2026-11-06")));
        Assert.Equal(ClaimLineOutcome.Refused, Line(claim, 1).Outcome);
        Assert.Contains("SESSION_ALREADY_PAID", Codes(Line(claim, 1)));
        Assert.Equal(1, await VoucherSeed.SessionsBilledAsync(Api, voucher));
    }

    /// <summary>Audit s66: LIF-01 counted only memoir lines, so a provider cancelled a voucher on which the insured had a reimbursed session.</summary>
    [Fact]
    public async Task Lif01_a_voucher_with_a_session_reimbursed_to_the_insured_is_not_cancelled_by_its_provider()
    {
        var voucher = await VoucherAsync(thirdParty: true);
        Assert.Equal(ClaimLineOutcome.Accepted, Line(await ClaimAsync(Client(InsuredApp), Physio(voucher, "F-LIF01", Session("2026-11-05"))), 1).Outcome);

        await (await Client(Physio1).PostJsonAsync($"/api/v1/vouchers/{voucher}/cancellation", new { reason = "never came" }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "voucher_has_accepted_sessions");
        var view = await (await Client(Physio1).GetAsync($"/api/v1/vouchers/{voucher}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Null(view["cancellation"]);
    }

    [Fact]
    public async Task Ins04_both_routes_racing_for_the_same_sessions_pay_each_session_once()
    {
        var voucher = await VoucherAsync(thirdParty: true, sessions: 30);
        var dates = Enumerable.Range(0, 12).Select(i => new DateOnly(2026, 11, 4).AddDays(i).ToString("yyyy-MM-dd")).ToList();
        var provider = Client(Physio1);
        var insured = Client(InsuredApp);
        var memoirs = dates.Select((d, i) => provider.PostJsonAsync("/api/v1/fee-memoirs", Memoir($"RACE-{i}", voucher, d)));
        var claims = dates.Select((d, i) => PostAsync(insured, Physio(voucher, $"F-RACE-{i}", Session(d)), Invoice()));
        var responses = await Task.WhenAll(memoirs.Concat(claims));
        // The memoirs' first lines and the claims' first lines, each read as its route's DTO.
        var lines = new List<(bool Accepted, bool Refused, IReadOnlyList<string> Codes)>();
        foreach (var r in responses.Take(dates.Count))
        {
            var line = (await r.ExpectAsync<FeeMemoirDto>(HttpStatusCode.Created)).Lines[0];
            lines.Add((line.Outcome == LineOutcome.Accepted, line.Outcome == LineOutcome.Refused, Codes(line)));
        }
        foreach (var r in responses.Skip(dates.Count))
        {
            var line = (await r.ExpectAsync<ReimbursementClaimDto>(HttpStatusCode.Created)).Lines[0];
            lines.Add((line.Outcome == ClaimLineOutcome.Accepted, line.Outcome == ClaimLineOutcome.Refused, Codes(line)));
        }
        Assert.Equal(dates.Count, lines.Count(l => l.Accepted));
        Assert.All(lines.Where(l => l.Refused), l => Assert.Equal(["SESSION_ALREADY_PAID"], l.Codes));
        Assert.Equal(dates.Count, await VoucherSeed.SessionsBilledAsync(Api, voucher));
        await using var conn = new NpgsqlConnection(Api.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            SELECT count(*) FROM (
              SELECT session_date FROM cns.fee_memoir_lines WHERE outcome IN ('Accepted', 'Reduced')
              UNION ALL SELECT service_date FROM cns.reimbursement_claim_lines WHERE outcome IN ('Accepted', 'Reduced')) paid
            """, conn);
        Assert.Equal((long)dates.Count, (long)(await cmd.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task Ins04_the_database_refuses_a_claim_line_for_a_session_the_provider_was_paid_whatever_the_application_does()
    {
        var voucher = await VoucherAsync(thirdParty: true);
        await BillAsync("INS04-DB", voucher, "2026-11-05");
        var claim = await ClaimAsync(Client(InsuredApp), Physio(voucher, "F-DB", Session("2026-11-06")));

        await using var conn = new NpgsqlConnection(Api.ConnectionString);
        await conn.OpenAsync();
        // Move the reimbursed session onto the provider's day: the claim-line trigger refuses it.
        await using var move = new NpgsqlCommand("UPDATE cns.reimbursement_claim_lines SET service_date = '2026-11-05' WHERE claim_id = @id", conn);
        move.Parameters.AddWithValue("id", claim.Id);
        var e = await Assert.ThrowsAsync<PostgresException>(() => move.ExecuteNonQueryAsync());
        Assert.Equal((PostgresErrorCodes.UniqueViolation, "ins04_session_paid_once"), (e.SqlState, e.ConstraintName));
        // Move the provider's session onto the reimbursed day: inserting it as a new line is refused by the memoir-line trigger.
        await using var copy = new NpgsqlCommand("""
            INSERT INTO cns.fee_memoir_lines
            SELECT (jsonb_populate_record(NULL::cns.fee_memoir_lines,
              to_jsonb(l) || jsonb_build_object('id', gen_random_uuid(), 'line_number', 2, 'session_date', '2026-11-06'))).*
            FROM cns.fee_memoir_lines l LIMIT 1
            """, conn);
        e = await Assert.ThrowsAsync<PostgresException>(() => copy.ExecuteNonQueryAsync());
        Assert.Equal((PostgresErrorCodes.UniqueViolation, "ins04_session_paid_once"), (e.SqlState, e.ConstraintName));
    }

    [Fact]
    public async Task The_insured_channel_sees_nothing_of_providers_data_and_providers_nothing_of_claims()
    {
        var voucher = await VoucherAsync();
        var memoir = await BillAsync("ACCESS-1", voucher, "2026-11-05");
        var claim = await ClaimAsync(Client(InsuredApp), Physio(voucher, "F-ACCESS", Session("2026-11-06")));
        var insured = Client(InsuredApp);

        foreach (var url in new[] { "/api/v1/fee-memoirs", $"/api/v1/fee-memoirs/{memoir.Id}", "/api/v1/validation-requests", $"/api/v1/vouchers/{voucher}",
                     "/api/v1/return-files", "/api/v1/review/queue", "/api/v1/admin/insured" })
            Assert.True((await insured.GetAsync(url)).StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound, url);
        await (await insured.PostJsonAsync("/api/v1/fee-memoirs", Memoir("BY-INSURED", voucher, "2026-11-07"))).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        foreach (var key in new[] { Physio1, Physio2 })
        {
            await (await Client(key).GetAsync($"{Url}/{claim.Id}")).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
            await (await Client(key).GetAsync(Url)).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
            await (await PostAsync(Client(key), Physio(voucher, "F-PROVIDER", Session("2026-11-08")), Invoice())).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        }
        // CNS staff read it; an unknown id is 404.
        await (await Client(Reviewer).GetAsync($"{Url}/{claim.Id}")).ExpectAsync(HttpStatusCode.OK);
        await (await insured.GetAsync($"{Url}/{Guid.NewGuid()}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
    }
}
