using System.Net;
using CnsExchange.Application.Features.PaymentRuns;
using CnsExchange.Domain.Payments;
using CnsExchange.Domain.Reimbursement;
using CnsExchange.IntegrationTests.Support;
using Microsoft.EntityFrameworkCore;
using static CnsExchange.IntegrationTests.PaymentRuns.PaymentRunApi;
using static CnsExchange.IntegrationTests.Reimbursement.ClaimApi;

namespace CnsExchange.IntegrationTests.Reimbursement;

/// <summary>
/// INS-05 with PAY-06: a run paying claims, interrupted at every point of the claim stage, then executed again, pays each claim
/// line once, loses none, and stores the very bytes (pain.001 per fund, statements) an uninterrupted run stores.
/// </summary>
public sealed class ClaimPaymentCrashTests(ApiFactory api) : ApiTest(api)
{
    private static readonly DateOnly SlotDate = new(2026, 11, 30);
    private const string CmfepMember = "1978031512369";

    public static TheoryData<string, int, PaymentRunStatus> Interruptions => new()
    {
        { ClaimPaymentFaultPoints.LinesTaken, 1, PaymentRunStatus.Created },
        { ClaimPaymentFaultPoints.ClaimsTaken, 1, PaymentRunStatus.Created },
        { ClaimPaymentFaultPoints.OrdersInserted, 1, PaymentRunStatus.LinesClaimed },
        { ClaimPaymentFaultPoints.FileBuilt, 1, PaymentRunStatus.OrdersBuilt },  // the first fund's pain.001
        { ClaimPaymentFaultPoints.FileBuilt, 9, PaymentRunStatus.OrdersBuilt },  // the second fund's first statement
        { ClaimPaymentFaultPoints.FundWritten, 2, PaymentRunStatus.OrdersBuilt },
        { ClaimPaymentFaultPoints.LinesPaid, 1, PaymentRunStatus.FilesWritten },
        { ClaimPaymentFaultPoints.ClaimsPaid, 1, PaymentRunStatus.FilesWritten },
    };

