using System.Net;
using CnsExchange.Application.Features.Validation;
using CnsExchange.Application.Features.Vouchers;
using CnsExchange.Domain.Calendar;
using CnsExchange.Domain.Physio;
using CnsExchange.Domain.Requests;
using CnsExchange.IntegrationTests.Support;
using static CnsExchange.IntegrationTests.Validation.ValidationTestSupport;

namespace CnsExchange.IntegrationTests.Validation;

/// <summary>Issue 4 review: queue by due time with overdue flagged; agree (fewer sessions), refuse, ask for information, answer, cancel.</summary>
public sealed class ReviewTests(ApiFactory api) : ApiTest(api)
{
    private async Task<string> PendingAsync(ValidationRequestInput? rx = null) =>
        (await Client(Physio1).DecideAsync(rx ?? Rx(DependencyPlan))).Id.ToString();

    private Task<HttpResponseMessage> DecideAsync(string id, object body) => Client(Reviewer).PostJsonAsync($"/api/v1/review/{id}/decision", body);

    /// <summary>The provider's cancellation or answer (200): the validation request as it then stands.</summary>
    private async Task<ValidationRequestDto> ProviderPostAsync(string id, string action, object? body) =>
        await (await (body is null ? Client(Physio1).PostAsync($"{Url}/{id}/{action}", null) : Client(Physio1).PostJsonAsync($"{Url}/{id}/{action}", body)))
            .ExpectAsync<ValidationRequestDto>(HttpStatusCode.OK);

    private async Task<ValidationRequestDto> GetAsync(string id, string key = Physio1) =>
        await (await Client(key).GetAsync($"{Url}/{id}")).ExpectAsync<ValidationRequestDto>(HttpStatusCode.OK);

    [Fact]
    public async Task Queue_is_ordered_by_due_time_and_flags_overdue_requests()
    {
        var first = await PendingAsync();                                        // Monday → due end of Tuesday
        await Api.AdvanceAsync(TimeSpan.FromDays(1));
        var second = await PendingAsync(Rx().Foreign() with { PrescriptionDate = Today });  // Tuesday → due end of Wednesday
        await Api.AdvanceAsync(TimeSpan.FromDays(1));                                  // Wednesday 09:00: the first is overdue

        var queue = await Client(Reviewer).ReviewQueueAsync();
        Assert.Equal([first, second], queue.Items.Select(i => i.Id.ToString()));
        Assert.Equal([true, false], queue.Items.Select(i => i.Overdue));
        Assert.Equal((2, 1), (queue.Total, queue.Overdue));
        Assert.Equal("PHY0001", queue.Items[0].ProviderCode);
        Assert.True((await GetAsync(first)).Overdue);
    }

