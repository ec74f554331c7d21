using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CnsExchange.Application.Common;
using CnsExchange.Application.Features.Billing;
using CnsExchange.Application.Features.PaymentRuns;
using CnsExchange.Domain.Payments;
using Npgsql;
using static CnsExchange.Reliability.SandboxApi;

namespace CnsExchange.Reliability;

/// <summary>
/// Issue 10 item 2 with real crashes: a payment run over two physiotherapists' memoirs (~1,100 lines: accepted, reduced,
/// refused, an overturned contestation, a pending one held back) is killed with SIGKILL at one point after another
/// (the API kills itself there: <c>CnsExchange:Chaos:PaymentRunKillAt</c>). Each restarted process resumes the run
/// from what was committed and is killed at the next point, inside every step, between the files it writes, before and
/// after each commit. After every kill the database must hold whole steps only;
/// at the end every line must be paid exactly once and every file byte-identical to an uninterrupted run over a copy
/// of the same data.
/// </summary>
public static class PaymentRunCrashScenario
{
    private const string SeedDatabase = "cnsexchange_payrun_seed";
    private const string BaselineDatabase = "cnsexchange_payrun_baseline";
    private const string CrashDatabase = "cnsexchange_payrun_crash";
    private const string KillSetting = "CnsExchange__Chaos__PaymentRunKillAt";

    private static readonly string[] Statuses = ["Created", "LinesClaimed", "OrdersBuilt", "FilesWritten", "Closed"];

    /// <summary>Each restarted process is killed at one of these, counted from its start, in the run's order.</summary>
    private static readonly (string Point, int Occurrence, string StatusAfterKill)[] Kills =
    [
        ("before:claim_lines", 1, "Created"),
        ("claim_lines:lines_taken", 1, "Created"),
        ("claim_lines:debts_taken", 1, "Created"), // LIF-05: the reversal and recovery to net taken
        ("claim_lines:contestations_lapsed", 1, "Created"),
        ("claim_lines:memoirs_marked", 1, "Created"),
        ("claim_lines:reimbursement_lines_taken", 1, "Created"), // INS-05: the claim lines taken, their claims not yet
        ("claim_lines:reimbursement_claims_taken", 1, "Created"),
        ("step:before_commit", 1, "Created"),
        ("step:committed", 1, "LinesClaimed"),
        ("before:build_orders", 1, "LinesClaimed"),
        ("build_orders:debts_netted", 1, "LinesClaimed"), // LIF-05: PHY0001's debts netted, no order yet
        ("build_orders:orders_inserted", 1, "LinesClaimed"),
        ("build_orders:reimbursement_orders_inserted", 1, "LinesClaimed"), // INS-05: one transfer per claim
        ("step:before_commit", 1, "LinesClaimed"),
        ("step:committed", 1, "OrdersBuilt"),
        ("before:write_files", 1, "OrdersBuilt"),
        ("write_files:file_built", 1, "OrdersBuilt"), // the pain.001
        ("write_files:file_built", 5, "OrdersBuilt"), // among PHY0001's return files
        ("write_files:provider_written", 1, "OrdersBuilt"),
        ("write_files:file_built", 15, "OrdersBuilt"), // among PHY0002's return files
        ("write_files:provider_written", 2, "OrdersBuilt"),
        ("write_files:reimbursement_file_built", 1, "OrdersBuilt"), // INS-05: the first fund's pain.001
        ("write_files:reimbursement_fund_written", 1, "OrdersBuilt"),
        ("write_files:reimbursement_file_built", 15, "OrdersBuilt"), // among the second fund's statements
        ("write_files:reimbursement_fund_written", 3, "OrdersBuilt"), // the third fund written
        ("step:before_commit", 1, "OrdersBuilt"),
        ("step:committed", 1, "FilesWritten"),
        ("before:mark_paid", 1, "FilesWritten"),
        ("mark_paid:lines_reported", 1, "FilesWritten"), // every taken line found in its return file, nothing written yet
        ("mark_paid:memoirs_paid", 1, "FilesWritten"),
        ("mark_paid:reimbursement_lines_paid", 1, "FilesWritten"), // INS-05: the claim lines paid, the claims not yet
        ("mark_paid:reimbursement_claims_paid", 1, "FilesWritten"),
        ("step:before_commit", 1, "FilesWritten"),
        ("step:committed", 1, "Closed"),
    ];

