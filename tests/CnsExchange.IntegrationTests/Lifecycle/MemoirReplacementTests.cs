using CnsExchange.Domain.Billing;
using System.Net;
using CnsExchange.Application.Features.Billing;
using CnsExchange.IntegrationTests.Support;
using static CnsExchange.IntegrationTests.Billing.BillingApi;
using static CnsExchange.IntegrationTests.Lifecycle.LifecycleApi;
using static CnsExchange.IntegrationTests.PaymentRuns.PaymentRunApi;

namespace CnsExchange.IntegrationTests.Lifecycle;

/// <summary>LIF-03: a memoir replaces another — in JSON ("replaces") and in billing files (CSV column, XML element).</summary>
public sealed class MemoirReplacementTests(ApiFactory api) : ApiTest(api)
{
    private static object Replacing(string reference, string replaces, params object[] lines) => new { memoirReference = reference, lines, replaces };

    [Fact]
    public async Task Lif03_a_json_memoir_replaces_another_the_old_is_voided_and_the_new_adjudicated_with_its_sessions_back()
    {
        var voucher = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { Sessions = 2 });
        var wrong = await SubmitAsync(Client(Physio1), Memoir("F-1", Line(voucher, "2026-11-10"), Line(voucher, "2026-11-11")));
        var oldId = wrong.Id.ToString();

        // Same dates again, and the two sessions are all the voucher has: only a replacement frees them in the same transaction.
        var fixedMemoir = await SubmitAsync(Client(Physio1), Replacing("F-1b", oldId, Line(voucher, "2026-11-10"), Line(voucher, "2026-11-12")));
        Assert.All(fixedMemoir.Lines, l => Assert.Equal(LineOutcome.Accepted, l.Outcome));
        Assert.Equal(oldId, fixedMemoir.Replaces.ToString());
        var old = await GetAsync<FeeMemoirDto>(Client(Physio1), $"/api/v1/fee-memoirs/{oldId}");
        Assert.Equal(FeeMemoirStatus.Voided, old.Status);
        Assert.Equal(fixedMemoir.Id, old.ReplacedBy);
        Assert.Equal(2, await VoucherSeed.SessionsBilledAsync(Api, voucher));

