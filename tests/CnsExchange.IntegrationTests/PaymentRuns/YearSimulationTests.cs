using System.Diagnostics;
using System.Net;
using CnsExchange.Application.Features.Billing;
using CnsExchange.Application.Features.PaymentRuns;
using CnsExchange.Domain.Billing;
using CnsExchange.Domain.Calendar;
using CnsExchange.Domain.Payments;
using CnsExchange.IntegrationTests.Support;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;
using static CnsExchange.IntegrationTests.PaymentRuns.PaymentRunApi;

namespace CnsExchange.IntegrationTests.PaymentRuns;

/// <summary>
/// A year of fee memoirs from five providers, the sandbox clock moved day by day through PUT /admin/clock: every memoir
/// is paid once, on or before its due date (PAY-01), and the payment orders are the accepted amounts to the cent (PAY-03).
/// </summary>
public sealed class YearSimulationTests(ApiFactory api, ITestOutputHelper output) : ApiTest(api)
{
    private static readonly string[] Providers = ["PHY0001", "PHY0002", "HOS0001", "THE0001", "REH0001"];

    /// <summary>The sandbox's insured: most paid; one minor at 100 %; one whose affiliation ended (refused); one with dependency-care physio on Mondays and Thursdays (refused those days).</summary>
    private static readonly (string Matricule, decimal Rate)[] Insured =
    [
        ("1983081246785", 70m), ("2012051469331", 100m), ("1971110258749", 70m), ("1994092874550", 70m),
        ("2003042581939", 70m), ("1978031512369", 70m), ("1965072021704", 70m), ("1893120105732", 70m),
    ];

    private static readonly DateOnly FirstVoucher = new(2026, 11, 2);

    [Fact]
    [Trait("Category", "Volume")]
    public async Task A_year_of_memoirs_is_paid_once_each_on_or_before_its_due_date_and_orders_are_the_accepted_amounts_to_the_cent()
    {
        var watch = Stopwatch.StartNew();
        var providerIds = await DbAsync(Api, db => db.Providers.AsNoTracking().Where(p => Providers.Contains(p.Code)).ToDictionaryAsync(p => p.Code, p => p.Id));

        // A voucher every two months for each provider and insured, valid three months, 70 sessions.
        var vouchers = new Dictionary<(string Provider, string Matricule, int Period), string>();
        foreach (var provider in Providers)
        foreach (var (matricule, rate) in Insured)
        for (var period = 0; period < 7; period++)
        {
            var issued = FirstVoucher.AddMonths(2 * period);
            vouchers[(provider, matricule, period)] = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options
            {
                ProviderCode = provider, Matricule = matricule, PrescriptionDate = issued.AddDays(-1), IssuedOn = issued,
                TreatmentStartBy = issued.AddDays(30), ValidUntil = issued.AddMonths(3).AddDays(-1), Sessions = 70, RatePercent = rate,
            });
        }
        output.WriteLine($"{vouchers.Count} vouchers in {watch.Elapsed.TotalSeconds:F1} s");

        var payable = new Dictionary<Guid, decimal>();          // line id → what CNS owes, from the API's answers
        var payableByProvider = Providers.ToDictionary(p => p, _ => 0m);
        var lineIds = new Dictionary<(Guid Memoir, int Line), Guid>();
        var sessions = new HashSet<(string Provider, string Matricule, DateOnly Date)>();
        var contested = new List<(Guid ContestationId, string Provider, Guid LineId, DateOnly DecideOn)>();
        var memoirCount = 0;
        var admin = Client(Admin);

        // Providers send their memoirs at the same time, each with its own random stream, as separate clients would.
        var randoms = Providers.ToDictionary(p => p, p => new Random(20261123 + Array.IndexOf(Providers, p)));
        var gate = new object();

