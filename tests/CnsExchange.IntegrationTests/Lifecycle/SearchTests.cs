using System.Net;
using CnsExchange.Application.Common;
using CnsExchange.Application.Features.Billing;
using CnsExchange.Application.Features.Cures;
using CnsExchange.Application.Features.Rehabilitation;
using CnsExchange.Application.Features.Validation;
using CnsExchange.Application.Features.Vouchers;
using CnsExchange.IntegrationTests.Billing;
using CnsExchange.IntegrationTests.Support;
using V = CnsExchange.IntegrationTests.Validation.ValidationTestSupport;

namespace CnsExchange.IntegrationTests.Lifecycle;

/// <summary>Issue 19 item 7: a provider searches its own vouchers, requests and memoirs by matricule, status, dates and voucher number.</summary>
public sealed class SearchTests(ApiFactory api) : ApiTest(api)
{
    /// <summary>One page of a list, read as the API's DTOs (<see cref="HttpAssertions.Typed"/>).</summary>
    private async Task<IReadOnlyList<T>> ItemsAsync<T>(string key, string url) =>
        (await (await Client(key).GetAsync(url)).ExpectAsync<Page<T>>(HttpStatusCode.OK)).Items;

    /// <summary>The numbers of a page of GET /vouchers.</summary>
    private async Task<List<string>> NumbersAsync(string key, string url) => [.. (await ItemsAsync<VoucherSummaryDto>(key, url)).Select(v => v.Number)];

    private static string Number(ValidationRequestDto decision) => decision.Voucher!.Number;

    [Fact]
    public async Task Vouchers_requests_and_memoirs_are_found_by_matricule_and_voucher_number_among_the_caller_s_own_only()
    {
        var adult = await V.DecideAsync(Client(Physio1), V.Rx());
        await V.AdvanceAsync(Api, TimeSpan.FromHours(1));
        var minor = await V.DecideAsync(Client(Physio1), V.Rx(V.Minor));
        var others = await V.DecideAsync(Client(Physio2), V.Rx() with { PrescriptionDate = V.Today.AddDays(-5) });
        var (mine, minors, theirs) = (Number(adult), Number(minor), Number(others));

        // Vouchers
        Assert.Equal([minors, mine], await NumbersAsync(Physio1, "/api/v1/vouchers"));
        Assert.Equal([mine], await NumbersAsync(Physio1, $"/api/v1/vouchers?matricule={V.Adult}"));
        Assert.Equal([minors], await NumbersAsync(Physio1, $"/api/v1/vouchers?voucherNumber={minors}"));
        Assert.Empty(await NumbersAsync(Physio1, $"/api/v1/vouchers?voucherNumber={theirs}"));
        Assert.Equal([theirs], await NumbersAsync(Physio2, $"/api/v1/vouchers?matricule={V.Adult}"));
        Assert.Equal([minors, mine], await NumbersAsync(Physio1, $"/api/v1/vouchers?status=open&from={V.Today:yyyy-MM-dd}&to={V.Today:yyyy-MM-dd}"));
        Assert.Empty(await NumbersAsync(Physio1, "/api/v1/vouchers?status=expired"));
        Assert.Empty(await NumbersAsync(Physio1, $"/api/v1/vouchers?from={V.Today.AddDays(1):yyyy-MM-dd}"));

        // Requests
        Assert.Equal([adult.Id], (await ItemsAsync<ValidationRequestSummaryDto>(Physio1, $"{V.Url}?matricule={V.Adult}")).Select(i => i.Id));
        Assert.Equal([minor.Id], (await ItemsAsync<ValidationRequestSummaryDto>(Physio1, $"{V.Url}?voucherNumber={minors}&status=agreed")).Select(i => i.Id));
        Assert.Empty(await ItemsAsync<ValidationRequestSummaryDto>(Physio1, $"{V.Url}?voucherNumber={theirs}"));
        Assert.Empty(await ItemsAsync<ValidationRequestSummaryDto>(Physio1, $"{V.Url}?matricule={V.Adult}&status=refused"));

        // Memoirs: by a line's person or voucher
        var memoir = await BillingApi.SubmitAsync(Client(Physio1), BillingApi.Memoir("SEARCH-1", BillingApi.Line(mine, "2026-11-21")));
        Assert.Equal([memoir.Id], (await ItemsAsync<FeeMemoirSummaryDto>(Physio1, $"/api/v1/fee-memoirs?voucherNumber={mine}")).Select(i => i.Id));
        Assert.Equal([memoir.Id], (await ItemsAsync<FeeMemoirSummaryDto>(Physio1, $"/api/v1/fee-memoirs?matricule={V.Adult}&status=adjudicated")).Select(i => i.Id));
        Assert.Empty(await ItemsAsync<FeeMemoirSummaryDto>(Physio1, $"/api/v1/fee-memoirs?matricule={V.Minor}"));
        Assert.Empty(await ItemsAsync<FeeMemoirSummaryDto>(Physio2, $"/api/v1/fee-memoirs?voucherNumber={mine}"));
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
        var seen = (await PaymentRuns.PaymentRunApi.AllAsync<VoucherSummaryDto>(Client(Physio1), $"/api/v1/vouchers?matricule={V.Adult}", limit: 2))
            .Select(i => i.Number).ToList();
        Assert.Equal(numbers.AsEnumerable().Reverse(), seen);

        await BillingApi.SubmitAsync(Client(Physio1), BillingApi.Memoir("USED-1", BillingApi.Line(numbers[0], "2026-11-23")));
        Assert.Equal([numbers[0]], await NumbersAsync(Physio1, "/api/v1/vouchers?status=used_up"));
        var open = await NumbersAsync(Physio1, "/api/v1/vouchers?status=open");
        Assert.Equal(numbers.Skip(1).Reverse(), open);
    }

