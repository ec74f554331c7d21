using System.Net;
using CnsExchange.Application.Features.Validation;
using System.Text.Json.Nodes;
using CnsExchange.IntegrationTests.Billing;
using CnsExchange.IntegrationTests.Support;
using V = CnsExchange.IntegrationTests.Validation.ValidationTestSupport;

namespace CnsExchange.IntegrationTests.Lifecycle;

/// <summary>Issue 19 item 7: a provider searches its own vouchers, requests and memoirs by matricule, status, dates and voucher number.</summary>
public sealed class SearchTests(ApiFactory api) : ApiTest(api)
{
    private async Task<List<string>> ItemsAsync(string key, string url, string field)
    {
        var page = await (await Client(key).GetAsync(url)).ExpectAsync(HttpStatusCode.OK);
        return page["items"]!.AsArray().Select(i => i![field]!.GetValue<string>()).ToList();
    }

    private static string Number(ValidationRequestDto decision) => decision.Voucher!.Number;

    private static string Number(JsonNode decision) => decision["voucher"]!["number"]!.GetValue<string>();

    [Fact]
    public async Task Vouchers_requests_and_memoirs_are_found_by_matricule_and_voucher_number_among_the_caller_s_own_only()
    {
        var adult = await V.DecideAsync(Client(Physio1), V.Rx());
        await V.AdvanceAsync(Api, TimeSpan.FromHours(1));
        var minor = await V.DecideAsync(Client(Physio1), V.Rx(V.Minor));
        var others = await V.DecideAsync(Client(Physio2), V.Rx() with { PrescriptionDate = V.Today.AddDays(-5) });
        var (mine, minors, theirs) = (Number(adult), Number(minor), Number(others));

        // Vouchers
        Assert.Equal([minors, mine], await ItemsAsync(Physio1, "/api/v1/vouchers", "number"));
        Assert.Equal([mine], await ItemsAsync(Physio1, $"/api/v1/vouchers?matricule={V.Adult}", "number"));
        Assert.Equal([minors], await ItemsAsync(Physio1, $"/api/v1/vouchers?voucherNumber={minors}", "number"));
        Assert.Empty(await ItemsAsync(Physio1, $"/api/v1/vouchers?voucherNumber={theirs}", "number"));
        Assert.Equal([theirs], await ItemsAsync(Physio2, $"/api/v1/vouchers?matricule={V.Adult}", "number"));
        Assert.Equal([minors, mine], await ItemsAsync(Physio1, $"/api/v1/vouchers?status=open&from={V.Today:yyyy-MM-dd}&to={V.Today:yyyy-MM-dd}", "number"));
        Assert.Empty(await ItemsAsync(Physio1, "/api/v1/vouchers?status=expired", "number"));
        Assert.Empty(await ItemsAsync(Physio1, $"/api/v1/vouchers?from={V.Today.AddDays(1):yyyy-MM-dd}", "number"));

        // Requests
        Assert.Equal([adult.Id.ToString()], await ItemsAsync(Physio1, $"{V.Url}?matricule={V.Adult}", "id"));
        Assert.Equal([minor.Id.ToString()], await ItemsAsync(Physio1, $"{V.Url}?voucherNumber={minors}&status=agreed", "id"));
        Assert.Empty(await ItemsAsync(Physio1, $"{V.Url}?voucherNumber={theirs}", "id"));
        Assert.Empty(await ItemsAsync(Physio1, $"{V.Url}?matricule={V.Adult}&status=refused", "id"));

        // Memoirs: by a line's person or voucher
        var memoir = await BillingApi.SubmitAsync(Client(Physio1), BillingApi.Memoir("SEARCH-1", BillingApi.Line(mine, "2026-11-21")));
        var memoirId = memoir.Id.ToString();
        Assert.Equal([memoirId], await ItemsAsync(Physio1, $"/api/v1/fee-memoirs?voucherNumber={mine}", "id"));
        Assert.Equal([memoirId], await ItemsAsync(Physio1, $"/api/v1/fee-memoirs?matricule={V.Adult}&status=adjudicated", "id"));
        Assert.Empty(await ItemsAsync(Physio1, $"/api/v1/fee-memoirs?matricule={V.Minor}", "id"));
        Assert.Empty(await ItemsAsync(Physio2, $"/api/v1/fee-memoirs?voucherNumber={mine}", "id"));
    }

