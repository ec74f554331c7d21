namespace CnsExchange.Application.Features.Billing;

/// <summary>Contestation of a line (BIL-15), if any.</summary>
public sealed record LineContestationRef(Guid Id, ContestationStatus Status);

/// <summary>Payment of a line, once a payment run took it.</summary>
public sealed record LinePaymentDto(Guid PaymentRunId, decimal? PaidAmount, DateTimeOffset? PaidAt, Guid? ReturnFileId);

/// <summary>
/// An adjudicated line. <c>tariffAmount</c> = montant opposable on the session date (act + travel allowance when
/// granted); <c>cnsAmount</c> = part statutaire; <c>insuredShare</c> = participation personnelle;
/// <c>payableAmount</c> = what CNS owes now (changes when a contestation is overturned). Hospital care has
/// <c>hospitalStayId</c> instead of <c>voucherNumber</c>: a doctor's fee (with its <c>singleRoomSurcharge</c>), or a
/// line of the stay's own settlement (memoirs of source <c>hospital_stay</c>, no rate: the amounts are the stay's).
/// </summary>
public sealed record FeeMemoirLineDto(
    int LineNumber,
    int? SourceLine,
    string? VoucherNumber,
    Guid? HospitalStayId,
    string Matricule,
    DateOnly SessionDate,
    string ActCode,
    bool Travel,
    decimal ClaimedAmount,
    decimal? SingleRoomSurcharge,
    decimal? TariffAmount,
    decimal? RatePercent,
    decimal CnsAmount,
    decimal InsuredShare,
    LineOutcome Outcome,
    IReadOnlyList<ReasonDto> Reasons,
    decimal PayableAmount,
    LineContestationRef? Contestation,
    LinePaymentDto? Payment,
    DateTimeOffset? ReleasedAt = null);

public sealed record MemoirTotalsDto(int Lines, int Accepted, int Reduced, int Refused, decimal ClaimedAmount, decimal TariffAmount, decimal CnsAmount, decimal InsuredShare)
{
    public static MemoirTotalsDto From(FeeMemoir m) =>
        new(m.LineCount, m.AcceptedCount, m.ReducedCount, m.RefusedCount, m.ClaimedTotal, m.TariffTotal, m.CnsTotal, m.InsuredShareTotal);
}

/// <summary>What changed on a line between the simulation and its confirmation.</summary>
public sealed record LineChangeDto(
    int LineNumber,
    LineOutcome SimulatedOutcome,
    LineOutcome Outcome,
    decimal SimulatedCnsAmount,
    decimal CnsAmount,
    decimal SimulatedInsuredShare,
    decimal InsuredShare,
    IReadOnlyList<string> ReasonsAdded,
    IReadOnlyList<string> ReasonsRemoved);

/// <summary>The confirmed adjudication compared with the simulation it confirms.</summary>
public sealed record SimulationComparisonDto(Guid SimulationId, DateTimeOffset SimulatedAt, bool Changed, IReadOnlyList<LineChangeDto> ChangedLines);

/// <summary>A fee memoir (mémoire d'honoraires) with its adjudicated lines.</summary>
public sealed record FeeMemoirDto(
    Guid Id,
    string MemoirReference,
    string ProviderCode,
    FeeMemoirStatus Status,
    FeeMemoirSource Source,
    Guid? BillingFileId,
    Guid? SimulationId,
    Guid? HospitalStayId,
    DateTimeOffset ReceivedAt,
    DateOnly ReceivedOn,
    DateOnly DueDate,
    DateTimeOffset? AdjudicatedAt,
    MemoirTotalsDto Totals,
    IReadOnlyList<FeeMemoirLineDto> Lines,
    SimulationComparisonDto? ComparedToSimulation,
    DateTimeOffset? VoidedAt = null,
    Guid? Replaces = null,
    Guid? ReplacedBy = null,
    string? VoidReason = null);

/// <summary>A fee memoir in a list (no lines).</summary>
public sealed record FeeMemoirSummaryDto(
    Guid Id,
    string MemoirReference,
    FeeMemoirStatus Status,
    FeeMemoirSource Source,
    Guid? BillingFileId,
    Guid? HospitalStayId,
    DateTimeOffset ReceivedAt,
    DateOnly ReceivedOn,
    DateOnly DueDate,
    MemoirTotalsDto Totals);