    public static async Task RunAsync(string apiDll, string connectionString, int port, Figures figures)
    {
        var admin = Database(connectionString, "postgres");
        await DropAsync(admin, SeedDatabase, BaselineDatabase, CrashDatabase);
        await ExecuteAsync(admin, $"CREATE DATABASE {SeedDatabase}");

        // The data, once: the payment run's slot falls within the next 8 days of the sandbox clock.
        DateTimeOffset target;
        await using (var api = new ApiProcess(apiDll, Database(connectionString, SeedDatabase), port))
        {
            await api.StartAsync(TimeSpan.FromSeconds(90));
            target = await SeedAsync(api);
        }
        NpgsqlConnection.ClearAllPools();

        // The uninterrupted run over a copy.
        await ExecuteAsync(admin, $"CREATE DATABASE {BaselineDatabase} TEMPLATE {SeedDatabase}");
        await using (var api = new ApiProcess(apiDll, Database(connectionString, BaselineDatabase), port))
        {
            await api.StartAsync(TimeSpan.FromSeconds(90));
            using var client = Client(api, "sandbox-admin", timeoutSeconds: 120);
            await SetClockAsync(client, target);
            // The answer waits for the advance's work only so long (then 202 while it goes on): on a busy machine the
            // run may still be running; the process is not stopped before every run of the baseline is closed.
            await using var baseline = new NpgsqlConnection(Database(connectionString, BaselineDatabase));
            await baseline.OpenAsync();
            var waiting = System.Diagnostics.Stopwatch.StartNew();
            while (await ScalarAsync(baseline, "SELECT count(*) FROM cns.payment_runs WHERE status <> 'Closed'") > 0 && waiting.Elapsed < TimeSpan.FromMinutes(10))
                await Task.Delay(500);
        }
        NpgsqlConnection.ClearAllPools();
        var expected = await SnapshotAsync(Database(connectionString, BaselineDatabase));
        // The earlier run of the seed (which paid the lines reversed and recovered since) and the run under test.
        if (expected.Runs.Count != 2 || !expected.Runs.All(r => r.EndsWith(" Closed", StringComparison.Ordinal)) || expected.Orders.Count != 3
            || expected.ClaimOrders.Count != ClaimsWithAccount || expected.ClaimFiles.Count != 3 + ClaimsWithAccount * 6)
            throw new InvalidOperationException($"the uninterrupted run is not the one expected: runs [{string.Join(", ", expected.Runs)}], orders {expected.Orders.Count}, " +
                                                $"claim transfers {expected.ClaimOrders.Count}, claim files {expected.ClaimFiles.Count}");

        // The same run on another copy, killed at each point in turn.
        await ExecuteAsync(admin, $"CREATE DATABASE {CrashDatabase} TEMPLATE {SeedDatabase}");
        var crash = Database(connectionString, CrashDatabase);
        var killedAtPoint = 0;
        var notReached = new List<string>();
        var halfDone = 0;
        var wrongStatus = 0;
        var now = target;
        foreach (var (point, occurrence, statusAfterKill) in Kills)
        {
            await using var api = new ApiProcess(apiDll, crash, port);
            api.Environment[KillSetting] = $"{point}#{occurrence}";
            // The first process starts the run by moving the clock to its slot; the next ones resume it: the clock
            // listener and the scheduler's minutely tick (which may come first, even before the process is ready)
            // execute unfinished runs first.
            if (await api.StartAsync(TimeSpan.FromSeconds(90), exitMayEndStartUp: true))
            {
                using var client = Client(api, "sandbox-admin", timeoutSeconds: 120);
                try
                {
                    now = Later(now, (await ClockAsync(client)).AddMinutes(1));
                    await SetClockAsync(client, now);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { }
            }
            now = now.AddMinutes(1);
            var exit = await api.WaitForExitAsync(TimeSpan.FromSeconds(60));
            if (exit is null) // still running a minute later: the point was never passed
            {
                notReached.Add($"{point}#{occurrence}");
                continue;
            }
            if (KilledAtArmedPoint(exit, api.ErrorLines, point)) killedAtPoint++;
            else Console.Error.WriteLine($"payment run process ended at {point}#{occurrence} otherwise than by the armed SIGKILL (exit {exit}); its last words:\n{api.LastWords()}");
            NpgsqlConnection.ClearAllPools();
            Console.Error.WriteLine($"payment run killed at {point}#{occurrence} (exit {exit})");
            var (status, partial) = await AfterKillAsync(crash, expectedRuns: 2);
            halfDone += partial;
            if (status != statusAfterKill)
            {
                wrongStatus++;
                Console.Error.WriteLine($"after the kill at {point}#{occurrence} the run is {status}, expected {statusAfterKill}");
            }
        }

        // A last process, not killed: the run is closed; nothing is left to do.
        var cameBackReady = false;
        await using (var api = new ApiProcess(apiDll, crash, port))
        {
            await api.StartAsync(TimeSpan.FromSeconds(90));
            using var client = Client(api, "sandbox-admin", timeoutSeconds: 120);
            await SetClockAsync(client, Later(now, await ClockAsync(client)).AddMinutes(1));
            var runs = (await TypedJson.GetAsync<Page<PaymentRunSummaryDto>>(client, "/api/v1/payment-runs")).Items;
            var verification = await TypedJson.GetAsync<PaymentRunVerificationDto>(client, $"/api/v1/payment-runs/{runs[0].Id}/verification"); // newest first
            figures.Zero("payment-run files failing verification (stored bytes vs stored hash vs rebuild)", FilesFailingVerification(verification));
            cameBackReady = true;
        }
        NpgsqlConnection.ClearAllPools();
        var actual = await SnapshotAsync(crash);

        foreach (var missed in notReached) Console.Error.WriteLine($"payment-run crash point never reached: {missed}");
        figures.AtLeast("payment-run crash points armed", Kills.Length, 20);
        figures.Zero("payment-run crash points never reached", notReached.Count);
        figures.AtLeast("payment-run kills survived (SIGKILL at the armed point, exit 137, then a process ready)", cameBackReady ? killedAtPoint : 0, Kills.Length);
        figures.Zero("payment-run wrong status after a kill", wrongStatus);
        figures.Zero("payment-run half-done steps after a kill", halfDone);
        figures.Info("payment-run lines", expected.Lines.Count);
        figures.Info("payment-run files", expected.Files.Count);
        figures.Zero("double paid", actual.DoublePaid + Math.Max(0, actual.Runs.Count - expected.Runs.Count) + Differences(expected.Orders, actual.Orders)
                                    + Differences(expected.ClaimOrders, actual.ClaimOrders));
        figures.Info("payment-run reimbursement claim lines (INS-05)", expected.ClaimLines.Count);
        figures.Zero("payment-run reimbursement claim lines lost or changed (INS-05)", Differences(expected.ClaimLines, actual.ClaimLines));
        figures.Zero("payment-run reimbursement claims or their files differing (INS-05)",
            Differences(expected.Claims, actual.Claims) + Differences(expected.ClaimFiles, actual.ClaimFiles));
        figures.Zero("payment-run lines lost or changed", Differences(expected.Lines, actual.Lines));
        figures.Zero("payment-run files differing", Differences(expected.Files, actual.Files));
        figures.Zero("payment-run memoirs differing", Differences(expected.Memoirs, actual.Memoirs));
        figures.Zero("payment-run nettings or debts differing (LIF-05)", Differences(expected.Nettings, actual.Nettings));

        await DropAsync(admin, SeedDatabase, BaselineDatabase, CrashDatabase);
    }

    /// <summary>A process that died by SIGKILL (exit 137) right after saying it was killing itself at the armed point.</summary>
    public static bool KilledAtArmedPoint(int? exitCode, IEnumerable<string> errorLines, string point) =>
        KillChecks.DiedBySigkill(exitCode) && errorLines.Contains($"chaos-kill-at: {point}");

    /// <summary>Files of a verification answer whose stored bytes, stored hash and rebuild do not all agree.</summary>
    public static int FilesFailingVerification(PaymentRunVerificationDto verification)
    {
        var failing = verification.Files.Count(f => !f.Identical);
        return failing == 0 && !verification.Identical ? 1 : failing; // e.g. a file missing
    }

    /// <summary>
    /// PHY0001: 120 vouchers of 8 sessions, each billed for 9 days (one reduced line, the 9th refused); PHY0002: 6
    /// vouchers the same way, one line on PHY0001's voucher (refused), a pending contestation, and a memoir whose one line,
    /// refused for its date, was contested and overturned.
    /// Before them, a manual run pays PHY0001 two lines of another voucher, one then reversed and one recovered: the
    /// run under test nets those debts (LIF-05). Returns the instant to move the clock to so the weekly run falls due.
    /// </summary>
    private static async Task<DateTimeOffset> SeedAsync(ApiProcess api)
    {
        using var admin = Client(api, "sandbox-admin", timeoutSeconds: 120);
        using var reviewer = Client(api, "sandbox-reviewer");
        var clock = JsonNode.Parse(await admin.GetStringAsync("/api/v1/admin/clock"))!;
        var now = clock["now"]!.GetValue<DateTimeOffset>();
        var today = DateOnly.Parse(clock["localDate"]!.GetValue<string>());
        var insured = await SeedInsuredAsync(admin, 128);

        async Task<List<(string Voucher, string Matricule)>> VouchersAsync(string key, IEnumerable<string> people)
        {
            using var provider = Client(api, key);
            var list = new List<(string, string)>();
            foreach (var matricule in people)
            {
                var (status, body) = await SubmitValidationAsync(provider, matricule, "90000003", today.AddDays(-12), "payment-run crash", Guid.NewGuid().ToString());
                if (status != HttpStatusCode.Created || body?["voucher"]?["number"] is not { } number)
                    throw new InvalidOperationException($"validation request not agreed ({status}): {body}");
                list.Add((number.GetValue<string>(), matricule));
            }
            return list;
        }

        static object Line(string voucher, string matricule, DateOnly date, decimal claimed) =>
            new { voucherNumber = voucher, matricule, sessionDate = date.ToString("yyyy-MM-dd"), actCode = "ZK11", travel = false, claimedAmount = claimed };

        static IEnumerable<object> NineDays((string Voucher, string Matricule) v, DateOnly today) =>
            Enumerable.Range(1, 9).Select(d => Line(v.Voucher, v.Matricule, today.AddDays(-10 + d), d == 3 ? 45.00m : 36.80m));

        Task<FeeMemoirDto> MemoirAsync(HttpClient client, string reference, IEnumerable<object> lines) =>
            SubmitMemoirAsync(client, JsonSerializer.Serialize(new { memoirReference = reference, lines }), Guid.NewGuid().ToString());

        var debtor = (await VouchersAsync("sandbox-physio-1", insured.Skip(126).Take(1))).Single();
        using (var physio1 = Client(api, "sandbox-physio-1"))
        {
            var paid = await MemoirAsync(physio1, "DEBT-1", [Line(debtor.Voucher, debtor.Matricule, today.AddDays(-9), 36.80m),
                Line(debtor.Voucher, debtor.Matricule, today.AddDays(-8), 36.80m)]);
            using var started = await admin.PostAsync("/api/v1/admin/payment-runs", null);
            if (started.StatusCode != HttpStatusCode.Accepted) throw new InvalidOperationException($"payment run not started ({(int)started.StatusCode})");
            var run = TypedJson.Read<PaymentRunDto>(await started.Content.ReadAsStringAsync());
            for (var i = 0; i < 600 && (await TypedJson.GetAsync<PaymentRunDto>(admin, $"/api/v1/payment-runs/{run.Id}")).Status != PaymentRunStatus.Closed; i++)
                await Task.Delay(100);
            (await physio1.PostAsJsonAsync($"/api/v1/fee-memoirs/{paid.Id}/lines/1/reversal", new { reason = "Billed twice." })).EnsureSuccessStatusCode();
            (await reviewer.PostAsJsonAsync("/api/v1/review/recoveries",
                new { memoirId = paid.Id, lineNumber = 2, code = "SESSION_NOT_GIVEN", note = "Checked." })).EnsureSuccessStatusCode();
        }

        var first = await VouchersAsync("sandbox-physio-1", insured.Take(120));
        using (var physio1 = Client(api, "sandbox-physio-1"))
        {
            foreach (var (chunk, i) in first.Chunk(10).Select((c, i) => (c, i)))
                await MemoirAsync(physio1, $"CRASH-1-{i:00}", chunk.SelectMany(v => NineDays(v, today)));
        }

        var second = await VouchersAsync("sandbox-physio-2", insured.Skip(120).Take(6));
        using var physio2 = Client(api, "sandbox-physio-2");
        var memoir = await MemoirAsync(physio2, "CRASH-2-00", second.SelectMany(v => NineDays(v, today))
            .Append(Line(first[0].Voucher, first[0].Matricule, today.AddDays(-1), 36.80m)));
        var id = memoir.Id;
        // The overturned line: refused for its date (the day before the prescription, BIL-04) on a voucher with sessions
        // left, so the overturn can take one (BIL-06).
        var spare = (await VouchersAsync("sandbox-physio-2", insured.Skip(127).Take(1))).Single();
        var refused = await MemoirAsync(physio2, "CRASH-2-01", [Line(spare.Voucher, spare.Matricule, today.AddDays(-13), 36.80m)]);
        using (var contested = await physio2.PostAsJsonAsync($"/api/v1/fee-memoirs/{refused.Id}/lines/1/contestation",
                   new { code = "SESSION_OUTSIDE_VALIDITY", text = "The prescription's date was mistyped." }))
        {
            contested.EnsureSuccessStatusCode();
            var overturned = await contested.Content.ReadFromJsonAsync<JsonNode>();
            (await reviewer.PostAsJsonAsync($"/api/v1/review/contestations/{overturned!["id"]}/decision", new { decision = "overturn", note = "Agreed." }))
                .EnsureSuccessStatusCode();
        }
        (await physio2.PostAsJsonAsync($"/api/v1/fee-memoirs/{id}/lines/18/contestation",
            new { code = "SESSIONS_EXHAUSTED", text = "Still to be decided." })).EnsureSuccessStatusCode();

        await SeedClaimsAsync(api, admin, today);
        return now.AddDays(8);
    }

    /// <summary>Reimbursement claims paid by the run (INS-05): two per fund of CNS, CMFEP and EMCFL, each with an account.</summary>
    private const int ClaimsWithAccount = 6;

    /// <summary>
    /// INS-05: six insured persons (two of each of CNS, CMFEP and EMCFL) with a bank account, and one without (CMFEC), each with a
    /// physiotherapy claim of 3 sessions (accepted, reduced, refused) sent by the insured channel: the run under test pays the six
    /// in three pain.001 files (one per fund) with a statement per claim; the seventh waits for its account.
    /// </summary>
    private static async Task SeedClaimsAsync(ApiProcess api, HttpClient admin, DateOnly today)
    {
        using var channel = Client(api, "sandbox-insured-app");
        string[] funds = ["CNS", "CMFEP", "EMCFL", "CNS", "CMFEP", "EMCFL", "CMFEC"];
        for (var i = 0; i < funds.Length; i++)
        {
            var matricule = Matricules.Create(new DateOnly(1970, 5, 1).AddDays(i * 37), 850 + i);
            (await admin.PutAsJsonAsync($"/api/v1/admin/insured/{matricule}", new
            {
                firstName = "Claim", lastName = $"Crash{i}", sex = "female", competentFund = funds[i], residenceCountry = "LU", crossBorderWorker = false,
                affiliations = new[] { new { from = "2000-01-01", to = (string?)null } },
            })).EnsureSuccessStatusCode();
            if (i < ClaimsWithAccount)
                (await admin.PutAsJsonAsync($"/api/v1/admin/insured/{matricule}/bank-account", new { iban = "LU030021000012345678", bic = "BILLLULL" })).EnsureSuccessStatusCode();
            var json = JsonSerializer.Serialize(new
            {
                matricule, doctor = new { code = "90000003" }, prescriptionDate = today.AddDays(-12).ToString("yyyy-MM-dd"), prescriptionLanguage = "fr", category = "common",
                actCode = "ZK11", sessions = 8, homeVisitMedicallyNecessary = false, careCountry = "LU", diagnosis = "payment-run crash, insured's route", providerCode = "PHY0001",
            });
            var (status, body) = await PostValidationAsync(channel, json, Guid.NewGuid().ToString());
            if (status != HttpStatusCode.Created || body?["voucher"]?["number"] is not { } voucher)
                throw new InvalidOperationException($"insured-channel validation request not agreed ({status}): {body}");
            var claim = JsonSerializer.Serialize(new
            {
                kind = "physiotherapy", matricule, voucherNumber = voucher.GetValue<string>(), providerCode = "PHY0001",
                invoice = new { number = $"CRASH-CLAIM-{i}", date = today.AddDays(-1).ToString("yyyy-MM-dd"), issuer = "PHY0001" },
                sessions = new[]
                {
                    new { date = today.AddDays(-9).ToString("yyyy-MM-dd"), actCode = "ZK11", amountPaid = 36.80m },
                    new { date = today.AddDays(-8).ToString("yyyy-MM-dd"), actCode = "ZK11", amountPaid = 45.00m },
                    new { date = today.AddDays(-20).ToString("yyyy-MM-dd"), actCode = "ZK11", amountPaid = 36.80m },
                },
                statementLanguage = "fr",
            });
            using var form = new MultipartFormDataContent
            {
                { new StringContent(claim, Encoding.UTF8, "application/json"), "request" },
                { new ByteArrayContent(Encoding.ASCII.GetBytes($"%PDF-1.4\n% claim {i} {Guid.NewGuid()}\n%%EOF\n")), "invoice", "invoice.pdf" },
            };
            var response = await channel.PostAsync("/api/v1/reimbursement-claims", form);
            if (response.StatusCode != HttpStatusCode.Created)
                throw new InvalidOperationException($"reimbursement claim not stored ({response.StatusCode}): {await response.Content.ReadAsStringAsync()}");
        }
    }


    /// <summary>The sandbox clock of the process: it went on from the last instant set while the processes were killed and started.</summary>
    private static async Task<DateTimeOffset> ClockAsync(HttpClient admin) =>
        JsonNode.Parse(await admin.GetStringAsync("/api/v1/admin/clock"))!["now"]!.GetValue<DateTimeOffset>();

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static async Task SetClockAsync(HttpClient admin, DateTimeOffset now)
    {
        var response = await admin.PutAsJsonAsync("/api/v1/admin/clock", new { now });
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"PUT /admin/clock: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public sealed record Snapshot(List<string> Runs, List<string> Orders, List<string> Files, List<string> Lines, List<string> Memoirs, long DoublePaid,
        List<string> Nettings)
    {
        public List<string> ClaimOrders { get; init; } = [];
        public List<string> ClaimFiles { get; init; } = [];
        public List<string> ClaimLines { get; init; } = [];
        public List<string> Claims { get; init; } = [];
    }

    public static async Task<Snapshot> SnapshotAsync(string connectionString)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        return new Snapshot(
            await RowsAsync(conn, "SELECT id || ' ' || number || ' ' || status FROM cns.payment_runs ORDER BY as_of, id"),
            await RowsAsync(conn, "SELECT run_id || ' ' || provider_code || ' ' || amount || ' ' || line_count || ' ' || end_to_end_id || ' ' || iban FROM cns.payment_orders ORDER BY provider_code"),
            await RowsAsync(conn, """
                SELECT f.kind || '/' || coalesce(p.code, '-') || '/' || f.format || '/' || coalesce(f.language, '-') || ' ' || f.sha256 || ' ' || encode(sha256(f.content), 'hex')
                FROM cns.payment_files f LEFT JOIN cns.providers p ON p.id = f.provider_id ORDER BY 1
                """),
            await RowsAsync(conn, """
                SELECT l.id || ' ' || coalesce(l.payment_run_id::text, '-') || ' ' || coalesce(l.paid_amount::text, '-') || ' ' || coalesce(r.status, '-')
                       || ' ' || coalesce(r.as_of::text, '-') || ' ' || (rf.id IS NOT NULL)::text || ' ' || coalesce(l.contestation_status::text, '-')
                FROM cns.fee_memoir_lines l LEFT JOIN cns.payment_runs r ON r.id = l.payment_run_id
                LEFT JOIN cns.return_files rf ON rf.run_id = l.payment_run_id AND rf.provider_id = l.provider_id ORDER BY l.id
                """),
            await RowsAsync(conn, "SELECT reference || ' ' || status FROM cns.fee_memoirs ORDER BY reference"),
            await ScalarAsync(conn, """
                SELECT (SELECT count(*) FROM cns.fee_memoir_lines WHERE paid_amount > payable_amount)
                     + (SELECT count(*) FROM (SELECT provider_id FROM cns.payment_orders GROUP BY run_id, provider_id HAVING count(*) > 1) x)
                     + (SELECT count(*) FROM cns.payment_files WHERE sha256 <> encode(sha256(content), 'hex'))
                     + (SELECT count(*) FROM (SELECT line_id FROM cns.provider_debts GROUP BY line_id HAVING count(*) > 1) d)
                     + (SELECT count(*) FROM cns.reimbursement_claim_lines WHERE paid_amount > reimbursed_amount)
                     + (SELECT count(*) FROM (SELECT claim_id FROM cns.claim_payment_orders GROUP BY claim_id HAVING count(*) > 1) c)
                     + (SELECT count(*) FROM cns.claim_payment_files WHERE sha256 <> encode(sha256(content), 'hex'))
                     + (SELECT count(*) FROM cns.reimbursement_claims c WHERE c.status = 'Paid'
                          AND c.reimbursed_total <> (SELECT coalesce(sum(o.amount), 0) FROM cns.claim_payment_orders o WHERE o.claim_id = c.id))
                """),
            await RowsAsync(conn, """
                SELECT 'netting ' || n.run_id || ' ' || p.code || ' ' || n.brought_forward || ' ' || n.debts || ' ' || n.accepted || ' ' || n.order_amount
                       || ' ' || n.carried_forward FROM cns.payment_run_nettings n JOIN cns.providers p ON p.id = n.provider_id
                UNION ALL SELECT 'debt ' || d.line_id || ' ' || coalesce(d.payment_run_id::text, '-') || ' ' || d.amount FROM cns.provider_debts d
                ORDER BY 1
                """))
        {
            ClaimOrders = await RowsAsync(conn, "SELECT claim_id || ' ' || run_id || ' ' || fund || ' ' || amount || ' ' || line_count || ' ' || end_to_end_id || ' ' || iban FROM cns.claim_payment_orders ORDER BY claim_id"),
            ClaimFiles = await RowsAsync(conn, """
                SELECT kind || '/' || fund || '/' || coalesce(claim_id::text, '-') || '/' || format || '/' || coalesce(language, '-') || ' ' || sha256 || ' ' || encode(sha256(content), 'hex')
                FROM cns.claim_payment_files ORDER BY 1
                """),
            ClaimLines = await RowsAsync(conn, """
                SELECT id || ' ' || coalesce(payment_run_id::text, '-') || ' ' || coalesce(paid_amount::text, '-') || ' ' || coalesce(paid_at::text, '-')
                FROM cns.reimbursement_claim_lines ORDER BY id
                """),
            Claims = await RowsAsync(conn, "SELECT id || ' ' || status || ' ' || coalesce(payment_run_id::text, '-') || ' ' || coalesce(paid_on::text, '-') FROM cns.reimbursement_claims ORDER BY id"),
        };
    }