        // Replaced once: a second replacement of the same memoir is refused, and nothing of it is stored.
        await (await Client(Physio1).PostJsonAsync("/api/v1/fee-memoirs", Replacing("F-1c", oldId, Line(voucher, "2026-11-13"))))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "memoir_voided");
        await SubmitAsync(Client(Physio1), Memoir("F-1c", Line(voucher, "2026-11-13"))); // the reference was not used
    }

    [Fact]
    public async Task Lif03_replacing_a_memoir_a_run_took_is_409_and_leaves_both_as_they_were()
    {
        var voucher = await VoucherSeed.CreateAsync(Api);
        var paid = await SubmitAsync(Client(Physio1), Memoir("F-1", Line(voucher, "2026-11-10")));
        await SetClockAsync(Client(Admin), Local("2026-11-30", 3));
        await (await Client(Physio1).PostJsonAsync("/api/v1/fee-memoirs", Replacing("F-2", paid.Id.ToString(), Line(voucher, "2026-11-12"))))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "memoir_in_payment_run");
        await (await Client(Physio1).PostJsonAsync("/api/v1/fee-memoirs", Replacing("F-3", Guid.NewGuid().ToString(), Line(voucher, "2026-11-12"))))
            .ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(1, await VoucherSeed.SessionsBilledAsync(Api, voucher));
        Assert.Equal(FeeMemoirStatus.Paid, (await GetAsync<FeeMemoirDto>(Client(Physio1), $"/api/v1/fee-memoirs/{paid.Id}")).Status);
        await SubmitAsync(Client(Physio1), Memoir("F-2", Line(voucher, "2026-11-12"))); // F-2 was not stored
    }

    [Fact]
    public async Task Lif03_a_csv_billing_file_replaces_memoirs_with_its_replaces_column()
    {
        var voucher = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { Sessions = 2 });
        var old = await SubmitAsync(Client(Physio1), Memoir("F-1", Line(voucher, "2026-11-10"), Line(voucher, "2026-11-11")));
        var oldId = old.Id.ToString();
        var csv = "memoirReference,voucherNumber,matricule,sessionDate,actCode,claimedAmount,replaces\n" +
                  $"F-1b,{voucher},{Adult},2026-11-10,ZK11,36.80,{oldId}\n" +
                  $"F-1b,{voucher},{Adult},2026-11-12,ZK11,36.80,{oldId}\n" +
                  $"F-9,{voucher},{Adult},2026-11-13,ZK11,36.80,\n";
        var file = await WaitForFileAsync(Client(Physio1), (await UploadAsync(Client(Physio1), csv, "text/csv")).Id.ToString());
        Assert.Equal(BillingFileStatus.Processed, file.Status);
        Assert.Equal(2, file.Counts!.Accepted); // F-1b's two lines; F-9 finds the voucher exhausted
        var replaced = await GetAsync<FeeMemoirDto>(Client(Physio1), $"/api/v1/fee-memoirs/{oldId}");
        Assert.Equal(FeeMemoirStatus.Voided, replaced.Status);
        Assert.NotNull(replaced.ReplacedBy);
        Assert.Equal(2, await VoucherSeed.SessionsBilledAsync(Api, voucher));
    }

    [Fact]
    public async Task Lif03_an_xml_billing_file_replaces_with_its_replaces_element_and_a_bad_replacement_rejects_the_whole_file()
    {
        var voucher = await VoucherSeed.CreateAsync(Api);
        var old = await SubmitAsync(Client(Physio1), Memoir("F-1", Line(voucher, "2026-11-10")));
        var oldId = old.Id.ToString();
        string Xml(string replaces) => $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <billingFile xmlns="urn:cns-exchange:billing-file:1" providerCode="PHY0001">
              <memoir reference="F-1b">
                <replaces>{replaces}</replaces>
                <line><voucherNumber>{voucher}</voucherNumber><matricule>{Adult}</matricule><sessionDate>2026-11-10</sessionDate><actCode>ZK11</actCode><claimedAmount>36.80</claimedAmount></line>
              </memoir>
            </billingFile>
            """;
        var rejected = await WaitForFileAsync(Client(Physio1), (await UploadAsync(Client(Physio1), Xml(Guid.NewGuid().ToString()), "application/xml")).Id.ToString());
        Assert.Equal(BillingFileStatus.Rejected, rejected.Status);
        Assert.Contains("replaces a memoir that is unknown", rejected.Errors![0].Message);
        Assert.Equal(FeeMemoirStatus.Adjudicated, (await GetAsync<FeeMemoirDto>(Client(Physio1), $"/api/v1/fee-memoirs/{oldId}")).Status);

        var processed = await WaitForFileAsync(Client(Physio1), (await UploadAsync(Client(Physio1), Xml(oldId), "application/xml")).Id.ToString());
        Assert.Equal(BillingFileStatus.Processed, processed.Status);
        Assert.Equal(1, processed.Counts!.Accepted); // the same line again: the old one was released first
        Assert.Equal(FeeMemoirStatus.Voided, (await GetAsync<FeeMemoirDto>(Client(Physio1), $"/api/v1/fee-memoirs/{oldId}")).Status);
        Assert.Equal(1, await VoucherSeed.SessionsBilledAsync(Api, voucher));
    }

    /// <summary>
    /// The file-wide LIF-03 checks, each at the line it names: a memoir naming a replaced memoir on some of its lines only
    /// (its first line), a memoir replacing one that does not exist (its line), two memoirs replacing the same one (the
    /// later reference, at the last line naming it). Nothing is voided or imported.
    /// </summary>
    [Fact]
    public async Task Lif03_a_file_whose_replacements_are_partial_unknown_or_twice_the_same_is_rejected_at_their_lines()
    {
        var voucher = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { Sessions = 8 });
        var first = (await SubmitAsync(Client(Physio1), Memoir("R-OLD-1", Line(voucher, "2026-11-02")))).Id.ToString();
        var second = (await SubmitAsync(Client(Physio1), Memoir("R-OLD-2", Line(voucher, "2026-11-03")))).Id.ToString();
        var csv = "memoirReference,voucherNumber,matricule,sessionDate,actCode,claimedAmount,replaces\n" +
                  $"R-1,{voucher},{Adult},2026-11-10,ZK11,36.80,{first}\n" +
                  $"R-1,{voucher},{Adult},2026-11-11,ZK11,36.80,{first}\n" +
                  $"R-1,{voucher},{Adult},2026-11-12,ZK11,36.80,\n" +
                  $"R-2,{voucher},{Adult},2026-11-13,ZK11,36.80,{second}\n" +
                  $"R-3,{voucher},{Adult},2026-11-16,ZK11,36.80,{second}\n" +
                  $"R-3,{voucher},{Adult},2026-11-17,ZK11,36.80,{second}\n" +
                  $"R-4,{voucher},{Adult},2026-11-18,ZK11,36.80,{Guid.NewGuid()}\n";
        var file = await WaitForFileAsync(Client(Physio1), (await UploadAsync(Client(Physio1), csv, "text/csv")).Id.ToString());
        Assert.Equal(BillingFileStatus.Rejected, file.Status);
        Assert.Collection(file.Errors,
            e => Assert.Equal((2, "Every line of memoir 'R-1' must name the same memoir in replaces (or none)."), (e.Line, e.Message)),
            e => Assert.Equal((7, "Memoir 'R-3' replaces a memoir another memoir of the file replaces too."), (e.Line, e.Message)),
            e => Assert.Equal((8, "Memoir 'R-4' replaces a memoir that is unknown, already voided or already in a payment run (LIF-03)."), (e.Line, e.Message)));
        Assert.All(file.Errors, e => Assert.Equal("memoirReference", e.Field));
        foreach (var id in new[] { first, second })
            Assert.Equal(FeeMemoirStatus.Adjudicated, (await GetAsync<FeeMemoirDto>(Client(Physio1), $"/api/v1/fee-memoirs/{id}")).Status);
        Assert.Equal(2, await VoucherSeed.SessionsBilledAsync(Api, voucher));
    }
}
