using CnsExchange.Domain.Requests;
using System.Net;
using System.Net.Http.Headers;
using CnsExchange.Application.Features.Attachments;
using CnsExchange.Application.Features.Billing;
using CnsExchange.Application.Features.Cures;
using CnsExchange.Application.Features.Rehabilitation;
using CnsExchange.Application.Features.Validation;
using CnsExchange.Domain.Lifecycle;
using CnsExchange.IntegrationTests.Billing;
using CnsExchange.IntegrationTests.Support;
using V = CnsExchange.IntegrationTests.Validation.ValidationTestSupport;
using static CnsExchange.IntegrationTests.CareAuthorisations.CareTestSupport;

namespace CnsExchange.IntegrationTests.Lifecycle;

/// <summary>
/// Issue 19 item 6: documents attached to validation requests, cure and rehabilitation requests, information answers and
/// contestations; LIF-07: a request that needs a document stays pending DOCUMENT_MISSING until it arrives.
/// </summary>
public sealed class AttachmentTests(ApiFactory api) : ApiTest(api)
{
    public static Task<HttpResponseMessage> AttachAsync(HttpClient client, string ownerUrl, byte[]? file, string? purpose = null,
        string fileName = "document.pdf", string contentType = "application/pdf")
    {
        var form = new MultipartFormDataContent();
        if (file is not null)
        {
            var part = new ByteArrayContent(file);
            part.Headers.ContentType = new MediaTypeHeaderValue(contentType);
            form.Add(part, "file", fileName);
        }
        if (purpose is not null) form.Add(new StringContent(purpose), "purpose");
        return client.PostAsync($"{ownerUrl}/attachments", form);
    }

    /// <summary>GET of a request (validation, cure or rehabilitation) as its DTO (<see cref="HttpAssertions.Typed"/>).</summary>
    private async Task<T> RequestAsync<T>(string key, string url) => await (await Client(key).GetAsync(url)).ExpectAsync<T>(HttpStatusCode.OK);

    /// <summary>An upload that is taken (201): the attachment as stored.</summary>
    private static async Task<AttachmentDto> AttachedAsync(Task<HttpResponseMessage> upload) => await (await upload).ExpectAsync<AttachmentDto>(HttpStatusCode.Created);

    private async Task<IReadOnlyList<AttachmentDto>> ListAsync(string key, string ownerUrl) =>
        await (await Client(key).GetAsync($"{ownerUrl}/attachments")).ExpectAsync<List<AttachmentDto>>(HttpStatusCode.OK);

    private static RehabilitationAuthorisationInput Colpach() => Rehab("SNRP_STAT", start: Today.AddDays(7), days: 10);

