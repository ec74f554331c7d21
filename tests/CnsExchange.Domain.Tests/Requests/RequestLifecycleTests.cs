using CnsExchange.Domain.Common;
using CnsExchange.Domain.Cures;
using CnsExchange.Domain.Requests;

namespace CnsExchange.Domain.Tests.Requests;

/// <summary>The lifecycle every kind of request shares (received → automatic decision → review → final).</summary>
public sealed class RequestLifecycleTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    private static CureAuthorisation NewRequest() => new()
    {
        Id = Guid.NewGuid(), Matricule = "1983081246785", DoctorCode = "90000002", KindCode = "T200", CountryOfCare = "LU",
    };

    [Theory]
    [InlineData(ReasonSeverity.Information, RequestOutcome.Agreed)]
    [InlineData(ReasonSeverity.Reduction, RequestOutcome.Agreed)]
    [InlineData(ReasonSeverity.Pending, RequestOutcome.Pending)]
    [InlineData(ReasonSeverity.Refusal, RequestOutcome.Refused)]
    public void The_most_severe_reason_decides_the_automatic_outcome(ReasonSeverity severity, RequestOutcome outcome) =>
        Assert.Equal(outcome, AutomaticDecision.From([new Reason("X", severity, "R"), Reason.Information("Y", "R")]).Outcome);

    [Fact]
    public void Refusal_wins_over_pending() =>
        Assert.Equal(RequestOutcome.Refused, AutomaticDecision.From([Reason.Pending("P", "R"), Reason.Refusal("X", "R")]).Outcome);

    [Theory]
    [InlineData(RequestOutcome.Agreed, RequestStatus.Agreed, "agreed")]
    [InlineData(RequestOutcome.Refused, RequestStatus.Refused, "refused")]
    [InlineData(RequestOutcome.NotRequired, RequestStatus.NotRequired, "not_required")]
    [InlineData(RequestOutcome.Pending, RequestStatus.Pending, "pending")]
    public void Automatic_decision_sets_the_status_and_records_who_and_when(RequestOutcome outcome, RequestStatus status, string action)
    {
        var request = NewRequest();
        var due = At.AddDays(1);
        request.ApplyAutomaticDecision(new AutomaticDecision(outcome, []), At, due, RequestLifecycle.AutomaticActor);
        Assert.Equal(status, request.Status);
        Assert.Equal(outcome == RequestOutcome.Pending ? due : null, request.DecisionDueBy);
        Assert.Equal(outcome == RequestOutcome.Pending ? null : At, request.DecidedAt);
        var entry = Assert.Single(request.History);
        Assert.Equal((action, RequestLifecycle.AutomaticActor, At, 1), (entry.Action, entry.Actor, entry.At, entry.Sequence));
        Assert.Equal(At, request.UpdatedAt);
    }

    [Fact]
    public void Reviewer_agreement_resolves_the_pending_reasons_and_keeps_the_others()
    {
        var request = NewRequest();
        request.ApplyAutomaticDecision(new AutomaticDecision(RequestOutcome.Pending, [Reason.Pending("P", "R"), Reason.Information("I", "R")]), At, At.AddDays(1), "cns:automatic");
        request.Agree("C26-0001000-3", Guid.NewGuid(), [Reason.Reduction("SESSIONS_REDUCED_BY_REVIEWER", "VAL-17")], At.AddHours(2), "reviewer:1", "ok");
        Assert.Equal(RequestStatus.Agreed, request.Status);
        Assert.Equal(["I", "SESSIONS_REDUCED_BY_REVIEWER"], request.Reasons.Select(r => r.Code));
        Assert.Null(request.DecisionDueBy);
        Assert.Equal(["pending", "agreed"], request.History.Select(h => h.Action));
    }

    [Fact]
    public void Information_requested_stops_the_clock_until_the_answer()
    {
        var request = NewRequest();
        request.ApplyAutomaticDecision(new AutomaticDecision(RequestOutcome.Pending, [Reason.Pending("P", "R")]), At, At.AddDays(1), "cns:automatic");
        request.RequestInformation("Which days?", RequestLifecycle.Rule, At.AddHours(1), "reviewer:1");
        Assert.True(request.AwaitsDecision);
        Assert.Null(request.DecisionDueBy);
        Assert.Contains(request.Reasons, r => r.Code == RequestLifecycle.InformationRequested);
        request.AnswerInformation("Mondays", At.AddHours(3), At.AddDays(2), "provider:1");
        Assert.Equal((RequestStatus.Pending, At.AddDays(2)), (request.Status, request.DecisionDueBy));
        request.Cancel(At.AddHours(4), "provider:1", null);
        Assert.Equal(RequestStatus.Cancelled, request.Status);
        Assert.Equal(["pending", "information_requested", "information_provided", "cancelled"], request.History.Select(h => h.Action));
        Assert.Equal([1, 2, 3, 4], request.History.Select(h => h.Sequence));
    }

    /// <summary>Audit s68 (val) (c): REVIEWER_REFUSAL named among the codes and a note gave the reason twice, once bare and once with the note.</summary>
    [Theory]
    [InlineData(new[] { "REVIEWER_REFUSAL" }, "Not legible.", "REVIEWER_REFUSAL:Not legible.")]
    [InlineData(new[] { "REVIEWER_REFUSAL" }, null, "REVIEWER_REFUSAL:")]
    [InlineData(new[] { "PRESCRIPTION_TOO_OLD", "REVIEWER_REFUSAL", "PRESCRIPTION_TOO_OLD" }, " Old. ", "PRESCRIPTION_TOO_OLD:|REVIEWER_REFUSAL:Old.")]
    [InlineData(new string[0], "Only a note.", "REVIEWER_REFUSAL:Only a note.")]
    [InlineData(new[] { "PRESCRIPTION_TOO_OLD" }, "  ", "PRESCRIPTION_TOO_OLD:")]
    public void Val17_a_reviewers_refusal_lists_each_reason_once_with_the_note_on_reviewer_refusal(string[] codes, string? note, string expected)
    {
        var reasons = RequestLifecycle.RefusalReasons(codes, _ => "VAL-02", RequestLifecycle.Rule, note);
        Assert.Equal(expected, string.Join("|", reasons.Select(r => $"{r.Code}:{r.Detail}")));
        Assert.All(reasons, r => Assert.Equal(ReasonSeverity.Refusal, r.Severity));
    }
}
