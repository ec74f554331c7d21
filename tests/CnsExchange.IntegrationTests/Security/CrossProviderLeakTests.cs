using System.Net;
using CnsExchange.Application.Features.Validation;
using System.Text.Json;
using System.Text.Json.Nodes;
using CnsExchange.Application.Common;
using CnsExchange.Domain.Requests;
using CnsExchange.Domain.Cures;
using CnsExchange.Domain.Vouchers;
using CnsExchange.IntegrationTests.Billing;
using CnsExchange.IntegrationTests.CareAuthorisations;
using CnsExchange.IntegrationTests.Reliability;
using CnsExchange.IntegrationTests.Support;
using CnsExchange.IntegrationTests.Validation;
using Xunit.Abstractions;

namespace CnsExchange.IntegrationTests.Security;

/// <summary>
/// A refusal may say that a limit is reached, never what another provider did (RULES.md §2, issue 15): every reason
/// code that can involve another provider's care, run with two providers. The first provider's secrets (voucher
/// numbers, dates, kinds, counts) must not appear in what the second one is answered; the owner still sees them.
/// </summary>
public sealed class CrossProviderLeakTests(ApiFactory api, ITestOutputHelper output) : ApiTest(api)
{
    private const string Adult = "1983081246785";

    private readonly List<string> _leaks = [];

    /// <summary>Records a leak when <paramref name="answer"/> (what the other provider got) shows one of the secrets.</summary>
    private void NoSecretIn(string scenario, JsonNode answer, params string[] secrets)
    {
        var text = answer.ToJsonString();
        foreach (var secret in secrets.Where(s => text.Contains(s, StringComparison.Ordinal)))
            _leaks.Add($"{scenario}: '{secret}' in {text}");
    }

    private void Report(string code)
    {
        ReliabilityFigures.Report(output, ($"cross-provider detail leaks ({code})", _leaks.Count));
        Assert.True(_leaks.Count == 0, string.Join("\n", _leaks));
    }

    private async Task<string> NewProviderKeyAsync(string code, string kind) =>
        (await (await Client(Admin).PostJsonAsync("/api/v1/admin/providers", new
        {
            code, kind, name = "Second " + kind.Replace('_', ' '), iban = "LU280019400644750000", bic = "BCEELULL",
        })).ExpectAsync<CnsExchange.Application.Features.Admin.ProviderCreated>(HttpStatusCode.Created)).ApiKey;

    private static IReadOnlyList<string> CodesOf(JsonNode decision) =>
        decision["reasons"]!.AsArray().Select(r => r!["code"]!.GetValue<string>()).ToList();

    private static string StatusOf(JsonNode decision) => decision["status"]!.GetValue<string>();

    /// <summary>The answer as sent: these tests look for secrets anywhere in the body, the wire format is their subject.</summary>
    private static async Task<JsonNode> DecideRawAsync(HttpClient client, ValidationRequestInput rx, byte[]? scan = null) =>
        await (await client.SubmitAsync(rx, scan)).ExpectAsync(HttpStatusCode.Created);

    private static JsonNode Reason(JsonNode node, string code) =>
        node["reasons"]!.AsArray().Single(r => r!["code"]!.GetValue<string>() == code)!;

    /// <summary>A typed reason as it went on the wire (the strict read keeps every field), for the secret search.</summary>
    private static JsonNode Reason(IReadOnlyList<ReasonDto> reasons, string code) =>
        JsonSerializer.SerializeToNode(reasons.Single(r => r.Code == code), HttpAssertions.Json)!;

    [Fact]
    [Trait("Category", "Reliability")]
    public async Task Duplicate_prescription_names_the_voucher_only_to_its_own_provider()
    {
        var scan = ValidationTestSupport.Pdf();
        var first = await DecideRawAsync(Client(Physio1), ValidationTestSupport.Rx(), scan);
        var number = first["voucher"]!["number"]!.GetValue<string>();

        var other = await DecideRawAsync(Client(Physio2), ValidationTestSupport.Rx() with { Sessions = 4 }, scan);
        Assert.Equal(["DUPLICATE_PRESCRIPTION"], CodesOf(other));
        Assert.Equal("already validated for another provider, same scan", Reason(other, "DUPLICATE_PRESCRIPTION")["detail"]!.GetValue<string>());
        // Nowhere in physio-2's answer (reasons, messages, links) is physio-1's voucher.
        Assert.DoesNotContain(number, other.ToJsonString());
        Assert.Null(other["voucher"]);
        NoSecretIn("DUPLICATE_PRESCRIPTION", Reason(other, "DUPLICATE_PRESCRIPTION"), number, first["voucher"]!["issuedOn"]!.GetValue<string>());

        var own = await DecideRawAsync(Client(Physio1), ValidationTestSupport.Rx() with { Sessions = 4 }, scan);
        Assert.Equal(number + ", same scan", Reason(own, "DUPLICATE_PRESCRIPTION")["detail"]!.GetValue<string>());
        Report("DUPLICATE_PRESCRIPTION");
    }

