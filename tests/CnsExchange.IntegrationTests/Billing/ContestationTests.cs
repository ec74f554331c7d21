using System.Net;
using CnsExchange.Application.Features.Billing;
using CnsExchange.Domain.Billing;
using CnsExchange.Infrastructure.Persistence;
using CnsExchange.IntegrationTests.Support;
using Microsoft.EntityFrameworkCore;
using static CnsExchange.IntegrationTests.Billing.BillingApi;

namespace CnsExchange.IntegrationTests.Billing;

/// <summary>BIL-15: contest a refused or reduced line once; a reviewer upholds or overturns.</summary>
public sealed class ContestationTests(ApiFactory api) : ApiTest(api)
{
    private async Task<(string MemoirId, string Voucher)> MemoirWithAnExhaustedLineAsync()
    {
        var voucher = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { Sessions = 1 });
        var memoir = await SubmitAsync(Client(Physio1), Memoir("CONT-1",
            Line(voucher, "2026-11-10"), Line(voucher, "2026-11-12"), Line(voucher, "2026-11-13", act: "ZKX9", claimed: 20m)));
        Assert.Equal(["SESSIONS_EXHAUSTED"], Codes(LineOf(memoir, 2)));
        return (memoir.Id.ToString(), voucher);
    }

    /// <summary>
    /// A memoir whose line 2 is refused for its date (before the prescription, BIL-04) on a voucher with sessions left:
    /// a refused line a reviewer can overturn, since a session is free for it (BIL-06).
    /// </summary>
    private async Task<(string MemoirId, string Voucher)> MemoirWithALineRefusedForItsDateAsync(int sessions = 8, string reference = "CONT-1")
    {
        var voucher = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { Sessions = sessions });
        var memoir = await SubmitAsync(Client(Physio1), Memoir(reference, Line(voucher, "2026-11-10"), Line(voucher, "2026-11-01")));
        Assert.Equal(["SESSION_OUTSIDE_VALIDITY"], Codes(LineOf(memoir, 2)));
        return (memoir.Id.ToString(), voucher);
    }

    private Task<HttpResponseMessage> ContestAsync(string memoirId, int line, string code, string? key = null) =>
        Client(Physio1).PostJsonAsync($"/api/v1/fee-memoirs/{memoirId}/lines/{line}/contestation", new { code, text = "Session given and documented." });

    [Fact]
    public async Task Bil15_a_contested_line_overturned_becomes_payable_at_tariff_times_rate_in_the_next_run()
    {
        var (memoirId, _) = await MemoirWithALineRefusedForItsDateAsync();
        var contestation = await (await ContestAsync(memoirId, 2, "SESSION_OUTSIDE_VALIDITY")).ExpectAsync<ContestationDto>(HttpStatusCode.Created);
        Assert.Equal(ContestationStatus.Pending, contestation.Status);
        Assert.Equal(0m, contestation.PayableBefore);

        var queue = await ContestationsAsync(Client(Reviewer));
        var item = Assert.Single(queue.Items);
        Assert.Equal("CONT-1", item.MemoirReference);
        Assert.Equal("PHY0001", item.ProviderCode);
        Assert.Equal(["SESSION_OUTSIDE_VALIDITY"], Codes(item.Line));

        var decided = await DecideContestationAsync(Client(Reviewer), item.Id, new { decision = "overturn", note = "Checked." });
        Assert.Equal(ContestationStatus.Overturned, decided.Status);
        Assert.Equal(25.76m, decided.PayableAfter);

        var memoir = await (await Client(Physio1).GetAsync($"/api/v1/fee-memoirs/{memoirId}")).ExpectAsync<FeeMemoirDto>(HttpStatusCode.OK);
        var line = LineOf(memoir, 2);
        Assert.Equal(LineOutcome.Refused, line.Outcome); // the adjudication stays as it was
        Assert.Equal(25.76m, line.PayableAmount);
        Assert.Equal(ContestationStatus.Overturned, line.Contestation!.Status);
        Assert.Equal(["SESSION_OUTSIDE_VALIDITY", "CONTESTATION_OVERTURNED"], Codes(line));
        Assert.Null(line.Payment);

        // Payable and not yet taken by any payment run: the next run pays it.
        var unsettled = await Api.WithScopeAsync(sp => sp.GetRequiredService<AppDbContext>().Set<FeeMemoirLine>().AsNoTracking()
            .SingleAsync(l => l.MemoirId == Guid.Parse(memoirId) && l.LineNumber == 2));
        Assert.Null(unsettled.PaymentRunId);
        Assert.Equal(ContestationStatus.Overturned, unsettled.ContestationStatus);
        Assert.Equal(25.76m, unsettled.PayableAmount);

        Assert.Empty((await ContestationsAsync(Client(Reviewer))).Items);
        Assert.Single((await ContestationsAsync(Client(Reviewer), "?status=overturned")).Items);
        var twice = await Client(Reviewer).PostJsonAsync($"/api/v1/review/contestations/{item.Id}/decision", new { decision = "overturn" });
        await twice.ExpectProblemAsync(HttpStatusCode.Conflict, "contestation_already_decided");
    }

    /// <summary>
    /// BIL-15 with BIL-08 and BIL-07: an overturned refused line is paid, so it holds its session: the same session billed
    /// again is a duplicate, whichever memoir it comes in. It takes a session of its voucher (BIL-06).
    /// </summary>
    [Fact]
    public async Task Bil15_an_overturned_line_holds_its_session_so_it_is_not_billed_again()
    {
        var (memoirId, voucher) = await MemoirWithALineRefusedForItsDateAsync();
        Assert.Equal(1, await VoucherSeed.SessionsBilledAsync(Api, voucher));
        var contestation = await (await ContestAsync(memoirId, 2, "SESSION_OUTSIDE_VALIDITY")).ExpectAsync<ContestationDto>(HttpStatusCode.Created);
        await DecideContestationAsync(Client(Reviewer), contestation.Id, new { decision = "overturn" });
        Assert.Equal(2, await VoucherSeed.SessionsBilledAsync(Api, voucher));

        var again = await SubmitAsync(Client(Physio1), Memoir("CONT-AGAIN", Line(voucher, "2026-11-01")));
        Assert.Contains("DUPLICATE_LINE", Codes(LineOf(again, 1)));
        Assert.Equal(2, await VoucherSeed.SessionsBilledAsync(Api, voucher));
    }

    /// <summary>
    /// Audit s68 (cross) F1: an overturned refused line took no session of its voucher, so a 1-session voucher paid two
    /// (the overturned line, and a later memoir accepted on the session still shown as free). Sessions paid never exceed
    /// sessions granted (BIL-06): the overturn takes the voucher's session, the next memoir is refused SESSIONS_EXHAUSTED,
    /// and a void of the overturned line's memoir gives the session back.
    /// </summary>
    [Fact]
    public async Task Bil06_an_overturned_line_takes_a_session_of_its_voucher_and_gives_it_back_when_voided()
    {
        var (memoirId, voucher) = await MemoirWithALineRefusedForItsDateAsync(sessions: 2);
        Assert.Equal(1, await VoucherSeed.SessionsBilledAsync(Api, voucher));
        var contestation = await (await ContestAsync(memoirId, 2, "SESSION_OUTSIDE_VALIDITY")).ExpectAsync<ContestationDto>(HttpStatusCode.Created);
        await DecideContestationAsync(Client(Reviewer), contestation.Id, new { decision = "overturn" });
        Assert.Equal(2, await VoucherSeed.SessionsBilledAsync(Api, voucher));
        var shown = await (await Client(Physio1).GetAsync($"/api/v1/vouchers/{voucher}")).ExpectAsync<CnsExchange.Application.Features.Vouchers.VoucherDto>(HttpStatusCode.OK);
        Assert.Equal(0, Assert.Single(shown.Services).SessionsRemaining);

        var later = await SubmitAsync(Client(Physio1), Memoir("CONT-LATER", Line(voucher, "2026-11-20")));
        Assert.Equal(["SESSIONS_EXHAUSTED"], Codes(LineOf(later, 1)));

        await (await Client(Physio1).PostJsonAsync($"/api/v1/fee-memoirs/{memoirId}/cancellation", new { reason = "sent twice" })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(0, await VoucherSeed.SessionsBilledAsync(Api, voucher));
    }

    /// <summary>
    /// BIL-06 with BIL-15: a line refused SESSIONS_EXHAUSTED is overturned only once a session is free again (the one
    /// billed by mistake voided first); until then the overturn is 409 sessions_exhausted and changes nothing.
    /// </summary>
    [Fact]
    public async Task Bil06_an_exhausted_line_is_overturned_only_once_a_session_of_its_voucher_is_free()
    {
        var voucher = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { Sessions = 1 });
        var first = await SubmitAsync(Client(Physio1), Memoir("CONT-FIRST", Line(voucher, "2026-11-10")));
        var exhausted = await SubmitAsync(Client(Physio1), Memoir("CONT-EXHAUSTED", Line(voucher, "2026-11-12")));
        Assert.Equal(["SESSIONS_EXHAUSTED"], Codes(LineOf(exhausted, 1)));
        var contestation = await (await ContestAsync(exhausted.Id.ToString(), 1, "SESSIONS_EXHAUSTED")).ExpectAsync<ContestationDto>(HttpStatusCode.Created);

        var refused = await Client(Reviewer).PostJsonAsync($"/api/v1/review/contestations/{contestation.Id}/decision", new { decision = "overturn" });
        await refused.ExpectProblemAsync(HttpStatusCode.Conflict, "sessions_exhausted");
        Assert.Equal(ContestationStatus.Pending, Assert.Single((await ContestationsAsync(Client(Reviewer))).Items).Status);
        Assert.Equal(1, await VoucherSeed.SessionsBilledAsync(Api, voucher));

        await (await Client(Physio1).PostJsonAsync($"/api/v1/fee-memoirs/{first.Id}/cancellation", new { reason = "billed by mistake" })).ExpectAsync(HttpStatusCode.OK);
        var decided = await DecideContestationAsync(Client(Reviewer), contestation.Id, new { decision = "overturn", note = "The session billed by mistake was voided." });
        Assert.Equal(ContestationStatus.Overturned, decided.Status);
        Assert.Equal(25.76m, decided.PayableAfter);
        Assert.Equal(1, await VoucherSeed.SessionsBilledAsync(Api, voucher));
    }

    /// <summary>
    /// A provider voids (LIF-02) a memoir with a pending contestation: the contestation is withdrawn with it, leaves the
    /// reviewers' pending queue, and can no longer be decided; its line gains CONTESTATION_WITHDRAWN. Before, it stayed
    /// pending for ever: an overturn answered line_released and an uphold "decided" a line nothing could pay.
    /// </summary>
    [Fact]
    public async Task Bil15_a_pending_contestation_is_withdrawn_when_its_memoir_is_voided()
    {
        var (memoirId, _) = await MemoirWithAnExhaustedLineAsync();
        var contestation = await (await ContestAsync(memoirId, 2, "SESSIONS_EXHAUSTED")).ExpectAsync<ContestationDto>(HttpStatusCode.Created);
        await (await Client(Physio1).PostJsonAsync($"/api/v1/fee-memoirs/{memoirId}/cancellation", new { reason = "sent twice" })).ExpectAsync(HttpStatusCode.OK);
        await (await ContestAsync(memoirId, 2, "SESSIONS_EXHAUSTED")).ExpectProblemAsync(HttpStatusCode.Conflict, "line_already_contested");
        await (await ContestAsync(memoirId, 1, "INSURED_SHARE")).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "line_not_contestable");
        await (await ContestAsync(memoirId, 3, "NOT_COVERED")).ExpectProblemAsync(HttpStatusCode.Conflict, "line_released");

        Assert.Empty((await ContestationsAsync(Client(Reviewer))).Items);
        var withdrawn = Assert.Single((await ContestationsAsync(Client(Reviewer), "?status=withdrawn")).Items);
        Assert.Equal(contestation.Id, withdrawn.Id);
        Assert.Equal(ContestationStatus.Withdrawn, withdrawn.Status);
        Assert.NotNull(withdrawn.DecidedAt);
        Assert.Contains("voided the memoir", withdrawn.DecisionNote);
        Assert.Equal(0m, withdrawn.PayableAfter);
        Assert.Equal(["SESSIONS_EXHAUSTED", "CONTESTATION_WITHDRAWN"], Codes(withdrawn.Line));
        foreach (var decision in new[] { "overturn", "uphold" })
            await (await Client(Reviewer).PostJsonAsync($"/api/v1/review/contestations/{contestation.Id}/decision", new { decision }))
                .ExpectProblemAsync(HttpStatusCode.Conflict, "contestation_already_decided");

        var memoir = await (await Client(Physio1).GetAsync($"/api/v1/fee-memoirs/{memoirId}")).ExpectAsync<FeeMemoirDto>(HttpStatusCode.OK);
        Assert.Equal(ContestationStatus.Withdrawn, LineOf(memoir, 2).Contestation!.Status);
    }

    /// <summary>
    /// A reviewer's overturn and the provider's void of the memoir, sent at the same moment, ten times: they lock the line
    /// before the contestation, both of them, so neither deadlocks nor answers 500. Either the overturn comes first (the
    /// void then releases the overturned line and gives its session back) or the void does (the contestation is withdrawn
    /// and the overturn answers 409); in both the voucher ends with no session billed.
    /// </summary>
    [Fact]
    public async Task Bil15_an_overturn_and_the_void_of_its_memoir_at_the_same_moment_end_in_one_consistent_state()
    {
        for (var i = 0; i < 10; i++)
        {
            var (memoirId, voucher) = await MemoirWithALineRefusedForItsDateAsync(reference: $"CONT-RACE-{i}");
            var contestation = await (await ContestAsync(memoirId, 2, "SESSION_OUTSIDE_VALIDITY")).ExpectAsync<ContestationDto>(HttpStatusCode.Created);
            var overturn = Client(Reviewer).PostJsonAsync($"/api/v1/review/contestations/{contestation.Id}/decision", new { decision = "overturn" });
            var cancellation = Client(Physio1).PostJsonAsync($"/api/v1/fee-memoirs/{memoirId}/cancellation", new { reason = "sent twice" });
            await Task.WhenAll(overturn, cancellation);

            await (await cancellation).ExpectAsync(HttpStatusCode.OK);
            var decided = await overturn;
            var final = (await ContestationsAsync(Client(Reviewer), "?status=overturned")).Items
                .Concat((await ContestationsAsync(Client(Reviewer), "?status=withdrawn")).Items).Single(c => c.Id == contestation.Id);
            if (decided.StatusCode == HttpStatusCode.OK) Assert.Equal(ContestationStatus.Overturned, final.Status);
            else
            {
                await decided.ExpectProblemAsync(HttpStatusCode.Conflict, "contestation_already_decided");
                Assert.Equal(ContestationStatus.Withdrawn, final.Status);
            }
            Assert.Equal(0, await VoucherSeed.SessionsBilledAsync(Api, voucher));
        }
    }

    /// <summary>
    /// Migration ContestationsWithdrawnWithTheirMemoir on the rows the code before it left: its Down puts a withdrawn
    /// contestation back to pending (as a void left it then) and its Up withdraws it as the void does now, reason once.
    /// </summary>
    [Fact]
    public async Task Bil15_the_migration_withdraws_the_contestations_a_void_left_pending_before()
    {
        var (memoirId, _) = await MemoirWithAnExhaustedLineAsync();
        var contestation = await (await ContestAsync(memoirId, 2, "SESSIONS_EXHAUSTED")).ExpectAsync<ContestationDto>(HttpStatusCode.Created);
        await (await Client(Physio1).PostJsonAsync($"/api/v1/fee-memoirs/{memoirId}/cancellation", new { reason = "sent twice" })).ExpectAsync(HttpStatusCode.OK);
        var migration = new CnsExchange.Infrastructure.Persistence.Migrations.ContestationsWithdrawnWithTheirMemoir();

        await RunAsync(migration.DownOperations);
        var pending = Assert.Single((await ContestationsAsync(Client(Reviewer))).Items);
        Assert.Equal(["SESSIONS_EXHAUSTED"], Codes(pending.Line));
        Assert.Null(pending.DecidedAt);

        await RunAsync(migration.UpOperations);
        Assert.Empty((await ContestationsAsync(Client(Reviewer))).Items);
        var withdrawn = Assert.Single((await ContestationsAsync(Client(Reviewer), "?status=withdrawn")).Items);
        Assert.Equal(contestation.Id, withdrawn.Id);
        Assert.Equal(["SESSIONS_EXHAUSTED", "CONTESTATION_WITHDRAWN"], Codes(withdrawn.Line));
        Assert.Equal(0m, withdrawn.PayableAfter);
        Assert.Contains("voided the memoir", withdrawn.DecisionNote);
        var (decidedBy, releasedAt) = await Api.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            var by = await db.Set<LineContestation>().Where(c => c.Id == withdrawn.Id).Select(c => c.DecidedBy).SingleAsync();
            var at = await db.Set<FeeMemoirLine>().Where(l => l.MemoirId == Guid.Parse(memoirId) && l.LineNumber == 2).Select(l => l.ReleasedAt).SingleAsync();
            return (by, at);
        });
        Assert.Equal("memoir-void", decidedBy);
        Assert.Equal(releasedAt, withdrawn.DecidedAt);

        async Task RunAsync(IEnumerable<Microsoft.EntityFrameworkCore.Migrations.Operations.MigrationOperation> operations)
        {
            await using var conn = new Npgsql.NpgsqlConnection(Api.ConnectionString);
            await conn.OpenAsync();
            foreach (var sql in operations.OfType<Microsoft.EntityFrameworkCore.Migrations.Operations.SqlOperation>())
                await new Npgsql.NpgsqlCommand(sql.Sql, conn).ExecuteNonQueryAsync();
        }
    }

    /// <summary>LIF-03: a memoir replaced by a JSON memoir or by a billing file withdraws its pending contestation in the same transaction.</summary>
    [Theory]
    [InlineData("json")]
    [InlineData("csv")]
    public async Task Bil15_a_pending_contestation_is_withdrawn_when_its_memoir_is_replaced(string route)
    {
        var (memoirId, voucher) = await MemoirWithAnExhaustedLineAsync();
        await (await ContestAsync(memoirId, 2, "SESSIONS_EXHAUSTED")).ExpectAsync<ContestationDto>(HttpStatusCode.Created);
        if (route == "json")
            await SubmitAsync(Client(Physio1), new { memoirReference = "CONT-1-BIS", lines = new[] { Line(voucher, "2026-11-10") }, replaces = memoirId });
        else
        {
            var csv = "memoirReference,voucherNumber,matricule,sessionDate,actCode,claimedAmount,replaces\n" +
                      $"CONT-1-BIS,{voucher},{Adult},2026-11-10,ZK11,36.80,{memoirId}\n";
            var file = await WaitForFileAsync(Client(Physio1), (await UploadAsync(Client(Physio1), csv, "text/csv")).Id);
            Assert.Equal(BillingFileStatus.Processed, file.Status);
        }

        Assert.Empty((await ContestationsAsync(Client(Reviewer))).Items);
        var withdrawn = Assert.Single((await ContestationsAsync(Client(Reviewer), "?status=withdrawn")).Items);
        Assert.Equal("memoir-replacement", await Api.WithScopeAsync(sp => sp.GetRequiredService<AppDbContext>().Set<LineContestation>()
            .Where(c => c.Id == withdrawn.Id).Select(c => c.DecidedBy).SingleAsync()));
        Assert.Contains("replaced the memoir", withdrawn.DecisionNote);
    }

    [Fact]
    public async Task Bil15_a_line_refused_as_a_session_already_paid_cannot_be_contested_so_no_overturn_pays_a_session_twice()
    {
        var voucher = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { Sessions = 8 });
        await SubmitAsync(Client(Physio1), Memoir("CONT-PAID-1", Line(voucher, "2026-11-10")));
        var again = await SubmitAsync(Client(Physio1), Memoir("CONT-PAID-2", Line(voucher, "2026-11-10")));
        var code = Assert.Single(Codes(LineOf(again, 1)), c => c is "DUPLICATE_LINE" or "ONE_ACT_PER_SESSION");
        var problem = await (await ContestAsync(again.Id.ToString(), 1, code)).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "line_not_contestable");
        Assert.Contains("would pay it twice", problem["detail"]!.GetValue<string>());
        Assert.Empty((await ContestationsAsync(Client(Reviewer))).Items); // nothing stored
    }

    [Fact]
    public async Task Bil15_an_upheld_contestation_adds_its_reason_and_pays_nothing_more()
    {
        var (memoirId, _) = await MemoirWithAnExhaustedLineAsync();
        var contestation = await (await ContestAsync(memoirId, 2, "SESSIONS_EXHAUSTED")).ExpectAsync<ContestationDto>(HttpStatusCode.Created);
        await DecideContestationAsync(Client(Reviewer, "de"), contestation.Id, new { decision = "uphold", note = "Eight sessions were paid." });
        var memoir = await (await Client(Physio1).GetAsync($"/api/v1/fee-memoirs/{memoirId}")).ExpectAsync<FeeMemoirDto>(HttpStatusCode.OK);
        var line = LineOf(memoir, 2);
        Assert.Equal(0m, line.PayableAmount);
        Assert.Equal(["SESSIONS_EXHAUSTED", "CONTESTATION_UPHELD"], Codes(line));
        Assert.Equal("Contestation examined: the original decision is upheld (Eight sessions were paid.).", line.Reasons[1].Message);
    }

    [Fact]
    public async Task Bil15_only_refused_or_reduced_lines_may_be_contested_once_by_their_provider_before_any_return_file()
    {
        var (memoirId, _) = await MemoirWithAnExhaustedLineAsync();
        await (await ContestAsync(memoirId, 1, "INSURED_SHARE")).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "line_not_contestable");
        await (await ContestAsync(memoirId, 3, "NOT_COVERED")).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "line_not_contestable");
        await (await ContestAsync(memoirId, 2, "DUPLICATE_LINE")).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "contestation_code_not_on_line");
        await (await ContestAsync(memoirId, 9, "SESSIONS_EXHAUSTED")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        var foreign = await Client(Physio2).PostJsonAsync($"/api/v1/fee-memoirs/{memoirId}/lines/2/contestation", new { code = "SESSIONS_EXHAUSTED", text = "x" });
        await foreign.ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await Client(Physio1).PostJsonAsync($"/api/v1/fee-memoirs/{memoirId}/lines/2/contestation", new { code = "SESSIONS_EXHAUSTED" }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");

        await (await ContestAsync(memoirId, 2, "SESSIONS_EXHAUSTED")).ExpectAsync(HttpStatusCode.Created);
        await (await ContestAsync(memoirId, 2, "SESSIONS_EXHAUSTED")).ExpectProblemAsync(HttpStatusCode.Conflict, "line_already_contested");
        await (await Client(Physio1).GetAsync("/api/v1/review/contestations")).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        // A line a return file already reported can no longer be contested: Monday's payment run reports this one.
        var other = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { Sessions = 1, Matricule = "1965072021704" });
        var second = await SubmitAsync(Client(Physio1), Memoir("CONT-2",
            Line(other, "2026-11-10", matricule: "1965072021704"), Line(other, "2026-11-12", matricule: "1965072021704")));
        Assert.Equal(["SESSIONS_EXHAUSTED"], Codes(LineOf(second, 2)));
        var reportedId = second.Id.ToString();
        await (await Client(Admin).PutJsonAsync("/api/v1/admin/clock", new { now = new DateTimeOffset(2026, 11, 30, 2, 0, 0, TimeSpan.Zero) })).ExpectAsync(HttpStatusCode.OK);
        var reported = await (await Client(Physio1).GetAsync($"/api/v1/fee-memoirs/{reportedId}")).ExpectAsync<FeeMemoirDto>(HttpStatusCode.OK);
        Assert.NotNull(LineOf(reported, 2).Payment!.ReturnFileId);
        await (await ContestAsync(reportedId, 2, "SESSIONS_EXHAUSTED")).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "line_already_reported");
    }
}
