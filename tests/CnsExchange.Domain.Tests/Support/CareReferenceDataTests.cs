using System.Text.RegularExpressions;
using CnsExchange.Domain.Registry;
using CnsExchange.Domain.Rehabilitation;

namespace CnsExchange.Domain.Tests.Support;

/// <summary>The reference data the cure and rehabilitation rule sets issue vouchers from.</summary>
public sealed partial class CareReferenceDataTests
{
    /// <summary>The act format of fee memoirs and billing files (2 to 10 capital letters or digits): a voucher's act must be billable.</summary>
    [GeneratedRegex("^[A-Z0-9]{2,10}$")]
    private static partial Regex BillableAct();

    [Fact]
    public void Every_rehabilitation_kind_that_needs_an_authorisation_has_a_billable_act()
    {
        var date = TestReference.D("2026-11-23");
        foreach (var kind in TestReference.Catalog.RehabilitationKinds.Where(k => k.AuthorisationRequired))
        {
            Assert.NotNull(kind.ActCode);
            Assert.Matches(BillableAct(), kind.ActCode);
            Assert.Equal("rehabilitation", TestReference.Catalog.Act(kind.ActCode, date)?.Domain);
        }
        Assert.Null(TestReference.Catalog.RehabilitationKind("CNRFR", date)!.ActCode);
    }

    [Fact]
    public void Every_cure_kind_is_a_billable_act() =>
        Assert.All(TestReference.Catalog.CureKinds, k => Assert.Matches(BillableAct(), k.Code));

    [Fact]
    public void Geriatric_and_cardiac_rehabilitation_are_asked_by_rehabilitation_centres_and_hospitals_the_rest_by_centres_only()
    {
        foreach (var kind in TestReference.Catalog.RehabilitationKinds)
        {
            // Seed 003 names "Rééducation gériatrique et Rééducation cardiaque" together, in hospitals.
            var expected = kind.Service switch
            {
                RehabService.Geriatric or RehabService.Cardiac => new[] { ProviderKind.RehabilitationCentre, ProviderKind.Hospital },
                RehabService.Cnrfr => [ProviderKind.RehabilitationCentre, ProviderKind.Cnrfr], // the CNRFR checks its own admissions (REH-01, REH-05)
                _ => [ProviderKind.RehabilitationCentre],
            };
            Assert.Equal(expected, kind.RequestedBy);
        }
    }
}