    /// <summary>
    /// The status of the run under test (the latest of <paramref name="expectedRuns"/>; the seed's earlier one is closed)
    /// after a kill, and how many traces of an unfinished step of it the database holds.
    /// </summary>
    public static async Task<(string Status, int Partial)> AfterKillAsync(string connectionString, int expectedRuns = 1)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        var runs = await RowsAsync(conn, "SELECT id || ' ' || status FROM cns.payment_runs ORDER BY as_of, id");
        if (runs.Count != expectedRuns) return (runs.Count < expectedRuns ? "none" : "several", runs.Count < expectedRuns ? 0 : 1);
        var run = runs[^1].Split(' ');
        var status = Array.IndexOf(Statuses, run[1]);
        var partial = 0;
        async Task<int> CountAsync(string sql) => (int)await ScalarAsync(conn, sql.Replace("@run", $"'{run[0]}'"));
        if (status < 1) partial += await CountAsync("SELECT count(*) FROM cns.reimbursement_claim_lines WHERE payment_run_id = @run")
                                   + await CountAsync("SELECT count(*) FROM cns.reimbursement_claims WHERE payment_run_id = @run");
        if (status < 2) partial += await CountAsync("SELECT count(*) FROM cns.claim_payment_orders WHERE run_id = @run");
        if (status < 3) partial += await CountAsync("SELECT count(*) FROM cns.claim_payment_files WHERE run_id = @run");
        if (status < 4) partial += await CountAsync("SELECT count(*) FROM cns.reimbursement_claim_lines WHERE payment_run_id = @run AND paid_amount IS NOT NULL")
                                   + await CountAsync("SELECT count(*) FROM cns.reimbursement_claims WHERE payment_run_id = @run AND status = 'Paid'");
        if (status < 1) partial += await CountAsync("SELECT count(*) FROM cns.fee_memoir_lines WHERE payment_run_id = @run")
                                   + await CountAsync("SELECT count(*) FROM cns.fee_memoirs WHERE status = 'InPaymentRun'")
                                   + await CountAsync("SELECT count(*) FROM cns.line_contestations WHERE status = 'Lapsed'")
                                   + await CountAsync("SELECT count(*) FROM cns.provider_debts WHERE payment_run_id = @run");
        if (status < 2) partial += await CountAsync("SELECT count(*) FROM cns.payment_orders WHERE run_id = @run")
                                   + await CountAsync("SELECT count(*) FROM cns.payment_run_nettings WHERE run_id = @run");
        if (status < 3) partial += await CountAsync("SELECT count(*) FROM cns.payment_files WHERE run_id = @run")
                                   + await CountAsync("SELECT count(*) FROM cns.return_files WHERE run_id = @run");
        // Issue 24: a line is taken with its amount in one statement; a taken line without it would be a claim half done
        // (a line paid more than payable is counted by DoublePaid).
        if (status >= 1) partial += await CountAsync("SELECT count(*) FROM cns.fee_memoir_lines WHERE payment_run_id = @run AND paid_amount IS NULL");
        if (status < 4) partial += await CountAsync("""
                                       SELECT count(*) FROM cns.fee_memoirs m WHERE m.status = 'Paid'
                                       AND EXISTS (SELECT 1 FROM cns.fee_memoir_lines l WHERE l.memoir_id = m.id AND l.payment_run_id = @run)
                                       """);
        return (run[1], partial);
    }

    public static int Differences(List<string> expected, List<string> actual) =>
        expected.Except(actual).Count() + actual.Except(expected).Count();

    private static async Task<List<string>> RowsAsync(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return rows;
    }

    private static string Database(string connectionString, string database) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Database = database }.ConnectionString;

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task DropAsync(string admin, params string[] databases)
    {
        NpgsqlConnection.ClearAllPools();
        foreach (var database in databases) await ExecuteAsync(admin, $"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
    }
}
