namespace CnsExchange.Application.Features.Events;

/// <summary>The event types the exchange publishes (feed and webhooks); later features add theirs here.</summary>
public static class EventTypes
{
    public const string ValidationRequestDecided = "validation_request.decided";
    public const string CureAuthorisationDecided = "cure_authorisation.decided";
    public const string RehabilitationAuthorisationDecided = "rehabilitation_authorisation.decided";
    public const string RequestInformationRequested = "request.information_requested";
    public const string BillingFileProcessed = "billing_file.processed";
    public const string BillingFileRejected = "billing_file.rejected";
    public const string FeeMemoirAdjudicated = "fee_memoir.adjudicated";
    public const string ContestationDecided = "contestation.decided";
    public const string PaymentRunClosed = "payment_run.closed";
    public const string VoucherExpiring = "voucher.expiring";
    public const string VoucherCancelled = "voucher.cancelled";
    public const string FeeMemoirVoided = "fee_memoir.voided";
    public const string FeeMemoirLineReversed = "fee_memoir_line.reversed";
    public const string FeeMemoirLineRecovered = "fee_memoir_line.recovered";
    /// <summary>Every line of a reimbursement claim is decided: at submission, or by a reviewer's last decision (RULES.md §8).</summary>
    public const string ReimbursementClaimDecided = "reimbursement_claim.decided";
    /// <summary>A payment run transferred a claim's reimbursement to the insured (INS-05).</summary>
    public const string ReimbursementClaimPaid = "reimbursement_claim.paid";
    /// <summary>Sent by POST /webhook-endpoints/{id}/test only; never stored in the feed.</summary>
    public const string Ping = "ping";

    public static readonly IReadOnlyList<string> All =
    [
        ValidationRequestDecided, CureAuthorisationDecided, RehabilitationAuthorisationDecided, RequestInformationRequested,
        BillingFileProcessed, BillingFileRejected, FeeMemoirAdjudicated, ContestationDecided, PaymentRunClosed, VoucherExpiring,
        VoucherCancelled, FeeMemoirVoided, FeeMemoirLineReversed, FeeMemoirLineRecovered, ReimbursementClaimDecided, ReimbursementClaimPaid,
    ];

    public static bool IsKnown(string type) => All.Contains(type, StringComparer.Ordinal);
}

/// <summary>What an event is about: the resource's id and where the API serves it.</summary>
public sealed record EventResource(Guid Id, string Url);

/// <summary>
/// The one port through which a change publishes an event: called in the unit of work of the change, before its save,
/// so that the event is stored in the same transaction (transactional outbox: no event without its change, no change
/// without its event). <paramref name="providerId"/>: the provider the event concerns (it sees it in its feed and on its
/// endpoints); <paramref name="channelKeyId"/>: the insured-channel key it concerns (a claim it submitted: the same);
/// staff see every event of their sandbox.
/// </summary>
public interface IEvents
{
    void Record(string type, EventResource resource, object snapshot, Guid? providerId, Guid? channelKeyId = null);
}

/// <summary>A stored event: a row of the outbox, which the feed reads and the webhook dispatcher delivers.</summary>
public sealed class EventRecord
{
    public Guid Id { get; set; }
    /// <summary>
    /// Commit order: taken from one sequence when the transaction commits (null until then), so increasing within a sandbox
    /// with gaps (other sandboxes' events, rolled-back commits). Read up to <see cref="Common.IAppDbContext.CommittedEventHorizonAsync"/>.
    /// </summary>
    public long? Position { get; set; }
    public required string Type { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    public Guid ResourceId { get; set; }
    public required string ResourceUrl { get; set; }
    public Guid? ProviderId { get; set; }
    /// <summary>The insured-channel key the event concerns (its feed and endpoints show it), or null.</summary>
    public Guid? ChannelKeyId { get; set; }
    /// <summary>The snapshot, as JSON (camelCase).</summary>
    public required string Data { get; set; }
}

internal sealed class OutboxEvents(IAppDbContext db, TimeProvider clock) : IEvents
{
    public void Record(string type, EventResource resource, object snapshot, Guid? providerId, Guid? channelKeyId = null)
    {
        var now = clock.GetUtcNow();
        db.Set<EventRecord>().Add(new EventRecord
        {
            Id = Guid.CreateVersion7(now),
            Type = type,
            OccurredAt = now,
            ResourceId = resource.Id,
            ResourceUrl = resource.Url,
            ProviderId = providerId,
            ChannelKeyId = channelKeyId,
            Data = JsonSerializer.Serialize(snapshot, snapshot.GetType(), JsonDefaults.Options),
        });
    }
}
