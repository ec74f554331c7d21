using CnsExchange.Domain.Billing;
using System.Net;
using CnsExchange.Application.Features.Billing;
using CnsExchange.Domain.Vouchers;
using CnsExchange.IntegrationTests.Support;
using static CnsExchange.IntegrationTests.Billing.BillingApi;

namespace CnsExchange.IntegrationTests.Billing;

/// <summary>POST /fee-memoirs: adjudication at once, line by line (RULES.md §3).</summary>
public sealed class FeeMemoirTests(ApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task Json_memoir_answers_every_outcome_with_tariff_cns_share_insured_share_and_reasons()
    {
        var voucher = await VoucherSeed.CreateAsync(Api);
        var unknown = VoucherNumber.Format(VoucherKind.Physiotherapy, 2026, 9_999_999);
        var memoir = await SubmitAsync(Client(Physio1), Memoir("INV-2026-001",
            Line(voucher, "2026-11-10"),                              // 1 accepted
            Line(voucher, "2026-11-12", claimed: 40.00m),             // 2 reduced: above tariff
            Line(voucher, "2026-11-13", act: "ZKX9", claimed: 20m),   // 3 refused: never paid by CNS
            Line(voucher, "2026-11-10"),                              // 4 refused: same line as 1, a second act that day
            Line(voucher, "2026-11-16", claimed: 49.30m, travel: true), // 5 reduced: travel not granted
            Line(unknown, "2026-11-17"),                              // 6 refused: unknown voucher
            Line(voucher, "2026-11-24"),                              // 7 refused: tomorrow
            Line(voucher, "2026-11-18", act: "ZK21", claimed: 48.20m))); // 8 refused: act not on the voucher

        Assert.Equal(FeeMemoirStatus.Adjudicated, memoir.Status);
        Assert.Equal(new DateOnly(2026, 11, 23), memoir.ReceivedOn);
        Assert.Equal(new DateOnly(2026, 12, 23), memoir.DueDate);
        Assert.Equal("PHY0001", memoir.ProviderCode);

        var accepted = LineOf(memoir, 1);
        Assert.Equal(LineOutcome.Accepted, accepted.Outcome);
        Assert.Equal(36.80m, accepted.TariffAmount);
        Assert.Equal(70m, accepted.RatePercent);
        Assert.Equal(25.76m, accepted.CnsAmount);
        Assert.Equal(11.04m, accepted.InsuredShare);
        Assert.Equal(["INSURED_SHARE"], Codes(accepted));
        Assert.Equal("Insured share: 11.04 EUR.", accepted.Reasons[0].Message);

        var above = LineOf(memoir, 2);
        Assert.Equal(LineOutcome.Reduced, above.Outcome);
        Assert.Contains("AMOUNT_ABOVE_TARIFF", Codes(above));
        Assert.Equal(25.76m, above.CnsAmount);

        var notCovered = LineOf(memoir, 3);
        Assert.Equal(LineOutcome.Refused, notCovered.Outcome);
        Assert.Contains("NOT_COVERED", Codes(notCovered));
        Assert.Equal(0m, notCovered.CnsAmount);
        Assert.Equal(20.00m, notCovered.InsuredShare);

        var duplicate = LineOf(memoir, 4);
        Assert.Equal(LineOutcome.Refused, duplicate.Outcome);
        Assert.Equal(["ONE_ACT_PER_SESSION"], Codes(duplicate)); // BIL-07: DUPLICATE_LINE is for a line of an earlier memoir

        var travel = LineOf(memoir, 5);
        Assert.Equal(LineOutcome.Reduced, travel.Outcome);
        Assert.Equal(["TRAVEL_NOT_AUTHORISED", "INSURED_SHARE"], Codes(travel));
        Assert.Equal(36.80m, travel.TariffAmount);
        Assert.Equal(25.76m, travel.CnsAmount);

        Assert.Equal(["VOUCHER_UNKNOWN"], Codes(LineOf(memoir, 6)));
        Assert.Contains("SESSION_DATE_IN_FUTURE", Codes(LineOf(memoir, 7)));
        Assert.Contains("ACT_NOT_VALIDATED", Codes(LineOf(memoir, 8)));

        var totals = memoir.Totals;
        Assert.Equal(8, totals.Lines);
        Assert.Equal(1, totals.Accepted);
        Assert.Equal(2, totals.Reduced);
        Assert.Equal(5, totals.Refused);
        Assert.Equal(3 * 25.76m, totals.CnsAmount);
        Assert.Equal(3, await VoucherSeed.SessionsBilledAsync(Api, voucher));
    }

    [Fact]
    public async Task Reasons_are_rendered_in_the_language_asked_for()
    {
        var voucher = await VoucherSeed.CreateAsync(Api);
        var memoir = await SubmitAsync(Client(Physio1, "fr"), Memoir("INV-FR", Line(voucher, "2026-11-13", act: "ZKX9", claimed: 20m)));
        var reason = LineOf(memoir, 1).Reasons.Single(r => r.Code == "NOT_COVERED")!;
        Assert.Equal("La prestation ZKX9 n'est pas prise en charge par la CNS (à charge de l'assuré).", reason.Message);
        Assert.Equal("refusal", reason.Severity);
        Assert.Equal("BIL-05", reason.Rule);
    }

    [Fact]
    public async Task A_line_already_paid_in_an_earlier_memoir_is_a_duplicate_naming_that_memoir()
    {
        var voucher = await VoucherSeed.CreateAsync(Api);
        await SubmitAsync(Client(Physio1), Memoir("INV-1", Line(voucher, "2026-11-10")));
        var second = await SubmitAsync(Client(Physio1), Memoir("INV-2", Line(voucher, "2026-11-10"), Line(voucher, "2026-11-11")));
        var duplicate = LineOf(second, 1);
        Assert.Equal(["DUPLICATE_LINE"], Codes(duplicate));
        Assert.Equal("INV-1", duplicate.Reasons[0].Detail);
        Assert.Equal(LineOutcome.Accepted, LineOf(second, 2).Outcome);
        Assert.Equal(2, await VoucherSeed.SessionsBilledAsync(Api, voucher));
    }

    [Fact]
    public async Task A_second_act_on_the_same_day_for_the_same_insured_is_refused()
    {
        var voucher = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options
        {
            Category = "lymphatic_drainage", ActCode = "ZK16", Sessions = 24, RatePercent = 100m, MoreServices = [("ZK17", 24)],
        });
        var memoir = await SubmitAsync(Client(Physio1), Memoir("INV-LD",
            Line(voucher, "2026-11-10", act: "ZK16", claimed: 32.40m), Line(voucher, "2026-11-10", act: "ZK17", claimed: 48.60m)));
        Assert.Equal(LineOutcome.Accepted, LineOf(memoir, 1).Outcome);
        Assert.Equal(32.40m, LineOf(memoir, 1).CnsAmount);
        Assert.Equal(0m, LineOf(memoir, 1).InsuredShare);
        Assert.Equal(["ONE_ACT_PER_SESSION"], Codes(LineOf(memoir, 2)));
    }

    [Fact]
    public async Task Sessions_beyond_those_granted_are_refused()
    {
        var voucher = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { Sessions = 2 });
        var memoir = await SubmitAsync(Client(Physio1), Memoir("INV-3",
            Line(voucher, "2026-11-10"), Line(voucher, "2026-11-11"), Line(voucher, "2026-11-12")));
        Assert.Equal(LineOutcome.Accepted, LineOf(memoir, 2).Outcome);
        Assert.Equal(["SESSIONS_EXHAUSTED"], Codes(LineOf(memoir, 3)));
        Assert.Equal(2, await VoucherSeed.SessionsBilledAsync(Api, voucher));
    }

    [Fact]
    public async Task Another_providers_voucher_is_answered_as_unknown()
    {
        var voucher = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { ProviderCode = "PHY0002" });
        var memoir = await SubmitAsync(Client(Physio1), Memoir("INV-4", Line(voucher, "2026-11-10")));
        Assert.Equal(["VOUCHER_UNKNOWN"], Codes(LineOf(memoir, 1)));
        Assert.Equal(0, await VoucherSeed.SessionsBilledAsync(Api, voucher));
    }

    [Fact]
    public async Task Insured_not_affiliated_on_the_session_date_and_double_financing_are_refused()
    {
        var ended = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { Matricule = "1893120105732", PrescriptionDate = new(2026, 10, 20), IssuedOn = new(2026, 10, 21) });
        var carePlan = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { Matricule = "2003042581939" });
        var memoir = await SubmitAsync(Client(Physio1), Memoir("INV-5",
            Line(ended, "2026-10-30", matricule: "1893120105732"),
            Line(ended, "2026-11-02", matricule: "1893120105732"),
            Line(carePlan, "2026-11-16", matricule: "2003042581939"),   // Monday: dependency care delivered
            Line(carePlan, "2026-11-17", matricule: "2003042581939"))); // Tuesday: not
        Assert.Equal(LineOutcome.Accepted, LineOf(memoir, 1).Outcome);
        Assert.Equal(["INSURED_NOT_AFFILIATED"], Codes(LineOf(memoir, 2)));
        Assert.Equal("BIL-12", LineOf(memoir, 2).Reasons[0].Rule);
        Assert.Equal(["DOUBLE_FINANCING"], Codes(LineOf(memoir, 3)));
        Assert.Equal(LineOutcome.Accepted, LineOf(memoir, 4).Outcome);
    }

    [Fact]
    public async Task A_memoir_reference_is_accepted_once_per_provider()
    {
        var voucher = await VoucherSeed.CreateAsync(Api);
        await SubmitAsync(Client(Physio1), Memoir("INV-6", Line(voucher, "2026-11-10")));
        var again = await Client(Physio1).PostJsonAsync("/api/v1/fee-memoirs", Memoir("INV-6", Line(voucher, "2026-11-11")));
        await again.ExpectProblemAsync(HttpStatusCode.Conflict, "memoir_reference_used");
        Assert.Equal(1, await VoucherSeed.SessionsBilledAsync(Api, voucher));

        // Another provider may use the same reference.
        var other = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { ProviderCode = "PHY0002" });
        await SubmitAsync(Client(Physio2), Memoir("INV-6", Line(other, "2026-11-10")));
    }

    [Fact]
    public async Task Same_idempotency_key_and_body_replays_the_first_answer()
    {
        var voucher = await VoucherSeed.CreateAsync(Api);
        var body = Memoir("INV-7", Line(voucher, "2026-11-10"));
        async Task<HttpResponseMessage> Send(object memoir)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/fee-memoirs") { Content = System.Net.Http.Json.JsonContent.Create(memoir) };
            request.Headers.Add("Idempotency-Key", "key-7");
            return await Client(Physio1).SendAsync(request);
        }
        var firstResponse = await Send(body);
        var first = await firstResponse.ExpectAsync<FeeMemoirDto>(HttpStatusCode.Created);
        Assert.Equal($"/api/v1/fee-memoirs/{first.Id}", firstResponse.Headers.Location?.OriginalString);
        var replay = await (await Send(body)).ExpectAsync<FeeMemoirDto>(HttpStatusCode.Created);
        Assert.Equal(first.Id, replay.Id);
        Assert.Equal(1, await VoucherSeed.SessionsBilledAsync(Api, voucher));
        await (await Send(Memoir("INV-7", Line(voucher, "2026-11-11")))).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
    }

    [Fact]
    public async Task Malformed_lines_are_400_naming_each_field_and_store_nothing()
    {
        var voucher = await VoucherSeed.CreateAsync(Api);
        var response = await Client(Physio1).PostJsonAsync("/api/v1/fee-memoirs", Memoir("INV 8",
            Line(voucher, "2026-11-10", matricule: "1983081246786"),
            Line("K26-123", "2026-11-11", claimed: 36.805m)));
        var problem = await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        var errors = problem["errors"]!.AsObject();
        Assert.True(errors.ContainsKey("memoirReference"));
        Assert.True(errors.ContainsKey("lines[0].matricule"));
        Assert.True(errors.ContainsKey("lines[1].voucherNumber"));
        Assert.True(errors.ContainsKey("lines[1].claimedAmount"));
        Assert.Empty((await MemoirsAsync(Client(Physio1))).Items);
    }

    [Fact]
    public async Task Memoir_is_readable_by_its_provider_and_404_for_another()
    {
        var voucher = await VoucherSeed.CreateAsync(Api);
        var memoir = await SubmitAsync(Client(Physio1), Memoir("INV-9", Line(voucher, "2026-11-10")));
        var id = memoir.Id.ToString();

        var read = await (await Client(Physio1).GetAsync($"/api/v1/fee-memoirs/{id}")).ExpectAsync<FeeMemoirDto>(HttpStatusCode.OK);
        Assert.Equal("INV-9", read.MemoirReference);
        Assert.Equal(25.76m, read.Totals!.CnsAmount);
        Assert.Equal(new DateOnly(2026, 12, 23), read.DueDate);

        await (await Client(Physio2).GetAsync($"/api/v1/fee-memoirs/{id}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Empty((await MemoirsAsync(Client(Physio2))).Items);
        await (await Client(Reviewer).GetAsync($"/api/v1/fee-memoirs/{id}")).ExpectAsync<FeeMemoirDto>(HttpStatusCode.OK);
    }

    [Fact]
    public async Task List_is_newest_first_paged_and_filtered()
    {
        var voucher = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { Sessions = 10 });
        for (var i = 1; i <= 5; i++)
        {
            await SubmitAsync(Client(Physio1), Memoir($"INV-L{i}", Line(voucher, $"2026-11-{9 + i:00}")));
            await AdvanceDaysAsync(Client(Admin), 1);
        }
        var page1 = await MemoirsAsync(Client(Physio1), "?limit=2");
        Assert.Equal(["INV-L5", "INV-L4"], page1.Items.Select(m => m.MemoirReference));
        var page2 = await MemoirsAsync(Client(Physio1), $"?limit=2&cursor={page1.NextCursor}");
        Assert.Equal(["INV-L3", "INV-L2"], page2.Items.Select(m => m.MemoirReference));

        var filtered = await MemoirsAsync(Client(Physio1), "?from=2026-11-24&to=2026-11-25&status=adjudicated");
        Assert.Equal(["INV-L3", "INV-L2"], filtered.Items.Select(m => m.MemoirReference));
        Assert.Empty((await MemoirsAsync(Client(Physio1), "?status=paid")).Items);
        await (await Client(Physio1).GetAsync("/api/v1/fee-memoirs?status=nope")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
    }
}
