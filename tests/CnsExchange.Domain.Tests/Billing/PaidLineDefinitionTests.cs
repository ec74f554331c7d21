using System.Linq.Expressions;
using CnsExchange.Domain.Billing;

namespace CnsExchange.Domain.Tests.Billing;

/// <summary>The one definition of a paid line and of the BIL-07/08 keys, as the facts, the ledger and the indexes read it.</summary>
public sealed class PaidLineDefinitionTests
{
    private static FeeMemoirLine Line(LineOutcome outcome, Guid? stay = null, bool travelAllowance = false) => new()
    {
        Matricule = "1980010112345",
        ActCode = "ZPA1",
        Outcome = outcome,
        HospitalStayId = stay,
        TravelAllowance = travelAllowance,
    };

    [Theory]
    [InlineData(LineOutcome.Accepted, true)]
    [InlineData(LineOutcome.Reduced, true)]
    [InlineData(LineOutcome.Refused, false)]
    public void Bil08_accepted_and_reduced_lines_are_paid_refused_ones_never(LineOutcome outcome, bool paid)
    {
        Assert.Equal(paid, PaidLines.Is(outcome));
        Assert.Equal(paid, PaidLines.Outcomes.Contains(outcome));
        Assert.Equal(paid, PaidLines.Line.Compile()(Line(outcome)));
        Assert.Equal(paid, Line(outcome).IsPaidAtAdjudication);
    }

    [Theory]
    [InlineData(LineOutcome.Accepted)]
    [InlineData(LineOutcome.Reduced)]
    public void Lif02_a_released_line_is_no_longer_held_as_paid(LineOutcome outcome)
    {
        var line = Line(outcome);
        line.ReleasedAt = new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);
        Assert.False(PaidLines.Holds(line));
        Assert.False(PaidLines.Line.Compile()(line));
        Assert.False(PaidLines.IsSession(line));
        Assert.True(line.IsPaidAtAdjudication); // the adjudication itself never changes
    }

    [Fact]
    public void Bil08_every_outcome_is_either_paid_or_not_in_all_three_forms()
    {
        foreach (var outcome in Enum.GetValues<LineOutcome>())
            Assert.Equal(PaidLines.Is(outcome), PaidLines.Line.Compile()(Line(outcome)));
    }

    [Theory]
    [InlineData(LineOutcome.Accepted, false, false, true)]
    [InlineData(LineOutcome.Reduced, false, false, true)]
    [InlineData(LineOutcome.Refused, false, false, false)]
    [InlineData(LineOutcome.Accepted, true, false, false)]
    [InlineData(LineOutcome.Accepted, false, true, false)]
    public void Bil07_a_paid_session_is_no_hospital_fee_and_no_travel_allowance_line(LineOutcome outcome, bool hospitalFee, bool travelAllowance, bool session) =>
        Assert.Equal(session, PaidLines.IsSession(Line(outcome, hospitalFee ? Guid.NewGuid() : null, travelAllowance)));

    [Fact]
    public void Bil07_the_index_columns_are_the_session_key()
    {
        Assert.Equal(Properties<OneActPerSession.SessionKey>(), Members(OneActPerSession.Key));
    }

    [Fact]
    public void Bil08_the_index_columns_are_the_line_key()
    {
        Assert.Equal(Properties<DuplicateLine.LineKey>(), Members(DuplicateLine.Key));
    }

    private static List<string> Members(Expression<Func<FeeMemoirLine, object?>> key) =>
        ((NewExpression)key.Body).Members!.Select(m => m.Name).ToList();

    private static List<string> Properties<T>() =>
        typeof(T).GetConstructors().Single().GetParameters().Select(p => p.Name!).ToList();
}
