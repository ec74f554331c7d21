using CnsExchange.Domain.Requests;
using System.Net;
using CnsExchange.Domain.Physio;
using CnsExchange.IntegrationTests.Support;
using static CnsExchange.IntegrationTests.Validation.ValidationTestSupport;

namespace CnsExchange.IntegrationTests.Validation;

/// <summary>Issue 14 through the API: standard Verhoeff check digits, and the VAL-10 rate of lymphatic drainage.</summary>
public sealed class FidelityValidationTests(ApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task RULES_md_AAA_identity_1994092874550_is_accepted_and_the_digit_of_the_wrong_table_is_bad_input()
    {
        var decision = await Client(Physio1).DecideAsync(Rx("1994092874550") with { AccidentReference = "AAA-2026-0001" });
        Assert.Equal(RequestStatus.Agreed, decision.Status);

        var response = await Client(Physio1).SubmitAsync(Rx("1994092874551"));
        var problem = await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Contains("request.matricule", problem["errors"]!.AsObject().Select(e => e.Key));
    }

    [Theory]
    [InlineData(null, null, Adult, 70)]                 // a current pathology by itself (seed 000)
    [InlineData("G03", null, Adult, 100)]               // with a heavy pathology of Annex G
    [InlineData(null, "2026-09-01", Adult, 100)]        // after a surgery within VAL-08's 4 months
    [InlineData(null, "2026-06-01", Adult, 70)]         // a surgery too long ago
    [InlineData(null, null, Minor, 100)]                // under 18
    public async Task Val10_lymphatic_drainage_is_covered_at_70_percent_unless_heavy_pathology_recent_surgery_or_minor(string? annexG, string? surgery,
        string matricule, int rate)
    {
        var rx = Rx(matricule) with
        {
            Category = PhysioCategory.LymphaticDrainage, ActCode = "ZK16", AnnexGCode = annexG,
            SurgeryDate = surgery is null ? null : DateOnly.Parse(surgery),
        };
        var decision = await Client(Physio1).DecideAsync(rx);
        Assert.Equal(RequestStatus.Agreed, decision.Status);
        Assert.Equal(rate, decision.Service().RatePercent);
    }

    [Fact]
    public async Task Val10_the_aaa_rate_is_marked_as_a_sandbox_assumption_in_the_reference_data()
    {
        var parameters = await (await Client(Physio1).GetAsync("/api/v1/reference/parameters")).ExpectAsync(HttpStatusCode.OK);
        var text = parameters.ToJsonString();
        Assert.Contains("physio.rate.accident", text);
        Assert.Contains("VAL-10 assumption", text);
    }
}
