using CnsExchange.Domain.Reference;

namespace CnsExchange.Application.Features.PaymentRuns.Files;

/// <summary>The party that pays: CNS, with the account from reference data (payment-debtor.json).</summary>
public sealed record PaymentDebtor(string Name, string Iban, string Bic)
{
    /// <summary>The CNS account in force on the run's execution date.</summary>
    public static PaymentDebtor From(ReferenceCatalog catalog, DateOnly executionDate)
    {
        var account = catalog.DebtorAccountOn(executionDate);
        return new PaymentDebtor(account.Name, account.Iban, account.Bic);
    }
}

/// <summary>One credit transfer of a run: everything a run pays one provider (PAY-03).</summary>
/// <param name="Amount">EUR, 2 decimals, more than 0 (a provider with nothing to pay gets no order).</param>
/// <param name="EndToEndId">Identifier passed unchanged to the provider's bank statement: SEPA characters, at most 35.</param>
/// <param name="RemittanceText">Unstructured remittance text; transliterated to the SEPA character set and cut to 140 characters in the file.</param>
public sealed record PaymentOrder(
    string ProviderCode,
    string ProviderName,
    string Iban,
    string Bic,
    decimal Amount,
    string EndToEndId,
    string RemittanceText);

/// <summary>
/// Input of the ISO 20022 pain.001 file of one payment run (PAY-04). Immutable: the order list is copied
/// and kept in file order (by provider code), so the same run always gives the same bytes.
/// </summary>
/// <param name="RunNumber">Becomes the message id (MsgId) and, with "-SCT", the payment information id: SEPA characters, at most 31.</param>
/// <param name="ExecutionDate">Requested execution date (Luxembourg local date).</param>
/// <param name="CreatedAt">Creation instant of the file (from the run, never from the clock at write time); written to the second.</param>
public sealed record PaymentRunFile(
    Guid RunId,
    string RunNumber,
    DateOnly ExecutionDate,
    DateTimeOffset CreatedAt,
    PaymentDebtor Debtor,
    IReadOnlyList<PaymentOrder> Orders)
{
    public const int MaxRunNumberLength = 31;

    private readonly IReadOnlyList<PaymentOrder> _orders = Canonical(Orders);

    /// <summary>The orders in file order: by provider code, then end-to-end id (ordinal).</summary>
    public IReadOnlyList<PaymentOrder> Orders { get => _orders; init => _orders = Canonical(value); }

    public int NumberOfTransactions => Orders.Count;

    /// <summary>Sum of the order amounts (pain.001 CtrlSum).</summary>
    public decimal ControlSum => Orders.Sum(o => o.Amount);

    public string MessageId => RunNumber;

    public string PaymentInformationId => RunNumber + "-SCT";

    private static IReadOnlyList<PaymentOrder> Canonical(IReadOnlyList<PaymentOrder> orders)
    {
        ArgumentNullException.ThrowIfNull(orders);
        return orders.OrderBy(o => o.ProviderCode, StringComparer.Ordinal).ThenBy(o => o.EndToEndId, StringComparer.Ordinal).ToArray().AsReadOnly();
    }

    /// <summary>Every way this model cannot become a valid SEPA credit-transfer file; empty when it can.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (!SepaIdentifier.IsValid(RunNumber, MaxRunNumberLength))
            problems.Add($"Run number '{RunNumber}' must be 1-{MaxRunNumberLength} SEPA characters (letters, digits, / - ? : ( ) . , ' + space), not start or end with '/' nor contain '//'.");
        if (string.IsNullOrWhiteSpace(Debtor.Name)) problems.Add("The debtor has no name.");
        if (!Iban.IsValid(Debtor.Iban)) problems.Add("The debtor IBAN is not valid.");
        if (!Bic.IsValid(Debtor.Bic)) problems.Add("The debtor BIC is not valid.");
        if (Orders.Count == 0) problems.Add("A payment file needs at least one payment order.");

        foreach (var duplicate in Orders.GroupBy(o => o.ProviderCode, StringComparer.Ordinal).Where(g => g.Count() > 1))
            problems.Add($"Provider {duplicate.Key} has {duplicate.Count()} orders; a run pays each provider once (PAY-03).");
        foreach (var duplicate in Orders.GroupBy(o => o.EndToEndId, StringComparer.Ordinal).Where(g => g.Count() > 1))
            problems.Add($"End-to-end id '{duplicate.Key}' is used {duplicate.Count()} times.");

        foreach (var order in Orders)
        {
            var who = $"Order of provider {order.ProviderCode}";
            if (string.IsNullOrWhiteSpace(order.ProviderCode)) problems.Add("An order has no provider code.");
            if (string.IsNullOrWhiteSpace(order.ProviderName)) problems.Add($"{who}: no creditor name.");
            if (!Iban.IsValid(order.Iban)) problems.Add($"{who}: the IBAN is not valid.");
            if (!Bic.IsValid(order.Bic)) problems.Add($"{who}: the BIC is not valid.");
            if (order.Amount <= 0m) problems.Add($"{who}: the amount must be more than 0.");
            if (Money.Round(order.Amount) != order.Amount) problems.Add($"{who}: the amount has more than 2 decimals.");
            if (order.Amount > 999_999_999.99m) problems.Add($"{who}: the amount is above the SEPA maximum.");
            if (!SepaIdentifier.IsValid(order.EndToEndId, 35)) problems.Add($"{who}: end-to-end id '{order.EndToEndId}' is not a SEPA identifier of at most 35 characters.");
            if (string.IsNullOrWhiteSpace(order.RemittanceText)) problems.Add($"{who}: no remittance text.");
        }
        return problems;
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every problem: building such a model is a bug of the caller.</summary>
    public void EnsureValid()
    {
        var problems = Problems();
        if (problems.Count > 0)
            throw new ArgumentException($"Payment run file {RunNumber} is not valid: " + string.Join(" ", problems));
    }
}

/// <summary>Writes the ISO 20022 pain.001.001.09 credit-transfer file of a run (PAY-04).</summary>
public interface IPain001Writer
{
    /// <summary>UTF-8 XML without BOM, valid against openapi/pain.001.001.09.subset.xsd; same model, same bytes.</summary>
    /// <exception cref="ArgumentException">The model is not valid (see <see cref="PaymentRunFile.Problems"/>).</exception>
    GeneratedFile Write(PaymentRunFile run);
}

/// <summary>BIC (ISO 9362) as the BICFIDec2014Identifier pattern of ISO 20022 accepts it: 8 or 11 characters.</summary>
public static class Bic
{
    public static bool IsValid(string? bic) =>
        bic is { Length: 8 or 11 }
        && bic.Take(4).All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c))
        && bic.Skip(4).Take(2).All(char.IsAsciiLetterUpper)
        && bic.Skip(6).All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c));
}

/// <summary>
/// SEPA identifiers (MsgId, PmtInfId, EndToEndId): the SEPA Latin character set, not starting or ending
/// with '/' and without '//' (EPC implementation guidelines). Identifiers are checked, never rewritten,
/// so that they reach the provider's bank statement unchanged.
/// </summary>
public static class SepaIdentifier
{
    public const string Characters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-?:().,'+ ";

    public static bool IsValid(string? id, int maxLength) =>
        !string.IsNullOrEmpty(id)
        && id.Length <= maxLength
        && id.All(c => Characters.Contains(c))
        && id[0] != '/' && id[^1] != '/'
        && !id.Contains("//", StringComparison.Ordinal)
        && id.Trim() == id;
}
