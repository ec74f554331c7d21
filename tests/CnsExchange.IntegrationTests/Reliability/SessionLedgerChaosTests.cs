using System.Net;
using System.Text.Json.Nodes;
using CnsExchange.IntegrationTests.Billing;
using CnsExchange.IntegrationTests.Lifecycle;
using CnsExchange.IntegrationTests.Reimbursement;
using CnsExchange.IntegrationTests.Sandboxes;
using CnsExchange.IntegrationTests.Support;
using CnsExchange.IntegrationTests.Validation;
using Npgsql;
using Xunit.Abstractions;

namespace CnsExchange.IntegrationTests.Reliability;

/// <summary>
/// BIL-06, INS-04, LIF-01/02 and BIL-15 together, at random and concurrently: eight clients send fee memoirs and the
/// insured's reimbursement claims on four vouchers of one insured, void memoirs, contest lines (a reviewer upholds or
/// overturns), and now and then cancel a voucher. Afterwards the database must agree with itself: each voucher service's
/// session counter equals the sessions that hold it on either route, never exceeds the sessions granted, and no session
/// (voucher, date, act) is held twice across the routes. Runs in a sandbox of its own.
/// </summary>
public sealed class SessionLedgerChaosTests(ApiFactory api, ITestOutputHelper output) : ApiTest(api)
{
    private const int Workers = 8;
    private const int OperationsPerWorker = 40;

