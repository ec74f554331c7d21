using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using CnsExchange.Application.Common;
using CnsExchange.Application.Features.Eligibility;
using CnsExchange.Domain.Common;
using CnsExchange.Domain.Lifecycle;
using CnsExchange.Domain.Vouchers;
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

    private async Task<EligibilityDto> EligibilityAsync(string matricule, string? date = null, string key = Physio1) =>
        await (await AskAsync(key, matricule, date)).ExpectAsync<EligibilityDto>(HttpStatusCode.OK);

    private static IReadOnlyList<string> Codes(EligibilityDto answer) => answer.Reasons.Select(r => r.Code).ToList();

    [Fact]
    public async Task Lif06_the_scenario_identities_answer_what_a_provider_needs()
    {
        var adult = await EligibilityAsync(Adult);
        Assert.Equal((true, true, true, "CNS", false, "LU", false, false, false),
            (adult.Known, adult.AffiliatedOnDate, adult.ThirdPartyPaymentPossible, adult.CompetentFund,
             adult.CrossBorderWorker ?? false, adult.ResidenceCountry, adult.UnderEighteen ?? false,
             adult.OpenAccidentCase ?? false, adult.DependencyPlanWithPhysiotherapy ?? false));
        Assert.Equal(Today, adult.Date);
        Assert.Empty(adult.Reasons);

        Assert.True((await EligibilityAsync(Minor)).UnderEighteen);
        var crossBorder = await EligibilityAsync(CrossBorderFr);
        Assert.Equal((true, "FR"), (crossBorder.CrossBorderWorker ?? false, crossBorder.ResidenceCountry));
        Assert.True((await EligibilityAsync(AccidentCase)).OpenAccidentCase);
        Assert.True((await EligibilityAsync(DependencyPlan)).DependencyPlanWithPhysiotherapy);
        Assert.Equal("CMFEP", (await EligibilityAsync(PublicFund)).CompetentFund);

        // Affiliation ended 2026-10-31: affiliated on that day, not today; nothing more about the person today.
        Assert.True((await EligibilityAsync(NotAffiliated, "2026-10-31")).AffiliatedOnDate);
        var ended = await EligibilityAsync(NotAffiliated);
        Assert.Equal((true, false, false), (ended.Known, ended.AffiliatedOnDate, ended.ThirdPartyPaymentPossible));
        Assert.Equal(["INSURED_NOT_AFFILIATED"], Codes(ended));
        Assert.Null(ended.CompetentFund);

        var unknown = await EligibilityAsync(Matricule.Create(new DateOnly(1990, 1, 1), 999).Value);
        Assert.False(unknown.Known);
        Assert.Equal(["INSURED_UNKNOWN"], Codes(unknown));
    }

    [Fact]
    public async Task Lif06_nothing_else_about_the_person_is_in_the_answer()
    {
        // The members on the wire are the subject here, so the answer is read as raw JSON.
        var answer = (JsonObject)await (await AskAsync(Physio1, Adult)).ExpectAsync(HttpStatusCode.OK);
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

        var mine = (await EligibilityAsync(Adult)).OpenVouchers;
        var voucher = Assert.Single(mine);
        Assert.Equal((number, 6, VoucherKind.Physiotherapy), (voucher.Number, voucher.SessionsLeft, voucher.Kind));

        // Another provider learns the person's facts, never the first provider's vouchers.
        var other = await EligibilityAsync(Adult, key: Physio2);
        Assert.True(other.AffiliatedOnDate);
        Assert.Empty(other.OpenVouchers);
        Assert.DoesNotContain(number, JsonSerializer.Serialize(other, HttpAssertions.Json), StringComparison.Ordinal);

        // After its validity the voucher is no longer open.
        var validUntil = voucher.ValidUntil;
        Assert.Empty((await EligibilityAsync(Adult, validUntil.AddDays(1).ToString("yyyy-MM-dd"))).OpenVouchers);
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
            .SingleAsync(c => c.Id == answer.CheckId));
        Assert.Equal(1, row.OpenVouchers);
    }

    private static List<string> OpenNumbers(EligibilityDto answer) => answer.OpenVouchers.Select(v => v.Number).ToList();

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
        var log = await (await Client(Reviewer).GetAsync($"/api/v1/review/eligibility-checks?matricule={Adult}")).ExpectAsync<Page<EligibilityCheckDto>>(HttpStatusCode.OK);
        Assert.Equal([("PHY0001", new DateOnly(2026, 11, 23)), ("PHY0002", new DateOnly(2026, 11, 1))],
            log.Items.Select(i => (i.ProviderCode, i.AskedDate)).Order());
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
