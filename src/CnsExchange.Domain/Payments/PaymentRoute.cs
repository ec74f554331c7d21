namespace CnsExchange.Domain.Payments;

/// <summary>
/// Who a payment for care goes to (RULES.md §8): the provider under third-party payment (tiers payant, a fee memoir
/// line), or the insured who paid the provider in full and claims the covered part (a reimbursement claim).
/// </summary>
public enum PaymentRoute
{
    ThirdParty,
    Reimbursement,
}