    [Fact]
    [Trait("Category", "Reliability")]
    public async Task Concurrent_memoirs_claims_voids_contestations_and_cancellations_keep_every_session_counter_equal_to_the_sessions_held()
    {
        await SandboxApi.InOwnSandboxAsync(Client(Operator), "session-ledger-chaos", async sandbox =>
        {
            var physio = Client(sandbox.Key("physio-1"));
            var insured = Client(sandbox.Key("insured-app"));
            var reviewer = Client(sandbox.Key("reviewer"));
            var vouchers = await physio.AgreedVouchersAsync(4);
            await BillingApi.AdvanceDaysAsync(Client(sandbox.Key("admin")), 30);

            var memoirs = new System.Collections.Concurrent.ConcurrentBag<string>();
            var answers = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
            var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
            var sequence = 0;

            async Task Worker(int seed)
            {
                var random = new Random(seed);
                for (var n = 0; n < OperationsPerWorker; n++)
                {
                    var voucher = vouchers[random.Next(vouchers.Count)];
                    string Day() => new DateOnly(2026, 11, 24).AddDays(random.Next(20)).ToString("yyyy-MM-dd");
                    var roll = random.Next(100);
                    var (label, response) = roll switch
                    {
                        < 40 => ("memoir", await physio.PostJsonAsync("/api/v1/fee-memoirs", BillingApi.Memoir($"CHAOS-{Interlocked.Increment(ref sequence)}",
                            Enumerable.Range(0, 1 + random.Next(3)).Select(_ => BillingApi.Line(voucher, Day(), claimed: random.Next(4) == 0 ? 99m : 36.80m)).ToArray()))),
                        < 60 => ("claim", await ClaimApi.PostAsync(insured, ClaimApi.Physio(voucher, $"CHAOS-INV-{Interlocked.Increment(ref sequence)}",
                            Enumerable.Range(0, 1 + random.Next(2)).Select(_ => ClaimApi.Session(Day())).ToArray()), ClaimApi.Invoice())),
                        < 78 when memoirs.TryPeek(out _) => ("void", await LifecycleApi.VoidAsync(physio, memoirs.ElementAt(random.Next(memoirs.Count)))),
                        < 96 when memoirs.TryPeek(out _) => await ContestAsync(physio, reviewer, memoirs.ElementAt(random.Next(memoirs.Count)), random),
                        < 98 => ("cancel", await LifecycleApi.CancelVoucherAsync(physio, voucher)),
                        _ => ("memoir", await physio.PostJsonAsync("/api/v1/fee-memoirs", BillingApi.Memoir($"CHAOS-{Interlocked.Increment(ref sequence)}", BillingApi.Line(voucher, Day())))),
                    };
                    if (response is null) continue;
                    var status = (int)response.StatusCode;
                    answers.AddOrUpdate($"{label} {status}", 1, (_, c) => c + 1);
                    if (status >= 500 && status != 503) failures.Add($"{label} → {status} {await response.Content.ReadAsStringAsync()}");
                    if (label == "memoir" && status == 201)
                        memoirs.Add(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["id"]!.GetValue<string>());
                }
            }

            await Task.WhenAll(Enumerable.Range(1, Workers).Select(w => Task.Run(() => Worker(w))));
            output.WriteLine(string.Join(", ", answers.OrderBy(a => a.Key).Select(a => $"{a.Key}×{a.Value}")));
            Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(5)));

            await using var db = new NpgsqlConnection(Api.ConnectionString);
            await db.OpenAsync();
            var mismatches = new List<string>();
            await using (var cmd = new NpgsqlCommand("""
                SELECT v.number, s.act_code, s.sessions_granted, s.sessions_billed,
                       (SELECT count(*) FROM cns.fee_memoir_lines l WHERE l.voucher_service_id = s.id AND (l.outcome IN ('Accepted', 'Reduced') OR l.contestation_status = 'Overturned') AND l.released_at IS NULL),
                       (SELECT count(*) FROM cns.reimbursement_claim_lines c WHERE c.voucher_service_id = s.id AND c.outcome IN ('Accepted', 'Reduced'))
                FROM cns.voucher_services s JOIN cns.vouchers v ON v.id = s.voucher_id
                WHERE v.sandbox_id = @sandbox
                """, db))
            {
                cmd.Parameters.AddWithValue("sandbox", sandbox.Id);
                await using var reader = await cmd.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    var (number, granted, billed, memoirLines, claimLines) = (reader.GetString(0), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt64(4), reader.GetInt64(5));
                    output.WriteLine($"{number}: granted {granted}, counter {billed}, held by memoir lines {memoirLines}, by claim lines {claimLines}");
                    if (billed != memoirLines + claimLines || billed > granted)
                        mismatches.Add($"{number}: counter {billed}, granted {granted}, held {memoirLines} + {claimLines}");
                }
            }
            var doubles = await Sql.ScalarAsync<long>(db, """
                SELECT count(*) FROM (
                  SELECT voucher_id, session_date, act_code FROM (
                    SELECT l.voucher_id, l.session_date, l.act_code FROM cns.fee_memoir_lines l
                    WHERE l.sandbox_id = $1 AND (l.outcome IN ('Accepted', 'Reduced') OR l.contestation_status = 'Overturned') AND l.released_at IS NULL AND NOT l.travel_allowance
                    UNION ALL
                    SELECT c.voucher_id, c.service_date, c.act_code FROM cns.reimbursement_claim_lines c
                    WHERE c.sandbox_id = $1 AND c.outcome IN ('Accepted', 'Reduced') AND c.voucher_id IS NOT NULL) held
                  GROUP BY 1, 2, 3 HAVING count(*) > 1) twice
                """, sandbox.Id);
            output.WriteLine($"sessions held twice across the routes: {doubles}");
            Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
            Assert.Equal(0L, doubles);
        });
    }

    /// <summary>Contests the first refused or reduced line of the memoir, and a reviewer upholds or overturns it at once.</summary>
    private static async Task<(string, HttpResponseMessage?)> ContestAsync(HttpClient physio, HttpClient reviewer, string memoirId, Random random)
    {
        var memoir = JsonNode.Parse(await (await physio.GetAsync($"/api/v1/fee-memoirs/{memoirId}")).Content.ReadAsStringAsync())!;
        var line = memoir["lines"]!.AsArray().FirstOrDefault(l => l!["outcome"]!.GetValue<string>() is "refused" or "reduced" && l["contestation"] is null);
        if (line is null) return ("contest", null);
        var contested = await physio.PostJsonAsync($"/api/v1/fee-memoirs/{memoirId}/lines/{line["lineNumber"]}/contestation",
            new { code = line["reasons"]![0]!["code"]!.GetValue<string>(), text = "Please check." });
        if (contested.StatusCode != HttpStatusCode.Created) return ("contest", contested);
        var id = JsonNode.Parse(await contested.Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        return ("decide", await reviewer.PostJsonAsync($"/api/v1/review/contestations/{id}/decision",
            new { decision = random.Next(2) == 0 ? "uphold" : "overturn", note = "Checked." }));
    }
}
