using CnsExchange.Application.Features.Events;
using CnsExchange.Domain.Reimbursement;

namespace CnsExchange.Application.Features.Reimbursement;

/// <summary>
/// The events of the insured's route, for the insured-channel key that submitted the claim (its feed and endpoints) and
/// CNS staff; never for the provider a claim names (the insured's reimbursement is not the provider's business).
/// </summary>
public static class ClaimEvents
{
    public static EventResource Resource(Guid claimId) => new(claimId, $"/api/v1/reimbursement-claims/{claimId}");

    /// <summary>reimbursement_claim.decided, when every line of the claim is decided (not while a line waits for a reviewer).</summary>
    public static void RecordDecided(IEvents events, ReimbursementClaim claim)
    {
        if (claim.Status == ClaimStatus.Pending) return;
        events.Record(EventTypes.ReimbursementClaimDecided, Resource(claim.Id),
            new ReimbursementClaimDecidedData(Telemetry.Snake(claim.Kind), Telemetry.Snake(claim.Status), claim.CompetentFund, claim.Lines.Count,
                claim.Lines.Count(l => l.Outcome is ClaimLineOutcome.Accepted or ClaimLineOutcome.Reduced),
                claim.Lines.Count(l => l.Outcome == ClaimLineOutcome.Refused), claim.PaidTotal, claim.ReimbursedTotal),
            providerId: null, channelKeyId: claim.SubmittedByKeyId);
    }
}
