namespace CnsExchange.Application.Features.Requests;

/// <summary>Row and advisory locks that serialise decisions on requests, held until the transaction ends (SQL in Infrastructure).</summary>
public interface ICareRequestLocks
{
    /// <summary>Locks a request's row, so that changes decided on its current state happen one after the other.</summary>
    Task LockRequestAsync(Guid requestId, CancellationToken ct);

    /// <summary>
    /// Serialises decisions that read the insured person's earlier authorisations (cure waiting periods, Colpach
    /// yearly days): two requests for one person are decided one after the other, by the database, until commit.
    /// </summary>
    Task LockInsuredHistoryAsync(Guid insuredId, CancellationToken ct);
}