    /// <summary>Audit s67 (conventions): the queue took a limit but no cursor, so a reviewer could not reach past 200 requests.</summary>
    [Fact]
    public async Task Queue_is_paged_in_its_order_by_a_cursor()
    {
        var ids = new List<string>();
        for (var n = 0; n < 3; n++) ids.Add(await PendingAsync());
        await Api.AdvanceAsync(TimeSpan.FromDays(1));
        ids.Add(await PendingAsync()); // due a day later: last

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await (await Client(Reviewer).GetAsync($"/api/v1/review/queue?limit=1{(cursor is null ? "" : "&cursor=" + cursor)}"))
                .ExpectAsync<CnsExchange.Application.Features.Review.ReviewQueue>(HttpStatusCode.OK);
            Assert.Equal(4, page.Total);
            seen.AddRange(page.Items.Select(i => i.Id.ToString()));
            cursor = page.NextCursor;
            pages++;
        } while (cursor is not null);
        Assert.Equal(4, pages);
        Assert.Equal(ids.Order().Take(3).ToList(), seen.Take(3).Order().ToList());
        Assert.Equal(ids[3], seen[3]);
        await (await Client(Reviewer).GetAsync("/api/v1/review/queue?cursor=nonsense")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task Queue_is_for_reviewers_only()
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await Client(Physio1).GetAsync("/api/v1/review/queue")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Client(null).GetAsync("/api/v1/review/queue")).StatusCode);
    }

    [Fact]
    public async Task Reviewer_agrees_and_the_voucher_is_issued_on_the_decision_date()
    {
        var id = await PendingAsync();
        await Api.AdvanceAsync(TimeSpan.FromDays(1));
        var decided = await Client(Reviewer).ReviewAsync(id, new { decision = "agree", note = "Plan covers other days" });

        Assert.Equal(RequestStatus.Agreed, decided.Status);
        Assert.Empty(decided.Reasons); // the pending reason is resolved
        Assert.Equal(new DateOnly(2026, 11, 24), decided.Voucher!.IssuedOn);
        Assert.Equal(6, decided.Voucher.Services.Single().SessionsGranted);
        var last = decided.History[^1];
        Assert.Equal("agreed", last.Action);
        Assert.StartsWith("reviewer:", last.Actor);
        Assert.Equal("Plan covers other days", last.Note);
        Assert.Equal(Api.SandboxNow(), last.At);
        Assert.Empty((await Client(Reviewer).ReviewQueueAsync()).Items);
    }

    [Fact]
    public async Task Reviewer_agrees_with_fewer_sessions()
    {
        var id = await PendingAsync(Rx() with { Category = PhysioCategory.Heavy, ActCode = "ZK21", AnnexGCode = "G01", Sessions = 48 });
        var decided = await Client(Reviewer).ReviewAsync(id, new { decision = "agree", sessions = 32 });

        Assert.Equal(RequestStatus.Agreed, decided.Status);
        Assert.Equal(["SESSIONS_REDUCED_BY_REVIEWER"], decided.Reasons.Select(r => r.Code));
        Assert.Equal(32, decided.Voucher!.Services.Single().SessionsGranted);
        var voucher = await (await Client(Physio1).GetAsync($"/api/v1/vouchers/{decided.Voucher.Number}")).ExpectAsync<VoucherDto>(HttpStatusCode.OK);
        Assert.Equal(32, voucher.Services[0].SessionsRemaining);
    }

    [Fact]
    public async Task Reviewer_cannot_grant_more_than_the_proposal()
    {
        var id = await PendingAsync();
        await (await DecideAsync(id, new { decision = "agree", sessions = 7 })).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "sessions_above_grant");
        Assert.Equal(RequestStatus.Pending, (await GetAsync(id)).Status);
        Assert.Equal(0, await Api.CountAsync("vouchers"));
    }

    [Fact]
    public async Task Reviewer_refuses_with_codes_and_a_note()
    {
        var id = await PendingAsync();
        var decided = await Client(Reviewer).ReviewAsync(id, new { decision = "refuse", reasonCodes = new[] { "DOUBLE_FINANCING" }, note = "Physiotherapy already in the care plan" });

        Assert.Equal(RequestStatus.Refused, decided.Status);
        Assert.Equal(["DOUBLE_FINANCING", "REVIEWER_REFUSAL"], decided.Reasons.Select(r => r.Code));
        Assert.Contains("Physiotherapy already in the care plan", decided.Reasons[1].Message);
        Assert.Null(decided.Voucher);
    }

    /// <summary>Audit s68 (val) (c): REVIEWER_REFUSAL among the codes, with a note, was listed twice (bare, then with the note).</summary>
    [Fact]
    public async Task Val17_reviewer_refusal_named_with_a_note_is_listed_once_with_the_note()
    {
        var id = await PendingAsync();
        var decided = await Client(Reviewer).ReviewAsync(id, new { decision = "refuse", reasonCodes = new[] { "DOUBLE_FINANCING", "REVIEWER_REFUSAL" }, note = "Already in the care plan" });
        Assert.Equal(["DOUBLE_FINANCING", "REVIEWER_REFUSAL"], decided.Reasons.Select(r => r.Code));
        Assert.Contains("Already in the care plan", decided.Reasons[1].Message);
    }

    [Fact]
    public async Task Refusal_needs_known_refusal_codes_or_a_note()
    {
        var id = await PendingAsync();
        var problem = await (await DecideAsync(id, new { decision = "refuse", reasonCodes = new[] { "NOT_A_CODE" } })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Contains(problem["errors"]!.AsObject(), e => e.Key.StartsWith("reasonCodes", StringComparison.Ordinal));
        await (await DecideAsync(id, new { decision = "refuse" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await DecideAsync(id, new { decision = "maybe" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "malformed_json");
    }

    [Fact]
    public async Task Reviewer_asks_for_information_the_provider_answers_and_the_reviewer_agrees()
    {
        var id = await PendingAsync(Rx().Foreign());
        var asked = await Client(Reviewer).ReviewAsync(id, new { decision = "request_information", question = "Please send page 2 of the prescription." });
        Assert.Equal(RequestStatus.InformationRequested, asked.Status);
        Assert.Null(asked.DecisionDueBy);
        Assert.Contains("INFORMATION_REQUESTED", asked.Reasons.Select(r => r.Code));
        Assert.Equal("Please send page 2 of the prescription.", (await GetAsync(id)).InformationQuestion);
        Assert.Empty((await Client(Reviewer).ReviewQueueAsync()).Items);

        await Api.AdvanceAsync(TimeSpan.FromDays(4)); // Friday
        var answered = await ProviderPostAsync(id, "information", new { answer = "Page 2 sent by post; diagnosis: lumbago." });
        Assert.Equal(RequestStatus.Pending, answered.Status);
        Assert.Equal(LuxembourgCalendar.EndOfDay(new DateOnly(2026, 11, 30)), answered.DecisionDueBy);
        Assert.Equal("Page 2 sent by post; diagnosis: lumbago.", (await Client(Reviewer).ReviewQueueAsync()).Items[0].InformationAnswer);

        var agreed = await Client(Reviewer).ReviewAsync(id, new { decision = "agree" });
        Assert.Equal(RequestStatus.Agreed, agreed.Status);
        Assert.Equal(["submitted", "pending", "information_requested", "information_provided", "agreed"], agreed.History.Select(h => h.Action));
    }

    [Fact]
    public async Task Provider_cannot_answer_when_nothing_was_asked()
    {
        var id = await PendingAsync();
        await (await Client(Physio1).PostJsonAsync($"{Url}/{id}/information", new { answer = "x" })).ExpectProblemAsync(HttpStatusCode.Conflict, "no_information_requested");
        await (await Client(Physio1).PostJsonAsync($"{Url}/{id}/information", new { answer = "" })).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task Reviewer_cannot_decide_while_information_is_awaited_nor_twice()
    {
        var id = await PendingAsync();
        await Client(Reviewer).ReviewAsync(id, new { decision = "request_information", question = "Which days?" });
        await (await DecideAsync(id, new { decision = "agree" })).ExpectProblemAsync(HttpStatusCode.Conflict, "request_not_pending");

        var other = await PendingAsync(Rx(DependencyPlan) with { PrescriptionDate = Today.AddDays(-5) });
        await Client(Reviewer).ReviewAsync(other, new { decision = "agree" });
        await (await DecideAsync(other, new { decision = "refuse", note = "late" })).ExpectProblemAsync(HttpStatusCode.Conflict, "request_not_pending");
    }

    [Fact]
    public async Task Provider_cancels_a_pending_request_and_no_voucher_follows()
    {
        var id = await PendingAsync();
        var cancelled = await ProviderPostAsync(id, "cancel", new { note = "Patient moved" });
        Assert.Equal(RequestStatus.Cancelled, cancelled.Status);
        Assert.Null(cancelled.Voucher);
        var last = cancelled.History[^1];
        Assert.Equal(("cancelled", "Patient moved"), (last.Action, last.Note));
        Assert.StartsWith("provider:", last.Actor);

        await (await DecideAsync(id, new { decision = "agree" })).ExpectProblemAsync(HttpStatusCode.Conflict, "request_not_pending");
        Assert.Equal(0, await Api.CountAsync("vouchers"));
    }

    [Fact]
    public async Task Cancel_without_body_and_while_information_is_awaited()
    {
        var id = await PendingAsync();
        await Client(Reviewer).ReviewAsync(id, new { decision = "request_information", question = "Which days?" });
        Assert.Equal(RequestStatus.Cancelled, (await ProviderPostAsync(id, "cancel", body: null)).Status);
    }

    [Fact]
    public async Task Decided_request_cannot_be_cancelled()
    {
        var id = (await Client(Physio1).DecideAsync(Rx())).Id;
        await (await Client(Physio1).PostJsonAsync($"{Url}/{id}/cancel", new { })).ExpectProblemAsync(HttpStatusCode.Conflict, "request_already_decided");
    }

    [Fact]
    public async Task Another_provider_cannot_cancel_or_answer()
    {
        var id = await PendingAsync();
        await (await Client(Physio2).PostJsonAsync($"{Url}/{id}/cancel", new { })).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await Client(Physio2).PostJsonAsync($"{Url}/{id}/information", new { answer = "x" })).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Equal(RequestStatus.Pending, (await GetAsync(id)).Status);
    }

    [Fact]
    public async Task Pending_duplicates_cannot_both_be_agreed()
    {
        var scan = Pdf();
        var a = await PendingAsync(Rx().Foreign());
        var b = (await Client(Physio2).DecideAsync(Rx().Foreign(), scan)).Id.ToString();
        var agreed = await Client(Reviewer).ReviewAsync(a, new { decision = "agree" });
        var problem = await (await DecideAsync(b, new { decision = "agree" })).ExpectProblemAsync(HttpStatusCode.Conflict, "duplicate_prescription");
        Assert.Contains(agreed.Voucher!.Number, problem["detail"]!.GetValue<string>());
        Assert.Equal(1, await Api.CountAsync("vouchers"));
        Assert.Equal(RequestStatus.Pending, (await GetAsync(b, Physio2)).Status);
    }
}
