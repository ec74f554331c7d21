using System.Net;
using CnsExchange.Application.Features.Vouchers;
using CnsExchange.Infrastructure.Persistence;
using CnsExchange.IntegrationTests.Support;
using Microsoft.EntityFrameworkCore;

namespace CnsExchange.IntegrationTests.InsuredRoute;

/// <summary>GET /vouchers/{number}/fee-note (INS-02): the invoice for the insured who pays in full, as JSON and as a printable page.</summary>
public sealed class FeeNoteTests(ApiFactory api) : ApiTest(api)
{
    private static string Url(string voucher, string sessions) => $"/api/v1/vouchers/{voucher}/fee-note?sessions={Uri.EscapeDataString(sessions)}";

    [Fact]
    public async Task Ins02_fee_note_as_json_shows_tariff_cns_share_and_insured_share_per_session_and_totals()
    {
        var voucher = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { ThirdPartyPayment = false });
        var response = await Client(Physio1).GetAsync(Url(voucher, "2026-11-12,2026-11-10"));
        var note = await response.ExpectAsync<FeeNoteDto>(HttpStatusCode.OK);

        Assert.Equal((voucher, new DateOnly(2026, 11, 23), "EUR", "PHY0001"), (note.VoucherNumber, note.IssuedOn, note.Currency, note.Provider.Code));
        Assert.Equal(("1983081246785", "CNS"), (note.Insured.Matricule, note.Insured.CompetentFund));
        Assert.Equal([new DateOnly(2026, 11, 10), new DateOnly(2026, 11, 12)], note.Lines.Select(l => l.SessionDate));
        Assert.All(note.Lines, l => Assert.Equal(("ZK11", 36.80m, 70m, 25.76m, 11.04m), (l.ActCode, l.TariffAmount, l.RatePercent, l.CnsShare, l.InsuredShare)));
        Assert.Equal(new FeeNoteTotalsDto(2, 73.60m, 51.52m, 22.08m), note.Totals);
        Assert.Equal(0, await VoucherSeed.SessionsBilledAsync(Api, voucher)); // a fee note consumes no session
    }

    [Fact]
    public async Task Ins02_fee_note_as_printable_html_in_the_language_asked_for_encodes_every_value_and_holds_no_script()
    {
        var voucher = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { ThirdPartyPayment = false });
        await Api.WithScopeAsync(async sp =>
        {
            // A name as a hostile admin could store it: the page must show it as text.
            var db = sp.GetRequiredService<AppDbContext>();
            var insured = await db.Insured.IgnoreAutoIncludes().SingleAsync(i => i.Matricule == "1983081246785");
            insured.LastName = "<script>alert(1)</script>";
            return await db.SaveChangesAsync();
        });
        var client = Client(Physio1, "fr");
        using var request = new HttpRequestMessage(HttpMethod.Get, Url(voucher, "2026-11-10"));
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,*/*;q=0.8");
        var response = await client.SendAsync(request);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Contains("<html lang=\"fr\">", html);
        Assert.Contains("Part statutaire", html);
        Assert.Contains("Participation personnelle", html);
        Assert.Contains("<td class=\"n\">25.76 EUR</td>", html);
        Assert.Contains("<td class=\"n\">11.04 EUR</td>", html);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Ins02_another_providers_voucher_is_not_found()
    {
        var voucher = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { ProviderCode = "PHY0002", ThirdPartyPayment = false });
        await (await Client(Physio1).GetAsync(Url(voucher, "2026-11-10"))).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await Client(Physio2).GetAsync(Url(voucher, "2026-11-10"))).ExpectAsync(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("", "sessions")]
    [InlineData("2026-11-24", "sessions")]             // tomorrow: a fee note invoices sessions done
    [InlineData("2026-11-10,2026-11-10", "sessions")]  // one act per session day
    [InlineData("10/11/2026", "sessions")]
    [InlineData("2026-11-10:ZK21", "sessions")]        // not a service of the voucher
    public async Task Ins02_bad_sessions_are_a_400_naming_the_field(string sessions, string field)
    {
        var voucher = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { ThirdPartyPayment = false });
        var problem = await (await Client(Physio1).GetAsync(Url(voucher, sessions))).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotNull(problem["errors"]![field]);
    }

    [Fact]
    public async Task Ins02_an_accident_case_is_always_under_third_party_payment_and_gets_no_fee_note()
    {
        var voucher = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { Matricule = "1994092874550" });
        await Api.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<AppDbContext>();
            return await db.Vouchers.Where(v => v.Number == voucher).ExecuteUpdateAsync(s => s.SetProperty(v => v.AccidentCase, true));
        });
        await (await Client(Physio1).GetAsync(Url(voucher, "2026-11-10"))).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "third_party_payment_required");
    }
}
