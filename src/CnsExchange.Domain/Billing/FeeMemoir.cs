namespace CnsExchange.Domain.Billing;

/// <summary>RULES.md §3: received → adjudicated → in_payment_run → paid.</summary>
public enum FeeMemoirStatus
{
    Received,
    Adjudicated,
    InPaymentRun,
    Paid,
    /// <summary>LIF-02: voided (or replaced, LIF-03) before a payment run took any line; its lines are released.</summary>
    Voided,
}

public enum FeeMemoirSource
{
    Api,
    File,
    /// <summary>Settlement of a hospital stay (RULES.md §7): its lines are the CNS amounts of the stay, adjudicated when the stay was recorded.</summary>
    HospitalStay,
}

public enum LineOutcome
{
    Accepted,
    Reduced,
    Refused,
}

/// <summary>
/// Fee memoir (mémoire d'honoraires): sessions given under vouchers that a provider bills to CNS under third-party
/// payment. Lines are adjudicated when the memoir is received; the totals are the sums of its lines.
/// </summary>
public sealed class FeeMemoir
{
    public Guid Id { get; set; }
    public Guid ProviderId { get; set; }
    /// <summary>The provider's own reference of the memoir, unique per provider.</summary>
    public required string Reference { get; set; }
    public FeeMemoirSource Source { get; set; }
    public Guid? BillingFileId { get; set; }
    /// <summary>The simulation this memoir confirmed, if any.</summary>
    public Guid? SimulationId { get; set; }
    /// <summary>Source hospital stay: the stay this memoir settles (one memoir per stay).</summary>
    public Guid? HospitalStayId { get; set; }
    public FeeMemoirStatus Status { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    /// <summary>Luxembourg date of receipt.</summary>
    public DateOnly ReceivedOn { get; set; }
    /// <summary>PAY-01: received + billing.payment_due_days.</summary>
    public DateOnly DueDate { get; set; }
    public DateTimeOffset? AdjudicatedAt { get; set; }
    /// <summary>LIF-02: when the memoir was voided (or replaced).</summary>
    public DateTimeOffset? VoidedAt { get; set; }
    /// <summary>LIF-02: why its provider voided it (null for a memoir replaced, LIF-03, or voided before reasons were kept).</summary>
    public string? VoidReason { get; set; }
    /// <summary>LIF-03: the memoir this one replaced (voided in the same transaction).</summary>
    public Guid? ReplacesMemoirId { get; set; }
    /// <summary>LIF-03: the memoir that replaced this one.</summary>
    public Guid? ReplacedByMemoirId { get; set; }
    public int LineCount { get; set; }
    public int AcceptedCount { get; set; }
    public int ReducedCount { get; set; }
    public int RefusedCount { get; set; }
    public decimal ClaimedTotal { get; set; }
    public decimal TariffTotal { get; set; }
    public decimal CnsTotal { get; set; }
    public decimal InsuredShareTotal { get; set; }
    /// <summary>The memoir as the provider sent it (JSON), for API memoirs.</summary>
    public string? SourceJson { get; set; }
    /// <summary>Line of the billing file where the memoir starts, for file memoirs.</summary>
    public int? SourceLine { get; set; }
    public List<FeeMemoirLine> Lines { get; set; } = [];

    public void AddToTotals(FeeMemoirLine line)
    {
        LineCount++;
        switch (line.Outcome)
        {
            case LineOutcome.Accepted: AcceptedCount++; break;
            case LineOutcome.Reduced: ReducedCount++; break;
            default: RefusedCount++; break;
        }
        ClaimedTotal += line.ClaimedAmount;
        TariffTotal += line.TariffAmount ?? 0m;
        CnsTotal += line.CnsAmount;
        InsuredShareTotal += line.InsuredShare;
    }
}

/// <summary>
/// One adjudicated line of a fee memoir. <see cref="Outcome"/>, the amounts and <see cref="Reasons"/> are the
/// adjudication and never change; a contestation (BIL-15) changes <see cref="PayableAmount"/> and adds a reason.
/// The payment fields are filled by payment runs (RULES.md §4).
/// </summary>
public sealed class FeeMemoirLine
{
    public Guid Id { get; set; }
    public Guid MemoirId { get; set; }
    /// <summary>Copied from the memoir: BIL-07 and payment runs select by provider.</summary>
    public Guid ProviderId { get; set; }
    public int LineNumber { get; set; }
    /// <summary>Line of the billing file this line came from, for file memoirs.</summary>
    public int? SourceLine { get; set; }
    /// <summary>As sent; null for a line of hospital care (<see cref="HospitalStayId"/>).</summary>
    public string? VoucherNumber { get; set; }
    public Guid? VoucherId { get; set; }
    public Guid? VoucherServiceId { get; set; }
    /// <summary>
    /// Hospital care (RULES.md §7): the stay a doctor's fee line names (as sent), or the stay whose settlement the line
    /// carries (memoirs of source hospital stay). Such lines consume no voucher session.
    /// </summary>
    public Guid? HospitalStayId { get; set; }
    public required string Matricule { get; set; }
    public Guid? InsuredId { get; set; }
    /// <summary>The insured's competent fund when the line was adjudicated (CNS, CMFEP, CMFEC, EMCFL); null for an unknown person.</summary>
    public string? CompetentFund { get; set; }
    public DateOnly SessionDate { get; set; }
    public required string ActCode { get; set; }
    /// <summary>The travel allowance (ZKD1) is claimed with the session.</summary>
    public bool Travel { get; set; }
    /// <summary>
    /// BIL-09: the line bills the travel allowance itself (ZKD1 beside a session): it consumes no session
    /// (<see cref="VoucherServiceId"/> null) and is no second act of the session (BIL-07).
    /// </summary>
    public bool TravelAllowance { get; set; }
    public decimal ClaimedAmount { get; set; }
    /// <summary>Doctor's fee in hospital (HOS-04): the part of <see cref="ClaimedAmount"/> that is the single-room surcharge, never paid by CNS.</summary>
    public decimal? SingleRoomSurcharge { get; set; }
    /// <summary>Tariff amount (montant opposable) on the session date: act (+ travel allowance when granted); null when the act is unknown.</summary>
    public decimal? TariffAmount { get; set; }
    /// <summary>Coverage rate of the voucher service, in percent; null when no service matched.</summary>
    public decimal? RatePercent { get; set; }
    /// <summary>CNS share (part statutaire) decided at adjudication.</summary>
    public decimal CnsAmount { get; set; }
    /// <summary>Insured share (participation personnelle) the provider bills to the insured.</summary>
    public decimal InsuredShare { get; set; }
    public LineOutcome Outcome { get; set; }
    public List<Reason> Reasons { get; set; } = [];
    /// <summary>What CNS owes for this line: <see cref="CnsAmount"/>, or the overturned amount after a contestation.</summary>
    public decimal PayableAmount { get; set; }
    public ContestationStatus? ContestationStatus { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    // Filled by payment runs (issue 6), once, when a run takes the line (issue 24): the run and the amount it pays for the
    // line (its payable amount then, which no longer changes). A line not yet taken by a run has PaymentRunId null. The
    // line is paid and reported once its run is closed: when it was paid, and by which return file, are the run's
    // (its as-of instant and execution date) and the return file of the run and the line's provider, never written
    // per line.
    public Guid? PaymentRunId { get; set; }
    /// <summary>What the run that took the line pays for it (set with <see cref="PaymentRunId"/>); paid once that run is closed.</summary>
    public decimal? PaidAmount { get; set; }
    /// <summary>
    /// LIF-02/LIF-04: the line was released — its memoir voided, or the paid line reversed or recovered: it no longer
    /// holds a session nor counts as paid (<see cref="PaidLines.Holds"/>), and no payment run takes it.
    /// </summary>
    public DateTimeOffset? ReleasedAt { get; set; }

    public bool IsPaidAtAdjudication => PaidLines.Is(Outcome);

    /// <summary>
    /// The line pays a travel allowance for its date: a paid ZKD1 line, or a paid session whose travel flag no reason
    /// refused (not granted, or already paid that day); the ledger reads the same from stored lines.
    /// </summary>
    public bool PaysTravelAllowance => IsPaidAtAdjudication && (TravelAllowance || (Travel && !Reasons.Any(r => r.Field == global::CnsExchange.Domain.Billing.TravelAllowance.Field)));
}
