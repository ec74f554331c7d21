using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using CnsExchange.Domain.Common;

namespace CnsExchange.Domain.Tests;

/// <summary>
/// Rule id → code → test in one guess: every rule id of RULES.md has a <c>Rule = "XXX-nn"</c> constant in the Domain
/// and a test whose name starts with it (<c>Bil07_…</c>); every reason code a rule returns comes from a catalogue type
/// of its domain and has fr/de/en texts in reason-codes.json.
/// </summary>
public sealed partial class RuleCoverageTests
{
    /// <summary>
    /// Rule ids RULES.md added this round whose code has not landed yet: §8 (INS, issue 19), §9 (LIF, issue 21) and the
    /// §10 additions to cures and rehabilitation. An id leaves this set when its code lands (the test below says so).
    /// </summary>
    private static readonly SortedSet<string> NotYetImplemented =
    [
    ];

    [GeneratedRegex(@"\b([A-Z]{3})-(\d{2})\b")]
    private static partial Regex RuleId();

    [GeneratedRegex(@"\b(?:void|Task)\s+([A-Z][a-z]{2})(\d{2})_\w+\s*\(")]
    private static partial Regex RuleTestName();

    [GeneratedRegex("\"([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\"")]
    private static partial Regex CodeLiteral();

    private static readonly Assembly Domain = typeof(Reason).Assembly;

    [Fact]
    public void Rules_md_lists_the_rule_ids_of_every_section()
    {
        var ids = SpecRuleIds();
        Assert.Contains("VAL-01", ids);
        Assert.Contains("PAY-07", ids);
        Assert.Subset(ids, NotYetImplemented);
    }

    [Fact]
    public void Every_rule_id_of_the_spec_has_a_rule_constant_in_the_domain()
    {
        var missing = SpecRuleIds().Except(NotYetImplemented).Except(DomainRuleIds()).ToList();
        Assert.True(missing.Count == 0, $"Rule ids of RULES.md without a `Rule = \"XXX-nn\"` constant in the Domain: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Every_rule_id_of_the_spec_has_a_test_named_after_it()
    {
        var missing = SpecRuleIds().Except(NotYetImplemented).Except(TestedRuleIds()).ToList();
        Assert.True(missing.Count == 0, $"Rule ids of RULES.md without a test whose name starts with the id (e.g. Bil07_…): {string.Join(", ", missing)}");
    }

    [Fact]
    public void A_rule_that_gains_code_leaves_the_not_yet_implemented_set()
    {
        var landed = NotYetImplemented.Intersect(DomainRuleIds().Concat(TestedRuleIds())).ToList();
        Assert.True(landed.Count == 0, $"These ids now have code or tests: remove them from {nameof(NotYetImplemented)}: {string.Join(", ", landed)}");
    }

    [Fact]
    public void Every_rule_constant_names_a_rule_of_the_spec()
    {
        var unknown = DomainRuleIds().Except(SpecRuleIds()).ToList();
        Assert.True(unknown.Count == 0, $"Rule constants naming no rule of RULES.md: {string.Join(", ", unknown)}");
    }

    public static TheoryData<string, string> ReasonCodeCatalogueEntries()
    {
        var data = new TheoryData<string, string>();
        foreach (var (catalogue, code) in CatalogueCodes()) data.Add(catalogue, code);
        return data;
    }

    [Theory]
    [MemberData(nameof(ReasonCodeCatalogueEntries))]
    public void Every_reason_code_of_a_catalogue_has_texts_in_three_languages(string catalogue, string code)
    {
        var texts = ReasonCodeTexts();
        Assert.True(texts.TryGetValue(code, out var text), $"{catalogue} names {code}, which reason-codes.json does not define");
        foreach (var language in new[] { "fr", "de", "en" })
            Assert.False(string.IsNullOrWhiteSpace(text.TryGetProperty(language, out var t) ? t.GetString() : null), $"{code} has no {language} text");
    }

    [Fact]
    public void Reason_code_catalogues_are_one_per_domain_folder()
    {
        var catalogues = CatalogueTypes().Select(t => t.FullName!).Order().ToList();
        Assert.Equal(
        [
            "CnsExchange.Domain.Billing.BillingReasonCodes",
            "CnsExchange.Domain.Common.CommonReasonCodes",
            "CnsExchange.Domain.Cures.CureReasonCodes",
            "CnsExchange.Domain.Hospital.HospitalReasonCodes",
            "CnsExchange.Domain.Physio.PhysioReasonCodes",
            "CnsExchange.Domain.Rehabilitation.RehabReasonCodes",
            "CnsExchange.Domain.Reimbursement.ReimbursementReasonCodes",
            "CnsExchange.Domain.Requests.RequestReasonCodes",
        ], catalogues);
    }

    [Fact]
    public void Domain_code_names_reason_codes_only_through_a_catalogue()
    {
        var codes = ReasonCodeTexts().Keys.ToHashSet();
        var offenders = new List<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepositoryRoot(), "src", "CnsExchange.Domain"), "*.cs", SearchOption.AllDirectories))
        {
            if (file.EndsWith("ReasonCodes.cs", StringComparison.Ordinal) || file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")) continue;
            foreach (var (line, number) in File.ReadLines(file).Select((l, i) => (l, i + 1)))
            {
                if (line.TrimStart().StartsWith("//", StringComparison.Ordinal)) continue;
                foreach (Match m in CodeLiteral().Matches(line))
                    if (codes.Contains(m.Groups[1].Value)) offenders.Add($"{Path.GetFileName(file)}:{number} {m.Groups[1].Value}");
            }
        }
        Assert.True(offenders.Count == 0, $"Reason codes written as literals instead of a *ReasonCodes constant: {string.Join("; ", offenders)}");
    }