    [Fact]
    [Trait("Category", "Reliability")]
    public async Task Another_providers_voucher_answers_like_an_unknown_one_in_memoirs_simulations_and_files()
    {
        var foreign = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { ProviderCode = "PHY0002" });
        var unknown = VoucherNumber.Format(VoucherKind.Physiotherapy, 2026, 9_999_999);
        var memoir = BillingApi.Memoir("X-1", BillingApi.Line(foreign, "2026-11-10"), BillingApi.Line(unknown, "2026-11-11"));

        var answered = await (await Client(Physio1).PostJsonAsync("/api/v1/fee-memoirs", memoir)).ExpectAsync(HttpStatusCode.Created);
        var simulated = await (await Client(Physio1).PostJsonAsync("/api/v1/fee-memoirs/simulations",
            BillingApi.Memoir("X-2", BillingApi.Line(foreign, "2026-11-10"), BillingApi.Line(unknown, "2026-11-11")))).ExpectAsync(HttpStatusCode.OK);
        var csv = $"memoirReference,voucherNumber,matricule,sessionDate,actCode,travel,claimedAmount\nF-1,{foreign},{Adult},2026-11-10,ZK11,false,36.80\nF-1,{unknown},{Adult},2026-11-11,ZK11,false,36.80\n";
        var file = await BillingApi.WaitForFileAsync(Client(Physio1), (await BillingApi.UploadAsync(Client(Physio1), csv, "text/csv")).Id.ToString());
        var fromFile = await (await Client(Physio1).GetAsync($"/api/v1/fee-memoirs/{file.Memoirs![0].Id}")).ExpectAsync(HttpStatusCode.OK);