        async Task SubmitAsync(DateOnly today, string provider)
        {
            using var sandbox = Api.EnterDefaultSandbox();
            await using var scope = Api.Services.CreateAsyncScope();
            var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
            var random = randoms[provider];
            var count = random.Next(LuxembourgCalendar.IsWorkingDay(today) ? 3 : 2); // fewer on weekends and holidays
            for (var m = 0; m < count; m++)
            {
                var lines = new List<FeeMemoirLineRequest>();
                var size = 1 + random.Next(3);
                for (var attempt = 0; lines.Count < size && attempt < 10; attempt++)
                {
                    var (matricule, _) = Insured[random.Next(Insured.Length)];
                    var date = today.AddDays(-1 - random.Next(3));
                    lock (gate)
                        if (!sessions.Add((provider, matricule, date))) continue;
                    var period = (date.Year * 12 + date.Month - (FirstVoucher.Year * 12 + FirstVoucher.Month)) / 2;
                    var roll = random.Next(100);
                    lines.Add(new FeeMemoirLineRequest(vouchers[(provider, matricule, period)], matricule, date,
                        roll < 3 ? "ZKX9" : "ZK11", false, roll < 3 ? 20m : roll < 13 ? 45m : 36.80m));
                }
                if (lines.Count == 0) continue;
                var reference = $"Y-{provider}-{Interlocked.Increment(ref memoirCount)}";
                var memoir = await mediator.Send(new SubmitFeeMemoir(providerIds[provider], new FeeMemoirRequest(reference, lines, null), null));
                foreach (var line in memoir.Lines)
                {
                    var id = Guid.CreateVersion7();
                    lock (gate)
                    {
                        lineIds[(memoir.Id, line.LineNumber)] = id;
                        payable[id] = line.PayableAmount;
                        payableByProvider[provider] += line.PayableAmount;
                    }
                    // Some reduced lines are contested: a third overturned a week later, the others never decided (they lapse).
                    if (line.Outcome == LineOutcome.Reduced && random.Next(6) == 0)
                    {
                        var contestation = await mediator.Send(new ContestFeeMemoirLine(providerIds[provider], memoir.Id, line.LineNumber,
                            new ContestationRequest("AMOUNT_ABOVE_TARIFF", "The session lasted longer."), null));
                        lock (gate) contested.Add((contestation.Id, provider, id, random.Next(3) == 0 ? today.AddDays(7) : DateOnly.MaxValue));
                    }
                }
            }
        }

        Task SubmitDayAsync(DateOnly today) => Task.WhenAll(Providers.Select(p => SubmitAsync(today, p)));

        async Task DecideDueContestationsAsync(DateOnly today)
        {
            foreach (var due in contested.Where(c => c.DecideOn == today).ToList())
            {
                var response = await Client(Reviewer).PostJsonAsync($"/api/v1/review/contestations/{due.ContestationId}/decision", new { decision = "overturn", note = "Agreed." });
                if (response.StatusCode == HttpStatusCode.Conflict) continue; // a run already took the line (its last chance came first)
                var decided = await response.ExpectAsync<ContestationDto>(HttpStatusCode.OK);
                var after = decided.PayableAfter!.Value;
                payableByProvider[due.Provider] += after - payable[due.LineId];
                payable[due.LineId] = after;
            }
        }

        // Day by day for a year: memoirs in the morning and the evening (Friday evenings and holiday eves included).
        var start = LuxembourgCalendar.LocalDate(ApiFactory.Start);
        var end = start.AddDays(365);
        var clockTime = new Stopwatch();
        var submitTime = new Stopwatch();
        for (var day = start; day < end; day = day.AddDays(1))
        {
            clockTime.Start();
            if (day > start) await SetClockAsync(admin, Local(day.ToString("yyyy-MM-dd"), 9)); // runs the slots of the night
            clockTime.Stop();
            await DecideDueContestationsAsync(day);
            submitTime.Start();
            await SubmitDayAsync(day);
            Api.Clock.Advance(TimeSpan.FromHours(9.5)); // 18:30, no slot in between
            await SubmitDayAsync(day);
            submitTime.Stop();
        }
        output.WriteLine($"clock {clockTime.Elapsed.TotalSeconds:F1} s, memoirs {submitTime.Elapsed.TotalSeconds:F1} s");
        // Forty more days: everything received falls due and is paid.
        await SetClockAsync(admin, Local(end.AddDays(40).ToString("yyyy-MM-dd"), 9));
        output.WriteLine($"{memoirCount} memoirs, {payable.Count} lines, {contested.Count} contestations in {watch.Elapsed.TotalSeconds:F1} s");
        Assert.True(memoirCount >= 3000, $"{memoirCount} memoirs");

