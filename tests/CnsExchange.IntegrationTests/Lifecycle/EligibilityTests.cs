using System.Net;
using System.Text.Json.Nodes;
using CnsExchange.Domain.Common;
using CnsExchange.Domain.Lifecycle;
using CnsExchange.Infrastructure.Persistence;
using CnsExchange.IntegrationTests.Support;
using Microsoft.EntityFrameworkCore;
using static CnsExchange.IntegrationTests.Validation.ValidationTestSupport;

namespace CnsExchange.IntegrationTests.Lifecycle;

/// <summary>Issue 19 item 5, LIF-06: GET /eligibility for providers, every call audited under a keyed hash of the matricule.</summary>
public sealed class EligibilityTests(ApiFactory api) : ApiTest(api)
{
    private const string PublicFund = "1978031512369";

    private Task<HttpResponseMessage> AskAsync(string key, string matricule, string? date = null) =>
        Client(key).GetAsync($"/api/v1/eligibility?matricule={matricule}" + (date is null ? "" : $"&date={date}"));

    private async Task<JsonNode> EligibilityAsync(string matricule, string? date = null, string key = Physio1) =>
        await (await AskAsync(key, matricule, date)).ExpectAsync(HttpStatusCode.OK);

    private static T? Get<T>(JsonNode answer, string name) => answer[name] is { } n ? n.GetValue<T>() : default;

    [Fact]
    public async Task Lif06_the_scenario_identities_answer_what_a_provider_needs()
    {
        var adult = await EligibilityAsync(Adult);
        Assert.Equal((true, true, true, "CNS", false, "LU", false, false, false),
            (Get<bool>(adult, "known"), Get<bool>(adult, "affiliatedOnDate"), Get<bool>(adult, "thirdPartyPaymentPossible"), Get<string>(adult, "competentFund"),
             Get<bool>(adult, "crossBorderWorker"), Get<string>(adult, "residenceCountry"), Get<bool>(adult, "underEighteen"),
             Get<bool>(adult, "openAccidentCase"), Get<bool>(adult, "dependencyPlanWithPhysiotherapy")));
        Assert.Equal(Today.ToString("yyyy-MM-dd"), Get<string>(adult, "date"));
        Assert.Empty(adult["reasons"]!.AsArray());

        Assert.True(Get<bool>(await EligibilityAsync(Minor), "underEighteen"));
        var crossBorder = await EligibilityAsync(CrossBorderFr);
        Assert.Equal((true, "FR"), (Get<bool>(crossBorder, "crossBorderWorker"), Get<string>(crossBorder, "residenceCountry")));
        Assert.True(Get<bool>(await EligibilityAsync(AccidentCase), "openAccidentCase"));
        Assert.True(Get<bool>(await EligibilityAsync(DependencyPlan), "dependencyPlanWithPhysiotherapy"));
        Assert.Equal("CMFEP", Get<string>(await EligibilityAsync(PublicFund), "competentFund"));

        // Affiliation ended 2026-10-31: affiliated on that day, not today; nothing more about the person today.
        Assert.True(Get<bool>(await EligibilityAsync(NotAffiliated, "2026-10-31"), "affiliatedOnDate"));
        var ended = await EligibilityAsync(NotAffiliated);
        Assert.Equal((true, false, false), (Get<bool>(ended, "known"), Get<bool>(ended, "affiliatedOnDate"), Get<bool>(ended, "thirdPartyPaymentPossible")));
        Assert.Equal(["INSURED_NOT_AFFILIATED"], ended.Codes());
        Assert.Null(ended["competentFund"]);

        var unknown = await EligibilityAsync(Matricule.Create(new DateOnly(1990, 1, 1), 999).Value);
        Assert.False(Get<bool>(unknown, "known"));
        Assert.Equal(["INSURED_UNKNOWN"], unknown.Codes());
    }

