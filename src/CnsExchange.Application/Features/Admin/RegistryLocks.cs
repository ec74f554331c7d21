namespace CnsExchange.Application.Features.Admin;

/// <summary>
/// Serialises replacements of one registry entry (an insured person by matricule, a doctor by code), per sandbox, until
/// the transaction ends (SQL in Infrastructure). Two PUTs of one entry at once then run one after the other: the last
/// one wins whole, as a PUT promises, instead of both deleting the same child rows (a DbUpdateConcurrencyException)
/// or both inserting the entry (a unique violation).
/// </summary>
public interface IRegistryLocks
{
    /// <summary>Locks the entries of <paramref name="kind"/> named by <paramref name="keys"/>, in one fixed order (no deadlock between two feeds).</summary>
    Task LockAsync(string kind, IEnumerable<string> keys, CancellationToken ct);
}