    [Fact]
    public async Task Voucher_search_lists_a_cancelled_voucher_as_cancelled_never_open()
    {
        var kept = Number(await V.DecideAsync(Client(Physio1), V.Rx()));
        await V.AdvanceAsync(Api, TimeSpan.FromHours(1));
        var cancelled = Number(await V.DecideAsync(Client(Physio1), V.Rx() with { PrescriptionDate = V.Today.AddDays(-2) }));
        Assert.Equal([cancelled, kept], await NumbersAsync(Physio1, "/api/v1/vouchers?status=open"));

        await (await LifecycleApi.CancelVoucherAsync(Client(Physio1), cancelled)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal([kept], await NumbersAsync(Physio1, "/api/v1/vouchers?status=open"));
        Assert.Equal([cancelled], await NumbersAsync(Physio1, "/api/v1/vouchers?status=cancelled"));
        Assert.Empty(await NumbersAsync(Physio1, "/api/v1/vouchers?status=used_up"));
        Assert.Equal([VoucherState.Cancelled, VoucherState.Open], (await ItemsAsync<VoucherSummaryDto>(Physio1, "/api/v1/vouchers")).Select(v => v.Status));
    }

    [Fact]
    public async Task Cure_and_rehabilitation_requests_are_found_by_matricule_and_voucher_number()
    {
        var cure = await CareAuthorisations.CareTestSupport.CureAsync(Client(Thermal1), CareAuthorisations.CareTestSupport.Cure("T200"));
        Assert.Equal([cure.Id], (await ItemsAsync<CureAuthorisationSummaryDto>(Thermal1, $"/api/v1/cure-authorisations?matricule={V.Adult}")).Select(i => i.Id));
        Assert.Equal([cure.Id], (await ItemsAsync<CureAuthorisationSummaryDto>(Thermal1, $"/api/v1/cure-authorisations?voucherNumber={cure.Voucher!.Number}")).Select(i => i.Id));
        Assert.Empty(await ItemsAsync<CureAuthorisationSummaryDto>(Thermal1, $"/api/v1/cure-authorisations?matricule={V.Minor}"));

        var rehab = await CareAuthorisations.CareTestSupport.RehabAsync(Client(Rehab1), CareAuthorisations.CareTestSupport.Rehab("GER_STAT"));
        Assert.Equal([rehab.Id], (await ItemsAsync<RehabilitationAuthorisationSummaryDto>(Rehab1, $"/api/v1/rehabilitation-authorisations?voucherNumber={rehab.Voucher!.Number}")).Select(i => i.Id));
        Assert.Empty(await ItemsAsync<RehabilitationAuthorisationSummaryDto>(Rehab1, $"/api/v1/rehabilitation-authorisations?voucherNumber={cure.Voucher!.Number}"));
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
