using CnsExchange.Domain.Billing;
using CnsExchange.Application.Features.Vouchers;
using System.Net;
using CnsExchange.IntegrationTests.Support;
using static CnsExchange.IntegrationTests.Billing.BillingApi;
using static CnsExchange.IntegrationTests.Lifecycle.LifecycleApi;

namespace CnsExchange.IntegrationTests.Lifecycle;

/// <summary>LIF-01: POST /vouchers/{number}/cancellation.</summary>
public sealed class VoucherCancellationTests(ApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task Lif01_a_provider_cancels_its_voucher_and_later_lines_are_refused_voucher_cancelled()
    {
        var voucher = await VoucherSeed.CreateAsync(Api);
        var cancelled = await (await CancelVoucherAsync(Client(Physio1), voucher, "Patient moved abroad.")).ExpectAsync<VoucherDto>(HttpStatusCode.OK);
        Assert.Equal("Patient moved abroad.", cancelled.Cancellation!.Reason);
        Assert.NotEqual(default, cancelled.Cancellation.CancelledAt);

        var memoir = await SubmitAsync(Client(Physio1), Memoir("F-1", Line(voucher, "2026-11-10")));
        var line = LineOf(memoir, 1);
        Assert.Equal(LineOutcome.Refused, line.Outcome);
        Assert.Equal(["VOUCHER_CANCELLED"], Codes(line));
        Assert.Equal(0, await VoucherSeed.SessionsBilledAsync(Api, voucher));

        var shown = await GetAsync<VoucherDto>(Client(Physio1), $"/api/v1/vouchers/{voucher}");
        Assert.Equal("Patient moved abroad.", shown.Cancellation!.Reason);
    }

    [Fact]
    public async Task Lif01_a_voucher_with_an_accepted_session_is_cancelled_only_by_a_reviewer()
    {
        var voucher = await VoucherSeed.CreateAsync(Api);
        await SubmitAsync(Client(Physio1), Memoir("F-1", Line(voucher, "2026-11-10")));
        await (await CancelVoucherAsync(Client(Physio1), voucher)).ExpectProblemAsync(HttpStatusCode.Conflict, "voucher_has_accepted_sessions");

        await (await CancelVoucherAsync(Client(Reviewer), voucher, "Prescription found to be forged.")).ExpectAsync(HttpStatusCode.OK);
        var memoir = await SubmitAsync(Client(Physio1), Memoir("F-2", Line(voucher, "2026-11-12")));
        Assert.Contains("VOUCHER_CANCELLED", Codes(LineOf(memoir, 1)));
    }

    [Fact]
    public async Task Lif01_cancelling_twice_answers_the_same_and_the_idempotency_key_replays()
    {
        var voucher = await VoucherSeed.CreateAsync(Api);
        var first = await (await CancelVoucherAsync(Client(Physio1), voucher, key: "cancel-1")).ExpectAsync(HttpStatusCode.OK);
        var replay = await (await CancelVoucherAsync(Client(Physio1), voucher, key: "cancel-1")).ExpectAsync(HttpStatusCode.OK);
        var again = await (await CancelVoucherAsync(Client(Physio1), voucher, "Another reason.")).ExpectAsync<VoucherDto>(HttpStatusCode.OK);
        Assert.Equal(first.ToJsonString(), replay.ToJsonString()); // the replay is the first answer to the byte
        var cancellation = HttpAssertions.Read<VoucherDto>(first.ToJsonString()).Cancellation;
        Assert.NotNull(cancellation);
        Assert.Equal(cancellation, again.Cancellation); // the first cancellation stands
        await (await CancelVoucherAsync(Client(Physio1), voucher, "Other body.", key: "cancel-1")).ExpectAsync(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task Lif01_another_providers_voucher_is_not_found_and_bad_input_is_a_problem()
    {
        var voucher = await VoucherSeed.CreateAsync(Api);
        await (await CancelVoucherAsync(Client(Physio2), voucher)).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await CancelVoucherAsync(Client(Physio1), voucher, "")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await CancelVoucherAsync(Client(Physio1), "not-a-number")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Null((await GetAsync<VoucherDto>(Client(Physio1), $"/api/v1/vouchers/{voucher}")).Cancellation);
    }
}