        // Every run closed, one per slot; weekly runs on Mondays (or the working day after a holiday Monday).
        var runs = await RunsInDbAsync(Api);
        Assert.All(runs, r => Assert.Equal(PaymentRunStatus.Closed, r.Status));
        var weekly = runs.Where(r => r.Trigger == PaymentRunTrigger.Weekly).ToList();
        var extra = runs.Where(r => r.Trigger == PaymentRunTrigger.Extra).ToList();
        Assert.InRange(weekly.Count, 52, 59);
        Assert.All(weekly, r => Assert.True(r.ExecutionDate.DayOfWeek == DayOfWeek.Monday || LuxembourgCalendar.IsHoliday(r.ExecutionDate.AddDays(-1))));
        Assert.All(runs, r => Assert.True(LuxembourgCalendar.IsWorkingDay(r.ExecutionDate)));
        Assert.NotEmpty(extra); // lapsing contestations needed them
        output.WriteLine($"{weekly.Count} weekly and {extra.Count} extra runs");

        // Every memoir paid, every line taken by exactly one run and reported, paid what the API said it owed.
        var memoirs = await DbAsync(Api, db => db.Set<FeeMemoir>().AsNoTracking().Include(m => m.Lines).AsSplitQuery().ToListAsync());
        Assert.Equal(memoirCount, memoirs.Count);
        var runDates = runs.ToDictionary(r => r.Id, r => r.ExecutionDate);
        // A line is reported by the return file of its run and provider (issue 24: not written on the line).
        var returnFiles = (await DbAsync(Api, db => db.Set<ProviderReturnFile>().AsNoTracking().Select(f => new { f.RunId, f.ProviderId }).ToListAsync()))
            .Select(f => (f.RunId, f.ProviderId)).ToHashSet();
        var lines = memoirs.SelectMany(m => m.Lines).ToList();
        Assert.Equal(payable.Count, lines.Count);
        foreach (var memoir in memoirs)
        {
            Assert.Equal(FeeMemoirStatus.Paid, memoir.Status);
            foreach (var line in memoir.Lines)
            {
                Assert.NotNull(line.PaymentRunId);
                Assert.Contains((line.PaymentRunId!.Value, line.ProviderId), returnFiles);
                var paidOn = runDates[line.PaymentRunId!.Value];
                Assert.True(paidOn <= memoir.DueDate, $"memoir {memoir.Reference} due {memoir.DueDate} paid {paidOn}");
                Assert.True(paidOn >= memoir.ReceivedOn);
                Assert.Equal(payable[lineIds[(memoir.Id, line.LineNumber)]], line.PaidAmount);
            }
        }
        Assert.Contains(lines, l => l.ContestationStatus == ContestationStatus.Lapsed);
        Assert.Contains(lines, l => l.ContestationStatus == ContestationStatus.Overturned);

        // PAY-03: what each provider was sent in all its payment orders is what it was owed, to the cent.
        foreach (var provider in Providers)
        {
            var listed = await AllAsync<PaymentRunSummaryDto>(Client(provider switch
            {
                "PHY0001" => Physio1, "PHY0002" => Physio2, "HOS0001" => Hospital1, "THE0001" => Thermal1, _ => Rehab1,
            }), "/api/v1/payment-runs");
            var ordered = listed.Where(r => r.Order is not null).Sum(r => r.Order!.Amount);
            Assert.Equal(payableByProvider[provider], ordered);
            Assert.Equal(listed.Count, listed.Select(r => r.Id).Distinct().Count()); // one order at most per run
        }
        var totals = await DbAsync(Api, db => db.Set<PaymentRunOrder>().AsNoTracking().SumAsync(o => o.Amount));
        Assert.Equal(payableByProvider.Values.Sum(), totals);
        Assert.Equal(runs.Sum(r => r.TotalAmount), totals);

        // PAY-06: the files of a sample of runs rebuild to their stored hashes.
        foreach (var run in runs.Where((_, i) => i % 8 == 0))
        {
            var check = await (await admin.GetAsync($"/api/v1/payment-runs/{run.Id}/verification")).ExpectAsync<PaymentRunVerificationDto>(HttpStatusCode.OK);
            Assert.True(check.Identical, $"run {run.Number}");
        }
        output.WriteLine($"done in {watch.Elapsed.TotalSeconds:F1} s");
    }
}
