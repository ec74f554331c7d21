using CnsExchange.Application.Features.Eligibility;

namespace CnsExchange.Api.Endpoints;

/// <summary>LIF-06: can a person be treated under third-party payment on a date; and the audit log of those questions.</summary>
public sealed class EligibilityEndpoints : IEndpointGroup
{
    public const string Tag = "Eligibility";

    public void Map(RouteGroupBuilder api)
    {
        api.MapGet("/eligibility", (IMediator m, ICurrentCaller caller, string? matricule, DateOnly? date, CancellationToken ct) =>
                m.Send(new CheckEligibility(caller.RequireProvider(), matricule, date), ct))
            .WithTags(Tag)
            .RequireAuthorization(Policies.Provider)
            .Produces<EligibilityDto>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("Can this person be treated under third-party payment on `date` (default today)? `matricule=1983081246785` works as is.")
            .WithDescription("""
                Answers (LIF-06): `known`, `affiliatedOnDate`, `thirdPartyPaymentPossible`, and — only for a person known and affiliated
                on the date — `competentFund` (CNS or a public-sector fund), `crossBorderWorker` and `residenceCountry`, `underEighteen`,
                `openAccidentCase` (yes/no, no reference), `dependencyPlanWithPhysiotherapy` (yes/no); and `openVouchers`: your own
                vouchers for the person whose validity has not ended on the date and that have sessions left. Nothing else about the
                person, and never another provider's vouchers. An unknown person is `known: false` with `INSURED_UNKNOWN`, not a 404;
                a malformed matricule is 400. Every call is written to an audit log that names the person only by a keyed hash.
                Sandbox identities: 2012051469331 (minor), 1971110258749 (cross-border worker in FR), 1994092874550 (open AAA case),
                2003042581939 (dependency plan with physiotherapy), 1893120105732 (no longer affiliated), 1978031512369 (CMFEP).
                """);

        api.MapGet("/review/eligibility-checks", (IMediator m, string? matricule, string? cursor, int? limit, CancellationToken ct) =>
                m.Send(new ListEligibilityChecks(matricule, cursor, limit), ct))
            .WithTags("Review")
            .RequireAuthorization(Policies.ReviewerOrAdmin)
            .Produces<Page<EligibilityCheckDto>>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("The audit log of eligibility questions about one person (`matricule=1983081246785`), newest first: which provider asked, when, for which date, and the answer.");
    }
}