    private async Task SeedAsync()
    {
        foreach (var (matricule, iban, bic) in new[] { (Adult, "LU030021000012345678", "BILLLULL"), (CmfepMember, "DE89370400440532013000", "COBADEFFXXX") })
        {
            await (await Client(Admin).PutJsonAsync($"/api/v1/admin/insured/{matricule}/bank-account", new { iban, bic })).ExpectAsync(HttpStatusCode.OK);
            var voucher = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { ThirdPartyPayment = false, Matricule = matricule });
            await ClaimAsync(Client(InsuredApp), new
            {
                kind = "physiotherapy", matricule, voucherNumber = voucher, providerCode = "PHY0001",
                invoice = new { number = $"CRASH-{matricule}", date = "2026-11-20", issuer = "PHY0001" },
                sessions = new[] { Session("2026-11-05"), Session("2026-11-10", 45.00m), Session("2026-10-30") }, statementLanguage = "fr",
            });
        }
    }

    private sealed record Snapshot(PaymentRunStatus Status, IReadOnlyList<string> Lines, IReadOnlyList<string> Claims, IReadOnlyList<string> Orders, IReadOnlyList<string> Files);

    private Task<Snapshot> SnapshotAsync(Guid runId) => DbAsync(Api, async db => new Snapshot(
        await db.Set<PaymentRun>().AsNoTracking().Where(r => r.Id == runId).Select(r => r.Status).SingleAsync(),
        (await db.Set<ReimbursementClaimLine>().AsNoTracking().OrderBy(l => l.Id).ToListAsync()).Select(l => $"{l.Id} {l.PaymentRunId} {l.PaidAmount} {l.PaidAt:O}").ToList(),
        (await db.Set<ReimbursementClaim>().AsNoTracking().OrderBy(c => c.Id).ToListAsync()).Select(c => $"{c.Id} {c.Status} {c.PaymentRunId} {c.PaidOn}").ToList(),
        (await db.Set<ClaimPaymentOrder>().AsNoTracking().OrderBy(o => o.ClaimId).ToListAsync()).Select(o => $"{o.ClaimId} {o.RunId} {o.Fund} {o.Amount:0.00} {o.EndToEndId} {o.Iban}").ToList(),
        (await db.Set<ClaimPaymentFile>().AsNoTracking().ToListAsync())
            .Select(f => $"{f.Kind}/{f.Fund}/{f.ClaimId}/{f.Format}/{f.Language} {f.Sha256} {Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(f.Content))}")
            .Order(StringComparer.Ordinal).ToList()));

    /// <summary>The database as before the run (test only: triggers off, PAY-06 and INS-05 forbid it otherwise), and the run-number sequence.</summary>
    private Task RewindAsync(Guid runId, long runNumberValue) => RawSqlWithoutTriggersAsync(Api, """
        UPDATE cns.reimbursement_claim_lines SET payment_run_id = NULL, paid_amount = NULL, paid_at = NULL WHERE payment_run_id = @run;
        UPDATE cns.reimbursement_claims SET payment_run_id = NULL, paid_on = NULL, status = 'Adjudicated' WHERE payment_run_id = @run;
        DELETE FROM cns.claim_payment_files WHERE run_id = @run;
        DELETE FROM cns.claim_payment_orders WHERE run_id = @run;
        DELETE FROM cns.payment_runs WHERE id = @run;
        SELECT setval('cns.payment_run_number_seq', @number, false);
        """, ("run", runId), ("number", runNumberValue));

    [Theory]
    [MemberData(nameof(Interruptions))]
    public async Task Ins05_a_run_paying_claims_interrupted_and_executed_again_pays_each_claim_line_once_and_writes_the_same_bytes(
        string point, int occurrence, PaymentRunStatus stoppedAt)
    {
        await SeedAsync();
        var runId = await CreateSlotRunAsync(Api, SlotDate);
        Assert.Equal(PaymentRunStatus.Closed, await ExecuteAsync(Api, runId));
        var expected = await SnapshotAsync(runId);
        Assert.Equal(2, expected.Orders.Count);
        Assert.Equal(2 + 2 * 6, expected.Files.Count);
        Assert.Equal(6, expected.Lines.Count(l => l.Contains(runId.ToString())));
        var number = await DbAsync(Api, db => db.Set<PaymentRun>().AsNoTracking().Where(r => r.Id == runId).Select(r => r.Number).SingleAsync());

        Api.Clock.Advance(TimeSpan.FromMinutes(7));
        await using (await Api.PausePaymentRunTickAsync())
        {
            await RewindAsync(runId, long.Parse(number[8..]));
            Assert.Equal(runId, await CreateSlotRunAsync(Api, SlotDate));
            Api.PaymentRunFaults.ArmHere(point, occurrence);
            var crash = await Record.ExceptionAsync(() => ExecuteAsync(Api, runId));
            Assert.True(Api.PaymentRunFaults.Fired, $"the run never reached {point} #{occurrence}");
            Assert.IsType<SimulatedCrashException>(crash);
            var interrupted = await SnapshotAsync(runId);
            Assert.Equal(stoppedAt, interrupted.Status);
            Assert.Equal(stoppedAt == PaymentRunStatus.Created ? 0 : 6, interrupted.Lines.Count(l => l.Contains(runId.ToString())));
            Assert.Equal(stoppedAt < PaymentRunStatus.OrdersBuilt ? 0 : 2, interrupted.Orders.Count);
            Assert.Equal(stoppedAt < PaymentRunStatus.FilesWritten ? 0 : expected.Files.Count, interrupted.Files.Count);
            Assert.DoesNotContain(interrupted.Claims, c => c.Contains(" Paid "));
        }

        Api.Clock.Advance(TimeSpan.FromMinutes(7));
        Assert.Equal(PaymentRunStatus.Closed, await ExecuteAsync(Api, runId));
        Assert.Equal(PaymentRunStatus.Closed, await ExecuteAsync(Api, runId));
        var actual = await SnapshotAsync(runId);
        Assert.Equal(expected.Lines, actual.Lines);
        Assert.Equal(expected.Claims, actual.Claims);
        Assert.Equal(expected.Orders, actual.Orders);
        Assert.Equal(expected.Files, actual.Files);
        var check = await (await Client(Admin).GetAsync($"/api/v1/payment-runs/{runId}/verification")).ExpectAsync<PaymentRunVerificationDto>(HttpStatusCode.OK);
        Assert.True(check.Identical);
    }
}