    private static SortedSet<string> SpecRuleIds()
    {
        var ids = new SortedSet<string>(StringComparer.Ordinal);
        foreach (Match m in RuleId().Matches(File.ReadAllText(RulesMarkdown())))
            if (m.Groups[1].Value is "VAL" or "BIL" or "PAY" or "CUR" or "REH" or "HOS" or "INS" or "LIF") ids.Add(m.Value);
        return ids;
    }

    private static SortedSet<string> DomainRuleIds()
    {
        var ids = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var type in Domain.GetTypes())
            if (type.GetField("Rule", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true } field && field.GetValue(null) is string id)
                ids.Add(id);
        return ids;
    }

    private static SortedSet<string> TestedRuleIds()
    {
        var ids = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepositoryRoot(), "tests"), "*.cs", SearchOption.AllDirectories))
        foreach (Match m in RuleTestName().Matches(File.ReadAllText(file)))
            ids.Add($"{m.Groups[1].Value.ToUpperInvariant()}-{m.Groups[2].Value}");
        return ids;
    }

    private static IEnumerable<Type> CatalogueTypes() =>
        Domain.GetTypes().Where(t => t is { IsAbstract: true, IsSealed: true, IsPublic: true } && t.Name.EndsWith("ReasonCodes", StringComparison.Ordinal));

    private static IEnumerable<(string Catalogue, string Code)> CatalogueCodes() =>
        from type in CatalogueTypes()
        from field in type.GetFields(BindingFlags.Public | BindingFlags.Static)
        where field.IsLiteral && field.FieldType == typeof(string)
        select (type.Name, (string)field.GetValue(null)!);

    private static Dictionary<string, JsonElement> ReasonCodeTexts()
    {
        var path = Path.Combine(RepositoryRoot(), "src", "CnsExchange.Infrastructure", "ReferenceData", "reason-codes.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("rows").EnumerateArray()
            .ToDictionary(r => r.GetProperty("code").GetString()!, r => r.GetProperty("text").Clone());
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CnsExchange.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException($"No CnsExchange.sln above {AppContext.BaseDirectory}.");
    }

    /// <summary>The shared spec sits beside the repository (../shared from a worktree), or wherever CNSEXCHANGE_SPEC_DIR says.</summary>
    private static string RulesMarkdown()
    {
        if (Environment.GetEnvironmentVariable("CNSEXCHANGE_SPEC_DIR") is { Length: > 0 } specDir)
            return Path.Combine(specDir, "RULES.md");
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "spec", "RULES.md");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException(
            $"shared/spec/RULES.md was not found in any folder above {AppContext.BaseDirectory}; set CNSEXCHANGE_SPEC_DIR to the folder holding RULES.md.");
    }
}
