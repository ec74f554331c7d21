using System.Net;
using CnsExchange.Application.Features.Admin;
using CnsExchange.IntegrationTests.Support;

namespace CnsExchange.IntegrationTests.InsuredRoute;

/// <summary>PUT /admin/insured/{matricule}/bank-account: where the competent fund pays the insured's reimbursements (INS-05).</summary>
public sealed class InsuredBankAccountTests(ApiFactory api) : ApiTest(api)
{
    private const string Adult = "1983081246785";

    private static Task<InsuredDto> ReadAsync(HttpResponseMessage response) => response.ExpectAsync<InsuredDto>(HttpStatusCode.OK);

    [Fact]
    public async Task Admin_sets_the_account_and_reads_it_back_in_electronic_format_and_a_put_of_the_insured_keeps_it()
    {
        var admin = Client(Admin);
        Assert.Null((await ReadAsync(await admin.GetAsync($"/api/v1/admin/insured/{Adult}"))).BankAccount);

        var set = await ReadAsync(await admin.PutJsonAsync($"/api/v1/admin/insured/{Adult}/bank-account", new { iban = "lu03 0021 0000 1234 5678", bic = "billlull" }));
        Assert.Equal(new BankAccountDto("LU030021000012345678", "BILLLULL"), set.BankAccount);

        await (await admin.PutJsonAsync($"/api/v1/admin/insured/{Adult}", new
        {
            firstName = "Anne", lastName = "Schmit", sex = "female", competentFund = "CMFEC", residenceCountry = "LU", crossBorderWorker = false,
            affiliations = new[] { new { from = "2005-01-01", to = (string?)null } },
        })).ExpectAsync(HttpStatusCode.OK);
        var read = await ReadAsync(await admin.GetAsync($"/api/v1/admin/insured/{Adult}"));
        Assert.Equal(("CMFEC", "LU030021000012345678"), (read.CompetentFund, read.BankAccount?.Iban));
        Assert.Contains(await PaymentRuns.PaymentRunApi.AllAsync<InsuredDto>(admin, "/api/v1/admin/insured"), i => i.BankAccount?.Iban == "LU030021000012345678");
    }

    [Fact]
    public async Task The_seeded_identity_with_a_bank_account_shows_it()
    {
        var read = await ReadAsync(await Client(Admin).GetAsync("/api/v1/admin/insured/1988060912395"));
        Assert.Equal(new BankAccountDto("LU030021000012345678", "BILLLULL"), read.BankAccount);
    }

    [Theory]
    [InlineData("LU040021000012345678", "BILLLULL", "iban_invalid", "iban")]  // check digits off by one
    [InlineData("LU03002100001234567", "BILLLULL", "iban_invalid", "iban")]   // one character short for LU
    [InlineData("XX030021000012345678", "BILLLULL", "iban_invalid", "iban")]  // no such country in the IBAN registry
    [InlineData("LU030021000012345678", "BIL", "bic_invalid", "bic")]
    public async Task A_bad_account_is_a_400_with_a_stable_code_and_nothing_is_stored(string iban, string bic, string code, string field)
    {
        var problem = await (await Client(Admin).PutJsonAsync($"/api/v1/admin/insured/{Adult}/bank-account", new { iban, bic }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, code);
        Assert.NotNull(problem["errors"]![field]);
        Assert.Null((await ReadAsync(await Client(Admin).GetAsync($"/api/v1/admin/insured/{Adult}"))).BankAccount);
    }

    [Fact]
    public async Task An_unknown_person_is_404_and_only_admins_set_accounts()
    {
        await (await Client(Admin).PutJsonAsync("/api/v1/admin/insured/1990010112385/bank-account", new { iban = "LU030021000012345678", bic = "BILLLULL" }))
            .ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        var provider = await Client(Physio1).PutJsonAsync($"/api/v1/admin/insured/{Adult}/bank-account", new { iban = "LU030021000012345678", bic = "BILLLULL" });
        Assert.Equal(HttpStatusCode.Forbidden, provider.StatusCode);
    }
}
