using System.Linq.Expressions;

namespace CnsExchange.Domain.Billing;

/// <summary>
/// The one definition of a line CNS pays from adjudication on (accepted or reduced; a refused line is never paid,
/// PAY-07). Such a line consumes a session (BIL-06) and is unique by the keys of BIL-07 and BIL-08; the database
/// settles both with partial unique indexes whose predicate and columns are built from this class and the rules' keys.
/// </summary>
public static class PaidLines
{
    /// <summary>The outcomes of a paid line, in the order the index predicate lists them.</summary>
    public static readonly IReadOnlyList<LineOutcome> Outcomes = [LineOutcome.Accepted, LineOutcome.Reduced];

    public static bool Is(LineOutcome outcome) => outcome is LineOutcome.Accepted or LineOutcome.Reduced;

    /// <summary>
    /// A stored line CNS pays and still holds: a paid outcome, or a refused line whose contestation was overturned (BIL-15:
    /// it is paid in the next run, so no other line or claim may pay its session: BIL-07/08, INS-04), not released by a
    /// void, reversal or recovery (LIF-02, LIF-04).
    /// </summary>
    public static bool Holds(FeeMemoirLine line) => (Is(line.Outcome) || line.ContestationStatus == ContestationStatus.Overturned) && line.ReleasedAt is null;

    /// <summary>The same predicate as <see cref="Holds"/> for queries (EF translates it to the stored outcome, contestation and release).</summary>
    public static readonly Expression<Func<FeeMemoirLine, bool>> Line =
        l => (l.Outcome == LineOutcome.Accepted || l.Outcome == LineOutcome.Reduced || l.ContestationStatus == ContestationStatus.Overturned) && l.ReleasedAt == null;

    /// <summary>
    /// A held line that counts in its voucher service's sessions billed (BIL-06: sessions paid never exceed sessions
    /// granted): one paid at adjudication, or a refused line whose contestation was overturned (the overturn took a
    /// session of the counter, <see cref="Contestation.ServiceTakenByOverturn"/>), so either gives it back when released.
    /// </summary>
    public static bool CountsASession(FeeMemoirLine line) => Holds(line);

    /// <summary>
    /// BIL-07 counts a paid line as the session of its day unless it is a doctor's fee in a hospital stay or a travel
    /// allowance line (BIL-09), which are no second act of a session.
    /// </summary>
    public static bool IsSession(FeeMemoirLine line) => Holds(line) && line.HospitalStayId is null && !line.TravelAllowance;
}
