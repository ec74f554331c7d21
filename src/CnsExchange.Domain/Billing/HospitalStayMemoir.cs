using CnsExchange.Domain.Hospital;

namespace CnsExchange.Domain.Billing;

/// <summary>
/// What a payment run pays for a hospital stay (RULES.md §4, §7): the hospital bills CNS directly, and the stay's
/// settlement (HOS-01…HOS-08) is its adjudication. An accepted stay becomes a fee memoir of the hospital, of source
/// hospital stay, already adjudicated: one line per line of the settlement, carrying its tariff, the CNS amount and
/// the insured person's part with the settlement's reasons — the stay days less the participation (reduced), covered
/// operations and the accompanying bed (accepted), what is not covered (refused). Payment runs and return files read
/// these lines like any other. The lines name the stay and consume no voucher session; their amounts are the
/// settlement's, so they carry no coverage rate.
/// </summary>
public static class HospitalStayMemoir
{
    /// <summary>The hospital's own reference of the memoir: unique per provider, like any memoir reference.</summary>
    public static string Reference(Guid stayId) => $"STAY-{stayId:N}";

    public static FeeMemoir From(HospitalStay stay, DateTimeOffset receivedAt, DateOnly receivedOn, DateOnly dueDate, string? competentFund = null)
    {
        if (stay.Status != HospitalStayStatus.Accepted || stay.InsuredId is null)
            throw new ArgumentException("Only an accepted stay of a known insured person is paid.", nameof(stay));
        var memoir = new FeeMemoir
        {
            Id = Guid.CreateVersion7(receivedAt),
            ProviderId = stay.ProviderId,
            Reference = Reference(stay.Id),
            Source = FeeMemoirSource.HospitalStay,
            HospitalStayId = stay.Id,
            Status = FeeMemoirStatus.Adjudicated,
            ReceivedAt = receivedAt,
            ReceivedOn = receivedOn,
            DueDate = dueDate,
            AdjudicatedAt = receivedAt,
        };
        // A line with no tariff has nothing to pay nor to explain.
        foreach (var l in stay.Lines.Where(l => l.TariffAmount > 0m).OrderBy(l => l.LineNumber))
        {
            var line = new FeeMemoirLine
            {
                Id = Guid.CreateVersion7(receivedAt),
                MemoirId = memoir.Id,
                ProviderId = stay.ProviderId,
                LineNumber = memoir.Lines.Count + 1,
                VoucherNumber = null,
                HospitalStayId = stay.Id,
                Matricule = stay.Matricule,
                InsuredId = stay.InsuredId,
                CompetentFund = competentFund,
                SessionDate = stay.AdmissionDate,
                ActCode = l.Code,
                ClaimedAmount = l.TariffAmount,
                TariffAmount = l.TariffAmount,
                RatePercent = null,
                CnsAmount = l.CnsAmount,
                InsuredShare = l.InsuredAmount,
                Outcome = !l.Covered || l.CnsAmount <= 0m ? LineOutcome.Refused
                    : l.CnsAmount < l.TariffAmount ? LineOutcome.Reduced
                    : LineOutcome.Accepted,
                Reasons = [.. l.Reasons],
                CreatedAt = receivedAt,
            };
            line.PayableAmount = line.Outcome == LineOutcome.Refused ? 0m : line.CnsAmount;
            memoir.Lines.Add(line);
            memoir.AddToTotals(line);
        }
        return memoir;
    }
}