    [Fact]
    public async Task Lif06_nothing_else_about_the_person_is_in_the_answer()
    {
        var answer = (JsonObject)await EligibilityAsync(Adult);
        Assert.Equal(
            ["affiliatedOnDate", "checkId", "competentFund", "crossBorderWorker", "date", "dependencyPlanWithPhysiotherapy", "known", "openAccidentCase",
             "openVouchers", "reasons", "residenceCountry", "thirdPartyPaymentPossible", "underEighteen"],
            answer.Select(p => p.Key).Order(StringComparer.Ordinal));
        var text = answer.ToJsonString();
        Assert.DoesNotContain("Marie", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("1983-08-12", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lif06_open_vouchers_are_the_caller_s_own_with_the_sessions_left()
    {
        var number = (await Client(Physio1).DecideAsync(Rx() with { Sessions = 6 })).Voucher!.Number;

        var mine = (await EligibilityAsync(Adult))["openVouchers"]!.AsArray();
        var voucher = Assert.Single(mine)!;
        Assert.Equal((number, 6, "physiotherapy"), (voucher["number"]!.GetValue<string>(), voucher["sessionsLeft"]!.GetValue<int>(), voucher["kind"]!.GetValue<string>()));

        // Another provider learns the person's facts, never the first provider's vouchers.
        var other = await EligibilityAsync(Adult, key: Physio2);
        Assert.True(Get<bool>(other, "affiliatedOnDate"));
        Assert.Empty(other["openVouchers"]!.AsArray());
        Assert.DoesNotContain(number, other.ToJsonString(), StringComparison.Ordinal);

        // After its validity the voucher is no longer open.
        var validUntil = voucher["validUntil"]!.GetValue<string>();
        Assert.Empty((await EligibilityAsync(Adult, DateOnly.Parse(validUntil).AddDays(1).ToString("yyyy-MM-dd")))["openVouchers"]!.AsArray());
    }

    [Fact]
    public async Task Lif06_a_cancelled_voucher_is_not_open()
    {
        var kept = (await Client(Physio1).DecideAsync(Rx() with { Sessions = 6 })).Voucher!.Number;
        await Api.AdvanceAsync(TimeSpan.FromHours(1));
        var cancelled = (await Client(Physio1).DecideAsync(Rx() with { PrescriptionDate = Today.AddDays(-2) })).Voucher!.Number;
        Assert.Equal(new[] { cancelled, kept }.Order(StringComparer.Ordinal), OpenNumbers(await EligibilityAsync(Adult)).Order(StringComparer.Ordinal));

        await (await LifecycleApi.CancelVoucherAsync(Client(Physio1), cancelled)).ExpectAsync(HttpStatusCode.OK);

        var answer = await EligibilityAsync(Adult);
        Assert.Equal([kept], OpenNumbers(answer));
        var row = await Api.WithScopeAsync(sp => sp.GetRequiredService<AppDbContext>().Set<EligibilityCheck>().AsNoTracking()
            .SingleAsync(c => c.Id == Guid.Parse(answer["checkId"]!.GetValue<string>())));
        Assert.Equal(1, row.OpenVouchers);
    }

    private static List<string> OpenNumbers(JsonNode answer) => answer["openVouchers"]!.AsArray().Select(v => v!["number"]!.GetValue<string>()).ToList();

    [Fact]
    public async Task Lif06_every_call_is_audited_under_a_keyed_hash_never_the_matricule()
    {
        Api.Logs.Lines.Clear();
        await EligibilityAsync(Adult);
        await EligibilityAsync(Adult, "2026-11-01", Physio2);
        await EligibilityAsync(Minor);

        var rows = await Api.WithScopeAsync(sp => sp.GetRequiredService<AppDbContext>().Set<EligibilityCheck>().AsNoTracking().ToListAsync());
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.Matches("^[0-9a-f]{64}$", r.MatriculeHash));
        Assert.Equal(2, rows.Select(r => r.MatriculeHash).Distinct().Count());
        // Keyed: not the plain SHA-256 anyone could compute from a matricule.
        Assert.DoesNotContain(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Adult))),
            rows.Select(r => r.MatriculeHash));
        var dump = await Api.WithScopeAsync(async sp => string.Join("\n", await sp.GetRequiredService<AppDbContext>().Database
            .SqlQueryRaw<string>("SELECT row_to_json(c)::text AS \"Value\" FROM cns.eligibility_checks c").ToListAsync()));
        Assert.DoesNotContain(Adult, dump, StringComparison.Ordinal);
        Assert.DoesNotContain(Minor, dump, StringComparison.Ordinal);
        Assert.Empty(Security.LogPrivacyTests.Leaks(Api.Logs.Lines.ToArray(), [Adult, Minor]));

        // CNS staff find the calls about one person by its matricule; providers may not read the log.
        var log = await (await Client(Reviewer).GetAsync($"/api/v1/review/eligibility-checks?matricule={Adult}")).ExpectAsync(HttpStatusCode.OK);
        var items = log["items"]!.AsArray();
        Assert.Equal([("PHY0001", "2026-11-23"), ("PHY0002", "2026-11-01")],
            items.Select(i => (i!["providerCode"]!.GetValue<string>(), i["askedDate"]!.GetValue<string>())).Order());
        await (await Client(Physio1).GetAsync($"/api/v1/review/eligibility-checks?matricule={Adult}")).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Lif06_bad_input_is_400_and_only_providers_ask()
    {
        await (await AskAsync(Physio1, "1983081246786")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await Client(Physio1).GetAsync("/api/v1/eligibility")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await AskAsync(Physio1, Adult, "3000-01-01")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotEqual(HttpStatusCode.OK, (await AskAsync(Physio1, Adult, "23.11.2026")).StatusCode);
        await (await AskAsync(Reviewer, Adult)).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(0, await Api.WithScopeAsync(sp => sp.GetRequiredService<AppDbContext>().Set<EligibilityCheck>().CountAsync()));
    }
}