        foreach (var (name, body) in new[] { ("memoir", answered), ("simulation", simulated), ("file", fromFile) })
        {
            var lines = body["lines"]!.AsArray();
            var foreignLine = lines.Single(l => l!["voucherNumber"]!.GetValue<string>() == foreign)!;
            var unknownLine = lines.Single(l => l!["voucherNumber"]!.GetValue<string>() == unknown)!;
            // Same outcome, same reasons: the only difference is the number the caller sent.
            var asForeign = foreignLine["reasons"]!.ToJsonString().Replace(foreign, "#", StringComparison.Ordinal);
            var asUnknown = unknownLine["reasons"]!.ToJsonString().Replace(unknown, "#", StringComparison.Ordinal);
            Assert.Equal(["VOUCHER_UNKNOWN"], foreignLine["reasons"]!.AsArray().Select(r => r!["code"]!.GetValue<string>()));
            if (asForeign != asUnknown || foreignLine["outcome"]!.ToJsonString() != unknownLine["outcome"]!.ToJsonString())
                _leaks.Add($"VOUCHER_UNKNOWN ({name}): {asForeign} vs {asUnknown}");
        }
        Assert.Equal(0, await VoucherSeed.SessionsBilledAsync(Api, foreign));
        Report("VOUCHER_UNKNOWN");
    }

    [Fact]
    public async Task A_wrong_check_digit_is_answered_like_a_voucher_nobody_has()
    {
        var voucher = await VoucherSeed.CreateAsync(Api);
        var wrongCheck = voucher[..12] + (char)('0' + ((voucher[12] - '0' + 1) % 10));
        var memoir = await BillingApi.SubmitAsync(Client(Physio1), BillingApi.Memoir("CHK-1", BillingApi.Line(wrongCheck, "2026-11-10")));
        Assert.Equal(["VOUCHER_UNKNOWN"], BillingApi.Codes(BillingApi.LineOf(memoir, 1)));
        await (await Client(Physio1).GetAsync($"/api/v1/vouchers/{wrongCheck}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        // A number of the wrong shape is still bad input.
        await (await Client(Physio1).PostJsonAsync("/api/v1/fee-memoirs", BillingApi.Memoir("CHK-2", BillingApi.Line("K26-12", "2026-11-10"))))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    [Trait("Category", "Reliability")]
    public async Task Cure_too_soon_and_maintenance_give_no_details_of_another_centres_cure()
    {
        var secondCentre = await NewProviderKeyAsync("THE0002", "thermal_centre");
        var open = await Client(Thermal1).CureAsync(CareTestSupport.Cure("T200", start: new DateOnly(2026, 12, 1)));
        Assert.Equal(RequestStatus.Agreed, open.Status);

        var other = await Client(secondCentre).CureAsync(CareTestSupport.Cure("T200", start: new DateOnly(2026, 12, 7)));
        Assert.Equal(["CURE_TOO_SOON"], other.Codes());
        Assert.Null(Reason(other.Reasons, "CURE_TOO_SOON")["detail"]);
        NoSecretIn("CURE_TOO_SOON", Reason(other.Reasons, "CURE_TOO_SOON"), "2026-11-23", "2026-12-01");
        var own = await Client(Thermal1).CureAsync(CareTestSupport.Cure("T200", start: new DateOnly(2026, 12, 7)));
        Assert.Equal("T200 2026-11-23", Reason(own.Reasons, "CURE_TOO_SOON")["detail"]!.GetValue<string>());

        // 23 of 24 sessions at the first centre: the second is told the cycle is not complete, not how far it went.
        Api.MoveTo(new DateOnly(2027, 2, 1));
        await Client(Thermal1).BillSessionsAsync(open, CareTestSupport.Sessions(new DateOnly(2026, 12, 1), new DateOnly(2027, 1, 28), 23));
        var maintenance = await Client(secondCentre).CureAsync(CareTestSupport.Cure("T209", start: new DateOnly(2027, 2, 8)));
        Assert.Equal(["MAINTENANCE_NOT_ALLOWED"], maintenance.Codes());
        NoSecretIn("MAINTENANCE_NOT_ALLOWED", Reason(maintenance.Reasons, "MAINTENANCE_NOT_ALLOWED"), "23");
        var ownMaintenance = await Client(Thermal1).CureAsync(CareTestSupport.Cure("T209", start: new DateOnly(2027, 2, 8)));
        Assert.Equal("23/24", Reason(ownMaintenance.Reasons, "MAINTENANCE_NOT_ALLOWED")["detail"]!.GetValue<string>());
        Report("CURE_TOO_SOON, MAINTENANCE_NOT_ALLOWED");
    }

    [Fact]
    [Trait("Category", "Reliability")]
    public async Task Rehab_days_exceeded_does_not_count_another_centres_days()
    {
        var secondCentre = await NewProviderKeyAsync("REH0002", "rehabilitation_centre");
        Assert.Equal(RequestStatus.Agreed, (await Client(Rehab1).RehabAsync(CareTestSupport.Rehab("SNRP_STAT", start: new DateOnly(2026, 11, 30), days: 21))).Status);

        var other = await Client(secondCentre).RehabAsync(CareTestSupport.Rehab("SNRP_STAT", start: new DateOnly(2026, 12, 21), days: 10));
        Assert.Equal(["REHAB_DAYS_EXCEEDED"], other.Codes());
        Assert.Equal("2026: > 30", Reason(other.Reasons, "REHAB_DAYS_EXCEEDED")["detail"]!.GetValue<string>());
        NoSecretIn("REHAB_DAYS_EXCEEDED", Reason(other.Reasons, "REHAB_DAYS_EXCEEDED"), "21");

        var own = await Client(Rehab1).RehabAsync(CareTestSupport.Rehab("SNRP_STAT", start: new DateOnly(2026, 12, 21), days: 10));
        Assert.Equal("2026: 21 + 10 > 30", Reason(own.Reasons, "REHAB_DAYS_EXCEEDED")["detail"]!.GetValue<string>());
        Report("REHAB_DAYS_EXCEEDED");
    }

    [Fact]
    [Trait("Category", "Reliability")]
    public async Task Hospital_overlap_and_participation_show_only_the_hospitals_own_stays()
    {
        var secondHospital = await NewProviderKeyAsync("HOS0002", "hospital");
        static object Stay(string admission, string discharge) => new
        {
            matricule = Adult, kind = "stationary", admissionDate = admission, dischargeDate = discharge, room = "standard",
            operations = Array.Empty<object>(),
        };
        async Task<JsonNode> PostAsync(string key, object body) =>
            await (await Client(key).PostJsonAsync("/api/v1/hospital-stays", body)).ExpectAsync(HttpStatusCode.Created);

        await PostAsync(Hospital1, Stay("2026-02-01", "2026-02-12"));
        await PostAsync(Hospital1, Stay("2026-11-01", "2026-11-05"));

        var overlap = await PostAsync(secondHospital, Stay("2026-11-03", "2026-11-08"));
        Assert.Equal("refused", overlap["status"]!.GetValue<string>());
        Assert.Null(Reason(overlap, "HOSPITAL_STAY_OVERLAP")["detail"]);
        NoSecretIn("HOSPITAL_STAY_OVERLAP", overlap, "2026-11-01", "2026-11-05");
        var ownOverlap = await PostAsync(Hospital1, Stay("2026-11-03", "2026-11-08"));
        Assert.Equal("2026-11-01/2026-11-05", Reason(ownOverlap, "HOSPITAL_STAY_OVERLAP")["detail"]!.GetValue<string>());

        // 17 days charged at the first hospital this year: the second is not told how many.
        var later = await PostAsync(secondHospital, Stay("2026-06-01", "2026-06-03"));
        Assert.Equal(0, later["participation"]!["years"]![0]!["chargedBefore"]!.GetValue<int>());
        var ownLater = await PostAsync(Hospital1, Stay("2026-07-01", "2026-07-03"));
        Assert.Equal(17, ownLater["participation"]!["years"]![0]!["chargedBefore"]!.GetValue<int>());
        Report("HOSPITAL_STAY_OVERLAP, chargedBefore");
    }
}