    [Fact]
    public async Task Voucher_search_pages_with_the_cursor_and_knows_used_up_vouchers()
    {
        var numbers = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            numbers.Add(Number(await V.DecideAsync(Client(Physio1), V.Rx() with { PrescriptionDate = V.Today.AddDays(-1 - i), Sessions = 1 })));
            await V.AdvanceAsync(Api, TimeSpan.FromHours(1));
        }
        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await (await Client(Physio1).GetAsync($"/api/v1/vouchers?matricule={V.Adult}&limit=2" + (cursor is null ? "" : $"&cursor={cursor}")))
                .ExpectAsync(HttpStatusCode.OK);
            seen.AddRange(page["items"]!.AsArray().Select(i => i!["number"]!.GetValue<string>()));
            cursor = page["nextCursor"]?.GetValue<string>();
        } while (cursor is not null);
        Assert.Equal(numbers.AsEnumerable().Reverse(), seen);

        await BillingApi.SubmitAsync(Client(Physio1), BillingApi.Memoir("USED-1", BillingApi.Line(numbers[0], "2026-11-23")));
        Assert.Equal([numbers[0]], await ItemsAsync(Physio1, "/api/v1/vouchers?status=used_up", "number"));
        var open = await ItemsAsync(Physio1, "/api/v1/vouchers?status=open", "number");
        Assert.Equal(numbers.Skip(1).Reverse(), open);
    }

    [Fact]
    public async Task Voucher_search_lists_a_cancelled_voucher_as_cancelled_never_open()
    {
        var kept = Number(await V.DecideAsync(Client(Physio1), V.Rx()));
        await V.AdvanceAsync(Api, TimeSpan.FromHours(1));
        var cancelled = Number(await V.DecideAsync(Client(Physio1), V.Rx() with { PrescriptionDate = V.Today.AddDays(-2) }));
        Assert.Equal([cancelled, kept], await ItemsAsync(Physio1, "/api/v1/vouchers?status=open", "number"));

        await (await LifecycleApi.CancelVoucherAsync(Client(Physio1), cancelled)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal([kept], await ItemsAsync(Physio1, "/api/v1/vouchers?status=open", "number"));
        Assert.Equal([cancelled], await ItemsAsync(Physio1, "/api/v1/vouchers?status=cancelled", "number"));
        Assert.Empty(await ItemsAsync(Physio1, "/api/v1/vouchers?status=used_up", "number"));
        Assert.Equal(["cancelled", "open"], await ItemsAsync(Physio1, "/api/v1/vouchers", "status"));
    }

    [Fact]
    public async Task Cure_and_rehabilitation_requests_are_found_by_matricule_and_voucher_number()
    {
        var cure = await CareAuthorisations.CareTestSupport.CureAsync(Client(Thermal1), CareAuthorisations.CareTestSupport.Cure("T200"));
        var cureId = cure.Id.ToString();
        Assert.Equal([cureId], await ItemsAsync(Thermal1, $"/api/v1/cure-authorisations?matricule={V.Adult}", "id"));
        Assert.Equal([cureId], await ItemsAsync(Thermal1, $"/api/v1/cure-authorisations?voucherNumber={cure.Voucher!.Number}", "id"));
        Assert.Empty(await ItemsAsync(Thermal1, $"/api/v1/cure-authorisations?matricule={V.Minor}", "id"));

        var rehab = await CareAuthorisations.CareTestSupport.RehabAsync(Client(Rehab1), CareAuthorisations.CareTestSupport.Rehab("GER_STAT"));
        Assert.Equal([rehab.Id.ToString()], await ItemsAsync(Rehab1, $"/api/v1/rehabilitation-authorisations?voucherNumber={rehab.Voucher!.Number}", "id"));
        Assert.Empty(await ItemsAsync(Rehab1, $"/api/v1/rehabilitation-authorisations?voucherNumber={cure.Voucher!.Number}", "id"));
    }

    [Theory]
    [InlineData("/api/v1/vouchers?matricule=1983081246786", "matricule")]
    [InlineData("/api/v1/vouchers?voucherNumber=K26-1", "voucherNumber")]
    [InlineData("/api/v1/vouchers?status=closed", "status")]
    [InlineData("/api/v1/validation-requests?matricule=12345", "matricule")]
    [InlineData("/api/v1/fee-memoirs?voucherNumber=nonsense", "voucherNumber")]
    [InlineData("/api/v1/cure-authorisations?matricule=x", "matricule")]
    public async Task A_malformed_search_term_is_400_naming_it(string url, string field)
    {
        var key = url.Contains("cure", StringComparison.Ordinal) ? Thermal1 : Physio1;
        var problem = await (await Client(key).GetAsync(url)).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem["errors"]?[field] is not null, problem.ToJsonString());
    }
}
