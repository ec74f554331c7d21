using CnsExchange.Domain.Requests;
using System.Net;
using System.Text.Json;
using CnsExchange.Application.Features.Validation;
using CnsExchange.IntegrationTests.Support;
using static CnsExchange.IntegrationTests.Validation.ValidationTestSupport;

namespace CnsExchange.IntegrationTests.Validation;

/// <summary>Issue 4: Idempotency-Key replays, key reuse, and VAL-14 duplicates decided by the database.</summary>
public sealed class IdempotencyAndDuplicateTests(ApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task Same_key_and_body_replays_the_first_answer_with_the_same_voucher()
    {
        var scan = Pdf();
        var first = await Client(Physio1).DecideAsync(Rx(), scan, "key-1");
        var replay = await Client(Physio1).SubmitAsync(Rx(), scan, "key-1");
        var again = await replay.ExpectAsync<ValidationRequestDto>(HttpStatusCode.Created);

        Assert.Equal(first.Id, again.Id);
        Assert.Equal(first.Voucher!.Number, again.Voucher!.Number);
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(1, await Api.CountAsync("validation_requests"));
        Assert.Equal(1, await Api.CountAsync("vouchers"));
    }

    [Fact]
    public async Task Same_key_with_another_body_is_422()
    {
        var scan = Pdf();
        await Client(Physio1).DecideAsync(Rx(), scan, "key-2");
        await (await Client(Physio1).SubmitAsync(Rx() with { Sessions = 7 }, scan, "key-2")).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        await (await Client(Physio1).SubmitAsync(Rx(), Pdf(), "key-2")).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        Assert.Equal(1, await Api.CountAsync("validation_requests"));
    }

    [Fact]
    public async Task Keys_belong_to_their_provider()
    {
        await Client(Physio1).DecideAsync(Rx(), Pdf(), "shared-key");
        var other = await Client(Physio2).DecideAsync(Rx(Minor), Pdf(), "shared-key");
        Assert.Equal(RequestStatus.Agreed, other.Status);
        Assert.Equal(2, await Api.CountAsync("validation_requests"));
    }

    [Fact]
    public async Task Concurrent_identical_submissions_with_one_key_create_one_request()
    {
        var scan = Pdf();
        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Client(Physio1).SubmitAsync(Rx(), scan, "burst")));
        var bodies = await Task.WhenAll(responses.Select(r => r.ExpectAsync<ValidationRequestDto>(HttpStatusCode.Created)));

        Assert.Single(bodies.Select(b => b.Id).Distinct());
        Assert.Single(bodies.Select(b => b.Voucher!.Number).Distinct());
        Assert.Equal(1, await Api.CountAsync("validation_requests"));
        Assert.Equal(1, await Api.CountAsync("vouchers"));
    }

    [Fact]
    public async Task Second_submission_of_a_prescription_is_refused_with_the_existing_voucher_number()
    {
        var first = await Client(Physio1).DecideAsync(Rx());
        var number = first.Voucher!.Number;

        var sameData = await Client(Physio1).DecideAsync(Rx() with { Sessions = 4 }, Pdf("other scan, same prescription data"));
        Assert.Equal(["DUPLICATE_PRESCRIPTION"], sameData.Codes());
        Assert.Equal(number + ", same doctor, insured, date and act", sameData.Reasons[0].Detail);
        Assert.Contains(number, sameData.Reasons[0].Message);
    }

    [Fact]
    public async Task Same_scan_for_other_prescription_data_is_a_duplicate_too()
    {
        var scan = Pdf();
        var first = await Client(Physio1).DecideAsync(Rx(), scan);
        var second = await Client(Physio2).DecideAsync(Rx() with { PrescriptionDate = Today.AddDays(-4) }, scan);
        Assert.Equal(["DUPLICATE_PRESCRIPTION"], second.Codes());
        // Another provider's voucher: the fact and what matched, not its number (RULES.md VAL-14).
        Assert.Equal("already validated for another provider, same scan", second.Reasons[0].Detail);
        Assert.Equal("scan", second.Reasons[0].Field);
        Assert.DoesNotContain(first.Voucher!.Number, JsonSerializer.Serialize(second, HttpAssertions.Json));
    }

    [Fact]
    public async Task Ten_concurrent_submissions_of_one_prescription_get_one_voucher()
    {
        // Different keys (or none) and different scans: only the database can tell they are the same prescription.
        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            Client(i % 2 == 0 ? Physio1 : Physio2).SubmitAsync(Rx(), Pdf($"copy {i}"), i % 3 == 0 ? null : $"key-{i}")));
        var bodies = await Task.WhenAll(responses.Select(r => r.ExpectAsync<ValidationRequestDto>(HttpStatusCode.Created)));

        var agreed = bodies.Where(b => b.Status == RequestStatus.Agreed).ToList();
        var winner = Assert.Single(agreed).Voucher!.Number;
        var winnerKey = responses[Array.IndexOf(bodies, agreed[0])].RequestMessage!.Headers.GetValues("X-Api-Key").Single();
        foreach (var (refused, i) in bodies.Select((b, i) => (b, i)).Where(x => x.b.Status != RequestStatus.Agreed))
        {
            Assert.Equal(["DUPLICATE_PRESCRIPTION"], refused.Codes());
            // The number only to the provider that holds the voucher (RULES.md VAL-14).
            var sameProvider = responses[i].RequestMessage!.Headers.GetValues("X-Api-Key").Single() == winnerKey;
            // Different scans: recognised by the prescription's data.
            Assert.Equal((sameProvider ? winner : "already validated for another provider") + ", same doctor, insured, date and act",
                refused.Reasons[0].Detail);
        }
        Assert.Equal(1, await Api.CountAsync("vouchers"));
        Assert.Equal(10, await Api.CountAsync("validation_requests"));
    }
}