    /// <summary>
    /// Audit s66: two Colpach stays, each within REH-04's 30 days a year alone but not together, both waiting for their
    /// reasoned request, were both agreed as their documents arrived. The second is refused when its document arrives, and a
    /// reviewer cannot agree it either.
    /// </summary>
    [Fact]
    public async Task Reh04_two_colpach_requests_waiting_for_their_documents_are_not_both_agreed_past_the_yearly_ceiling()
    {
        var first = await Client(Rehab1).RehabAsync(Rehab("SNRP_STAT", start: Today.AddDays(7), days: 21), withRequiredDocument: false);
        var second = await Client(Rehab1).RehabAsync(Rehab("SNRP_STAT", start: Today.AddDays(28), days: 10), withRequiredDocument: false);
        var third = await Client(Rehab1).RehabAsync(Rehab("SNRP_STAT", start: Today.AddDays(28), days: 10), withRequiredDocument: false);
        Assert.All(new[] { first, second, third }, r => Assert.Equal(["DOCUMENT_MISSING"], r.Codes()));

        await AttachedAsync(AttachAsync(Client(Rehab1), $"{RehabUrl}/{first.Id}", V.Pdf("first"), "reasoned_request"));
        Assert.Equal(RequestStatus.Agreed, (await RequestAsync<RehabilitationAuthorisationDto>(Rehab1, $"{RehabUrl}/{first.Id}")).Status);

        await AttachedAsync(AttachAsync(Client(Rehab1), $"{RehabUrl}/{second.Id}", V.Pdf("second"), "reasoned_request"));
        var refused = await RequestAsync<RehabilitationAuthorisationDto>(Rehab1, $"{RehabUrl}/{second.Id}");
        Assert.Equal((RequestStatus.Refused, "REHAB_DAYS_EXCEEDED"), (refused.Status, refused.Codes().Single()));
        Assert.Null(refused.Voucher);

        // A reviewer asks about the third; once its document is in, agreeing it would pass the ceiling too.
        await (await Client(Reviewer).PostJsonAsync($"/api/v1/review/{third.Id}/decision", new { decision = "request_information", question = "Why now?" }))
            .ExpectAsync(HttpStatusCode.OK);
        await AttachedAsync(AttachAsync(Client(Rehab1), $"{RehabUrl}/{third.Id}", V.Pdf("third"), "reasoned_request"));
        await (await Client(Rehab1).PostJsonAsync($"{RehabUrl}/{third.Id}/information", new { answer = "Relapse." })).ExpectAsync(HttpStatusCode.OK);
        await (await Client(Reviewer).PostJsonAsync($"/api/v1/review/{third.Id}/decision", new { decision = "agree" }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "rehab_days_exceeded");
        Assert.Equal(RequestStatus.Pending, (await RequestAsync<RehabilitationAuthorisationDto>(Rehab1, $"{RehabUrl}/{third.Id}")).Status);
    }

    [Fact]
    public async Task Lif07_a_colpach_request_waits_for_its_reasoned_request_then_is_agreed_with_its_voucher()
    {
        var pending = await Client(Rehab1).RehabAsync(Colpach(), withRequiredDocument: false);
        Assert.Equal(RequestStatus.Pending, pending.Status);
        Assert.Equal(["DOCUMENT_MISSING"], pending.Codes());
        Assert.Equal("reasoned_request", pending.Reasons[0].Detail);
        Assert.Null(pending.DecisionDueBy);
        Assert.Null(pending.Voucher);
        var url = $"{RehabUrl}/{pending.Id}";

        // Waiting for the provider, not for a reviewer: not in the queue, and a reviewer cannot agree it without the document.
        Assert.DoesNotContain(pending.Id, (await Client(Reviewer).ReviewQueueAsync()).Items.Select(i => i.Id));
        await (await Client(Reviewer).PostJsonAsync($"/api/v1/review/{pending.Id}/decision", new { decision = "agree" }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "document_missing");

        var report = V.Pdf("reasoned request");
        var attachment = await AttachedAsync(AttachAsync(Client(Rehab1), url, report, fileName: "reasoned-request.pdf"));
        Assert.Equal((DocumentPurpose.ReasonedRequest, "application/pdf", "reasoned-request.pdf", (long)report.Length),
            (attachment.Purpose, attachment.ContentType, attachment.FileName, attachment.SizeBytes));

        var agreed = await RequestAsync<RehabilitationAuthorisationDto>(Rehab1, url);
        Assert.Equal(RequestStatus.Agreed, agreed.Status);
        Assert.Empty(agreed.Codes());
        Assert.True(IsVoucher(agreed.Voucher!.Number, Domain.Vouchers.VoucherKind.Rehabilitation));
        Assert.Equal(["submitted", "pending", "document_received", "agreed"],
            agreed.History.Select(h => h.Action));

        // Decided: no more documents.
        await (await AttachAsync(Client(Rehab1), url, V.Pdf())).ExpectProblemAsync(HttpStatusCode.Conflict, "request_already_decided");
    }

    [Fact]
    public async Task Lif07_another_document_does_not_release_the_request_and_a_refusal_needs_no_document()
    {
        var pending = await Client(Rehab1).RehabAsync(Colpach(), withRequiredDocument: false);
        var url = $"{RehabUrl}/{pending.Id}";
        await (await AttachAsync(Client(Rehab1), url, V.Pdf(), "other")).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(["DOCUMENT_MISSING"], (await RequestAsync<RehabilitationAuthorisationDto>(Rehab1, url)).Codes());

        var refused = await Client(Rehab1).RehabAsync(Rehab("SNRP_STAT", start: Today.AddDays(7), days: 3));
        Assert.Equal(RequestStatus.Refused, refused.Status);
        Assert.DoesNotContain("DOCUMENT_MISSING", refused.Codes());
    }

    [Fact]
    public async Task Lif07_geriatric_ambulatory_with_its_medical_report_goes_on_to_the_reviewer_who_checks_the_declared_stay()
    {
        var pending = await Client(Rehab1).RehabAsync(Rehab("GER_AMB", start: new DateOnly(2026, 12, 1), end: new DateOnly(2027, 1, 31),
            declared: [new DeclaredStayInput(new DateOnly(2026, 9, 1), new DateOnly(2026, 9, 10), null, "Discharge letter 2026/4711")]),
            withRequiredDocument: false);
        Assert.Equal(["DECLARED_STAY_TO_VERIFY", "DOCUMENT_MISSING"], pending.Codes().Order(StringComparer.Ordinal));
        Assert.Null(pending.DecisionDueBy);
        var url = $"{RehabUrl}/{pending.Id}";

        await (await AttachAsync(Client(Rehab1), url, V.Pdf("report"), "medical_report")).ExpectAsync(HttpStatusCode.Created);
        var waiting = await RequestAsync<RehabilitationAuthorisationDto>(Rehab1, url);
        Assert.Equal(RequestStatus.Pending, waiting.Status);
        Assert.Equal(["DECLARED_STAY_TO_VERIFY"], waiting.Codes());
        Assert.NotNull(waiting.DecisionDueBy);
        Assert.Contains(pending.Id, (await Client(Reviewer).ReviewQueueAsync()).Items.Select(i => i.Id));

        var agreed = await Client(Reviewer).ReviewAsync(pending.Id, new { decision = "agree" });
        Assert.Equal(RequestStatus.Agreed, agreed.Status);
    }

    [Fact]
    public async Task Lif07_a_cure_abroad_waits_for_the_doctor_s_reasoned_s2_form()
    {
        var pending = await Client(Thermal1).CureAsync(Cure("T200", start: Today.AddDays(30), country: "DE", notAvailableHere: true), withRequiredDocument: false);
        Assert.Equal(RequestStatus.Pending, pending.Status);
        Assert.Equal(["DOCUMENT_MISSING", "S2_AUTHORISATION"], pending.Codes().Order(StringComparer.Ordinal));
        var url = $"{CureUrl}/{pending.Id}";

        await (await AttachAsync(Client(Thermal1), url, V.Pdf("S2 form"), "s2_reasoned_form")).ExpectAsync(HttpStatusCode.Created);
        var agreed = await RequestAsync<CureAuthorisationDto>(Thermal1, url);
        Assert.Equal(RequestStatus.Agreed, agreed.Status);
        Assert.Equal(["S2_AUTHORISATION"], agreed.Codes());
        Assert.True(agreed.Authorisation!.S2);
        // Decided on the document's arrival: its decided event, like a decision on receipt or a reviewer's.
        var events = await (await Client(Thermal1).GetAsync("/api/v1/events?limit=200&types=cure_authorisation.decided"))
            .ExpectAsync<Application.Features.Events.EventPage>(HttpStatusCode.OK);
        var decided = Assert.Single(events.Items, e => e.Resource.Id == pending.Id);
        Assert.Equal(("agreed", agreed.Voucher!.Number, "cns:automatic"),
            (decided.Data.GetProperty("status").GetString(), decided.Data.GetProperty("voucherNumber").GetString(), decided.Data.GetProperty("decidedBy").GetString()));

        // In Luxembourg no document is needed.
        Assert.Equal(Domain.Requests.RequestStatus.Agreed, (await Client(Thermal1).CureAsync(Cure("T192", start: Today.AddDays(30),
            clinical: new Domain.Cures.CureClinicalData(Bmi: 36m)))).Status);
    }

    [Fact]
    public async Task Lif07_a_cure_abroad_asked_about_by_a_reviewer_takes_its_s2_form_and_the_answer_then_goes_to_the_reviewer()
    {
        var pending = await Client(Thermal1).CureAsync(Cure("T200", start: Today.AddDays(30), country: "DE", notAvailableHere: true), withRequiredDocument: false);
        var url = $"{CureUrl}/{pending.Id}";
        await Client(Reviewer).ReviewAsync(pending.Id, new { decision = "request_information", question = "Why can this cure not be given in Luxembourg?" });

        // The form arrives while the question is open: DOCUMENT_MISSING is resolved, and the request still waits for the answer.
        await AttachedAsync(AttachAsync(Client(Thermal1), url, V.Pdf("S2 form"), "s2_reasoned_form"));
        var asked = await RequestAsync<CureAuthorisationDto>(Thermal1, url);
        Assert.Equal((RequestStatus.InformationRequested, null), (asked.Status, asked.DecisionDueBy));
        Assert.DoesNotContain("DOCUMENT_MISSING", asked.Codes());

        var answered = await (await Client(Thermal1).PostJsonAsync($"{url}/information", new { answer = "The treatment needs a spa with radon water." }))
            .ExpectAsync<CureAuthorisationDto>(HttpStatusCode.OK);
        Assert.Equal(RequestStatus.Pending, answered.Status);
        Assert.NotNull(answered.DecisionDueBy);
        Assert.Contains((await Client(Reviewer).ReviewQueueAsync()).Items, i => i.Id == pending.Id);

        // The reviewer decides it, and may grant fewer than the 24 sessions of a back cure (seed 003: "un cycle de 24 séances").
        await (await Client(Reviewer).PostJsonAsync($"/api/v1/review/{pending.Id}/decision", new { decision = "agree", sessions = 25 }))
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "sessions_above_grant");
        await Client(Reviewer).ReviewAsync(pending.Id, new { decision = "agree", sessions = 20 });
        var agreed = await RequestAsync<CureAuthorisationDto>(Thermal1, url);
        Assert.Equal((RequestStatus.Agreed, 20), (agreed.Status, agreed.Authorisation!.Sessions));
        Assert.Contains("SESSIONS_REDUCED_BY_REVIEWER", agreed.Codes());
    }

    [Fact]
    public async Task A_cure_request_without_decision_is_withdrawn_by_its_centre_and_a_decided_one_is_not()
    {
        var pending = await Client(Thermal1).CureAsync(Cure("T200", start: Today.AddDays(30), country: "DE", notAvailableHere: true), withRequiredDocument: false);
        var cancelled = await (await Client(Thermal1).PostJsonAsync($"{CureUrl}/{pending.Id}/cancel", new { note = "The patient chose a cure at home." }))
            .ExpectAsync<CureAuthorisationDto>(HttpStatusCode.OK);
        Assert.Equal(RequestStatus.Cancelled, cancelled.Status);
        Assert.Null(cancelled.Voucher);
        await (await Client(Thermal1).PostJsonAsync($"{CureUrl}/{pending.Id}/cancel", new { })).ExpectProblemAsync(HttpStatusCode.Conflict, "request_already_decided");
        await (await Client(Thermal1).PostJsonAsync($"{CureUrl}/{pending.Id}/information", new { answer = "x" })).ExpectProblemAsync(HttpStatusCode.Conflict, "no_information_requested");
    }

    [Fact]
    public async Task Attachments_of_a_validation_request_are_listed_and_downloaded_by_its_provider_and_staff_only()
    {
        var decision = await V.DecideAsync(Client(Physio1), V.Rx(V.DependencyPlan));
        Assert.Equal(RequestStatus.Pending, decision.Status);
        var url = $"{V.Url}/{decision.Id}";
        var png = new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3 };
        var created = await AttachAsync(Client(Physio1), url, png, fileName: "care-plan.png", contentType: "application/octet-stream");
        var attachment = await created.ExpectAsync<AttachmentDto>(HttpStatusCode.Created);
        Assert.Equal((DocumentPurpose.Other, "image/png"), (attachment.Purpose, attachment.ContentType));
        Assert.Equal(attachment.Url, created.Headers.Location?.ToString());
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(png)), attachment.Sha256);

        foreach (var key in new[] { Physio1, Reviewer, Admin })
        {
            Assert.Equal([attachment.Id], (await ListAsync(key, url)).Select(a => a.Id));
            var file = await Client(key).GetAsync(attachment.Url);
            Assert.Equal(HttpStatusCode.OK, file.StatusCode);
            Assert.Equal("image/png", file.Content.Headers.ContentType?.MediaType);
            Assert.Equal(png, await file.Content.ReadAsByteArrayAsync());
        }

        // Another provider: the request, its documents and its uploads do not exist.
        await (await Client(Physio2).GetAsync($"{url}/attachments")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await Client(Physio2).GetAsync(attachment.Url)).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await AttachAsync(Client(Physio2), url, V.Pdf())).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await AttachAsync(Client(Rehab1), $"{RehabUrl}/{decision.Id}", V.Pdf())).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await Client(Physio1).GetAsync($"{url}/attachments/{Guid.NewGuid()}")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        Assert.Single(await ListAsync(Physio1, url));
    }

    [Fact]
    public async Task Attachments_get_the_content_checks_and_size_limit_of_a_scan_and_nothing_is_stored_on_refusal()
    {
        var decision = await V.DecideAsync(Client(Physio1), V.Rx(V.DependencyPlan));
        var url = $"{V.Url}/{decision.Id}";
        await (await AttachAsync(Client(Physio1), url, "just text"u8.ToArray(), fileName: "x.pdf")).ExpectProblemAsync(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        await (await AttachAsync(Client(Physio1), url, [])).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        await (await AttachAsync(Client(Physio1), url, null, "other")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        var tooBig = new byte[10 * 1024 * 1024 + 1];
        "%PDF-"u8.CopyTo(tooBig);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await AttachAsync(Client(Physio1), url, tooBig)).StatusCode);
        await (await AttachAsync(Client(Physio1), url, V.Pdf(), "certificate")).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation_failed");
        Assert.Equal(0, await V.CountAsync(Api, "attachments"));
    }

    /// <summary>An owner takes at most <see cref="AttachmentStoreLimits.MaxPerOwner"/> documents; one more is 422 and stores nothing.</summary>
    [Fact]
    public async Task A_request_takes_twenty_documents_and_the_twenty_first_is_refused_and_not_stored()
    {
        var decision = await V.DecideAsync(Client(Physio1), V.Rx(V.DependencyPlan));
        var url = $"{V.Url}/{decision.Id}";
        for (var i = 0; i < AttachmentStoreLimits.MaxPerOwner; i++)
            await AttachedAsync(AttachAsync(Client(Physio1), url, V.Pdf($"document {i}"), fileName: $"document-{i}.pdf"));

        var problem = await (await AttachAsync(Client(Physio1), url, V.Pdf("one more"), fileName: "one-more.pdf"))
            .ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "too_many_attachments");
        Assert.Equal("At most 20 documents can be attached to one validation request.", problem["detail"]!.GetValue<string>());
        Assert.Equal(20, (await ListAsync(Physio1, url)).Count);
        Assert.Equal(20, await V.CountAsync(Api, "attachments"));
    }

    /// <summary>API.md: a POST that creates something takes an Idempotency-Key; an upload retried after a lost answer adds no second document.</summary>
    [Fact]
    public async Task An_upload_sent_again_with_its_idempotency_key_answers_the_first_and_stores_one_document()
    {
        var decision = await V.DecideAsync(Client(Physio1), V.Rx(V.DependencyPlan));
        var url = $"{V.Url}/{decision.Id}";
        Task<HttpResponseMessage> Upload(string text)
        {
            var form = new MultipartFormDataContent();
            var part = new ByteArrayContent(V.Pdf(text));
            part.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
            form.Add(part, "file", "plan.pdf");
            var request = new HttpRequestMessage(HttpMethod.Post, $"{url}/attachments") { Content = form };
            request.Headers.Add("Idempotency-Key", "upload-plan-1");
            return Client(Physio1).SendAsync(request);
        }
        var first = await AttachedAsync(Upload("care plan"));
        var again = await Upload("care plan");
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(first.Id, (await again.ExpectAsync<AttachmentDto>(HttpStatusCode.Created)).Id);
        await (await Upload("another plan")).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        Assert.Single(await ListAsync(Physio1, url));
    }

    [Fact]
    public async Task A_document_sent_while_information_is_asked_goes_with_the_answer()
    {
        var decision = await V.DecideAsync(Client(Physio1), V.Rx(V.DependencyPlan));
        await Client(Reviewer).ReviewAsync(decision.Id, new { decision = "request_information", question = "Which days does the care plan cover?" });
        var url = $"{V.Url}/{decision.Id}";
        var attachment = await AttachedAsync(AttachAsync(Client(Physio1), url, V.Pdf("care plan")));
        Assert.Equal(DocumentPurpose.InformationAnswer, attachment.Purpose);
        await (await Client(Physio1).PostJsonAsync($"{url}/information", new { answer = "Mondays and Thursdays, see the attached plan." })).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(RequestStatus.Pending, (await RequestAsync<ValidationRequestDto>(Physio1, url)).Status);
    }

    [Fact]
    public async Task A_contestation_takes_an_optional_document_seen_by_its_provider_and_the_reviewer()
    {
        var voucher = await VoucherSeed.CreateAsync(Api, new VoucherSeed.Options { Sessions = 1 });
        var memoir = await BillingApi.SubmitAsync(Client(Physio1), BillingApi.Memoir("ATT-1", BillingApi.Line(voucher, "2026-11-10"), BillingApi.Line(voucher, "2026-11-12")));
        var contestation = await BillingApi.ContestLineAsync(Client(Physio1), memoir.Id, 2, new { code = "SESSIONS_EXHAUSTED", text = "Session given and documented." });
        var url = $"/api/v1/contestations/{contestation.Id}";

        var attachment = await AttachedAsync(AttachAsync(Client(Physio1), url, V.Pdf("session sheet")));
        Assert.Equal(DocumentPurpose.Other, attachment.Purpose);
        Assert.Single(await ListAsync(Reviewer, url));
        await (await Client(Physio2).GetAsync($"{url}/attachments")).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");
        await (await AttachAsync(Client(Physio2), url, V.Pdf())).ExpectProblemAsync(HttpStatusCode.NotFound, "not_found");

        await BillingApi.DecideContestationAsync(Client(Reviewer), contestation.Id, new { decision = "uphold" });
        await (await AttachAsync(Client(Physio1), url, V.Pdf())).ExpectProblemAsync(HttpStatusCode.Conflict, "contestation_already_decided");
    }
}
