using System.Text.Json;
using CnsExchange.Domain.Common;

namespace CnsExchange.Domain.Tests.Registry;

/// <summary>
/// The sandbox's identities and the funds' accounts pass the project's own checks: matricules (Luhn + Verhoeff), IBANs
/// (ISO 13616 mod-97; the IBANs were computed independently, with Python's integer arithmetic).
/// </summary>
public sealed class SandboxIdentityTests
{
    private static JsonElement Rows(params string[] path)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CnsExchange.sln"))) dir = dir.Parent;
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine([dir!.FullName, "src", "CnsExchange.Infrastructure", .. path])));
        return document.RootElement.Clone();
    }

    [Fact]
    public void Every_sandbox_identity_has_a_valid_matricule_and_any_account_a_valid_iban()
    {
        var insured = Rows("Sandbox", "sandbox.json").GetProperty("insured").EnumerateArray().ToList();
        Assert.All(insured, i => Assert.True(Matricule.IsValid(i.GetProperty("matricule").GetString()), i.GetProperty("matricule").GetString()));
        var ibans = insured.Where(i => i.TryGetProperty("iban", out _)).Select(i => i.GetProperty("iban").GetString()).ToList();
        Assert.Equal(["LU470019400644758000", "LU030021000012345678"], ibans);
        Assert.All(ibans, iban => Assert.True(Iban.IsValid(iban), iban));
    }

    [Fact]
    public void The_identity_with_a_bank_account_is_built_by_the_matricule_code()
    {
        var majerus = Rows("Sandbox", "sandbox.json").GetProperty("insured").EnumerateArray().Single(i => i.GetProperty("lastName").GetString() == "Majerus");
        Assert.Equal(Matricule.Create(new DateOnly(1988, 6, 9), 123).Value, majerus.GetProperty("matricule").GetString());
    }

    [Fact]
    public void Every_competent_fund_has_a_valid_account_and_cns_keeps_the_payment_run_debtor_account()
    {
        var funds = Rows("ReferenceData", "funds.json").GetProperty("rows").EnumerateArray().ToDictionary(f => f.GetProperty("code").GetString()!);
        Assert.Equal(["CNS", "CMFEP", "CMFEC", "EMCFL"], funds.Keys);
        Assert.All(funds.Values, f => Assert.True(Iban.IsValid(f.GetProperty("iban").GetString()), f.GetProperty("iban").GetString()));
        Assert.Equal("LU280019400644750000", funds["CNS"].GetProperty("iban").GetString()); // the account providers have always been paid from
        Assert.Equal(4, funds.Values.Select(f => f.GetProperty("iban").GetString()).Distinct().Count());
    }
}