/// <summary>The result of a simulation: the full adjudication, nothing consumed.</summary>
public sealed record FeeMemoirSimulationDto(
    Guid SimulationId,
    string MemoirReference,
    DateTimeOffset SimulatedAt,
    MemoirTotalsDto Totals,
    IReadOnlyList<FeeMemoirLineDto> Lines,
    string Confirm);

/// <summary>A simulated line result kept to compare with the confirmation.</summary>
public sealed record SimulatedLine(int LineNumber, LineOutcome Outcome, decimal? TariffAmount, decimal CnsAmount, decimal InsuredShare, IReadOnlyList<string> ReasonCodes)
{
    public static SimulatedLine From(FeeMemoirLine l) =>
        new(l.LineNumber, l.Outcome, l.TariffAmount, l.CnsAmount, l.InsuredShare, l.Reasons.Select(r => r.Code).ToList());
}

public static class FeeMemoirMapping
{
    /// <param name="l">The line.</param>
    /// <param name="reference">Reason texts.</param>
    /// <param name="language">Language of the reason texts.</param>
    /// <param name="contestation">The line's contestation, if any.</param>
    /// <param name="payments">The payments of the memoir's lines a run took (<see cref="PaymentRuns.PaymentRunState.PaymentsAsync"/>);
    /// a taken line missing from it shows only its run.</param>
    public static FeeMemoirLineDto ToDto(this FeeMemoirLine l, IReferenceData reference, string language, LineContestation? contestation = null,
        IReadOnlyDictionary<Guid, LinePaymentDto>? payments = null) =>
        new(l.LineNumber, l.SourceLine, l.VoucherNumber, l.HospitalStayId, l.Matricule, l.SessionDate, l.ActCode, l.Travel, l.ClaimedAmount,
            l.SingleRoomSurcharge, l.TariffAmount,
            l.RatePercent, l.CnsAmount, l.InsuredShare, l.Outcome, reference.Render(l.Reasons, language), l.PayableAmount,
            contestation is null ? null : new LineContestationRef(contestation.Id, contestation.Status),
            l.PaymentRunId is { } run ? payments?.GetValueOrDefault(l.Id) ?? new LinePaymentDto(run, null, null, null) : null,
            l.ReleasedAt);

    public static FeeMemoirDto ToDto(this FeeMemoir m, string providerCode, IReferenceData reference, string language,
        IReadOnlyDictionary<Guid, LineContestation>? contestations = null, SimulationComparisonDto? comparison = null,
        IReadOnlyDictionary<Guid, LinePaymentDto>? payments = null) =>
        new(m.Id, m.Reference, providerCode, m.Status, m.Source, m.BillingFileId, m.SimulationId, m.HospitalStayId, m.ReceivedAt, m.ReceivedOn, m.DueDate,
            m.AdjudicatedAt, MemoirTotalsDto.From(m),
            m.Lines.OrderBy(l => l.LineNumber).Select(l => l.ToDto(reference, language, contestations?.GetValueOrDefault(l.Id), payments)).ToList(),
            comparison, m.VoidedAt, m.ReplacesMemoirId, m.ReplacedByMemoirId, m.VoidReason);

    public static FeeMemoirSummaryDto ToSummary(this FeeMemoir m) =>
        new(m.Id, m.Reference, m.Status, m.Source, m.BillingFileId, m.HospitalStayId, m.ReceivedAt, m.ReceivedOn, m.DueDate, MemoirTotalsDto.From(m));

    public static SimulationComparisonDto Compare(Guid simulationId, DateTimeOffset simulatedAt, IReadOnlyList<SimulatedLine> simulated, IEnumerable<FeeMemoirLine> confirmed)
    {
        var before = simulated.ToDictionary(s => s.LineNumber);
        var changes = new List<LineChangeDto>();
        foreach (var now in confirmed.OrderBy(l => l.LineNumber))
        {
            var then = before[now.LineNumber];
            var codes = now.Reasons.Select(r => r.Code).ToList();
            var added = codes.Except(then.ReasonCodes).ToList();
            var removed = then.ReasonCodes.Except(codes).ToList();
            if (then.Outcome == now.Outcome && then.CnsAmount == now.CnsAmount && then.InsuredShare == now.InsuredShare
                && then.TariffAmount == now.TariffAmount && added.Count == 0 && removed.Count == 0) continue;
            changes.Add(new LineChangeDto(now.LineNumber, then.Outcome, now.Outcome, then.CnsAmount, now.CnsAmount, then.InsuredShare,
                now.InsuredShare, added, removed));
        }
        return new SimulationComparisonDto(simulationId, simulatedAt, changes.Count > 0, changes);
    }
}
