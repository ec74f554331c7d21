using System.Net;
using CnsExchange.Application.Common;
using CnsExchange.Application.Features.Billing;
using CnsExchange.Application.Features.Cures;
using CnsExchange.Application.Features.Rehabilitation;
using CnsExchange.Application.Features.Vouchers;
using CnsExchange.Domain.Billing;
using CnsExchange.Domain.Cures;
using CnsExchange.Domain.Vouchers;
using CnsExchange.IntegrationTests.Support;

namespace CnsExchange.IntegrationTests.CareAuthorisations;

/// <summary>Builds cure and rehabilitation requests like a centre's software would send them.</summary>
public static class CareTestSupport
{
    public const string CureUrl = "/api/v1/cure-authorisations";
    public const string RehabUrl = "/api/v1/rehabilitation-authorisations";

    /// <summary>Monday 23 November 2026, the tests' first day.</summary>
    public static readonly DateOnly Today = new(2026, 11, 23);

    public const string Adult = "1983081246785";          // woman, lives in Luxembourg City
    public const string MondorfResident = "1965072021704"; // woman, lives in Mondorf-les-Bains
    public const string CrossBorderFr = "1971110258749";   // man, cross-border worker resident in FR
    public const string NotAffiliated = "1893120105732";   // affiliation ended 2026-10-31
    public const string CentreDoctor = "90000002";

    public static CureAuthorisationInput Cure(string kind = "T200", string matricule = Adult, DateOnly? start = null, CureClinicalData? clinical = null,
        string country = "LU", bool notAvailableHere = false, int? maintenancePerMonth = null) =>
        new(matricule, CentreDoctor, kind, start ?? Today.AddDays(14), country, notAvailableHere, maintenancePerMonth, clinical ?? CureClinicalData.None);

    public static RehabilitationAuthorisationInput Rehab(string kind, string matricule = Adult, DateOnly? start = null, DateOnly? end = null, int? days = null,
        List<DeclaredStayInput>? declared = null, bool differentPathology = false, bool? stable = null, bool? limitations = null, DateOnly? acuteTherapyEnd = null) =>
        new(matricule, kind == "CNRFR" ? null : "90000004", kind, start ?? Today, end, days, declared, differentPathology,
            stable ?? (kind.StartsWith("SNRP", StringComparison.Ordinal) ? true : null),
            limitations ?? (kind.StartsWith("SNRP", StringComparison.Ordinal) ? true : null), acuteTherapyEnd);

    public static Task<HttpResponseMessage> PostCureAsync(this HttpClient client, object input, string? idempotencyKey = null) =>
        client.SendJsonAsync(CureUrl, input, idempotencyKey);

    public static Task<HttpResponseMessage> PostRehabAsync(this HttpClient client, object input, string? idempotencyKey = null) =>
        client.SendJsonAsync(RehabUrl, input, idempotencyKey);

    public static Task<HttpResponseMessage> SendJsonAsync(this HttpClient client, string url, object body, string? idempotencyKey = null)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = System.Net.Http.Json.JsonContent.Create(body, body.GetType(), options: HttpAssertions.Json) };
        if (idempotencyKey is not null) message.Headers.Add("Idempotency-Key", idempotencyKey);
        return client.SendAsync(message);
    }

    /// <summary>
    /// Posts and expects 201 with a Location pointing at the stored request. A request held <c>DOCUMENT_MISSING</c> (LIF-07)
    /// gets its required document at once, as a centre sends it, unless <paramref name="withRequiredDocument"/> is false:
    /// the answer is then the request as it stands after the document.
    /// </summary>
    public static async Task<CureAuthorisationDto> CureAsync(this HttpClient client, CureAuthorisationInput input, bool withRequiredDocument = true)
    {
        var response = await client.PostCureAsync(input);
        var body = await response.ExpectAsync<CureAuthorisationDto>(HttpStatusCode.Created);
        Assert.Equal($"{CureUrl}/{body.Id}", response.Headers.Location?.ToString());
        return withRequiredDocument ? await client.WithRequiredDocumentAsync(CureUrl, body, body.Id, body.Reasons) : body;
    }

    public static async Task<RehabilitationAuthorisationDto> RehabAsync(this HttpClient client, RehabilitationAuthorisationInput input, bool withRequiredDocument = true)
    {
        var response = await client.PostRehabAsync(input);
        var body = await response.ExpectAsync<RehabilitationAuthorisationDto>(HttpStatusCode.Created);
        Assert.Equal($"{RehabUrl}/{body.Id}", response.Headers.Location?.ToString());
        return withRequiredDocument ? await client.WithRequiredDocumentAsync(RehabUrl, body, body.Id, body.Reasons) : body;
    }

    /// <summary>Attaches the document a request waits for (the detail of its DOCUMENT_MISSING reason) and reads the request again.</summary>
    public static Task<RehabilitationAuthorisationDto> WithRequiredDocumentAsync(this HttpClient client, string kindUrl, RehabilitationAuthorisationDto decision) =>
        client.WithRequiredDocumentAsync(kindUrl, decision, decision.Id, decision.Reasons);

    private static async Task<T> WithRequiredDocumentAsync<T>(this HttpClient client, string kindUrl, T decision, Guid id, IReadOnlyList<ReasonDto> reasons)
    {
        var missing = reasons.FirstOrDefault(r => r.Code == "DOCUMENT_MISSING");
        if (missing is null) return decision;
        var url = $"{kindUrl}/{id}";
        await (await Lifecycle.AttachmentTests.AttachAsync(client, url, Validation.ValidationTestSupport.Pdf(), missing.Detail!))
            .ExpectAsync(HttpStatusCode.Created);
        return await (await client.GetAsync(url)).ExpectAsync<T>(HttpStatusCode.OK);
    }

    public static IReadOnlyList<string> Codes(this CureAuthorisationDto decision) => decision.Reasons.Select(r => r.Code).ToList();

    public static IReadOnlyList<string> Codes(this RehabilitationAuthorisationDto decision) => decision.Reasons.Select(r => r.Code).ToList();

    public static VoucherServiceDto Service(this CureAuthorisationDto decision) => decision.Voucher!.Services.Single();

    public static VoucherServiceDto Service(this RehabilitationAuthorisationDto decision) => decision.Voucher!.Services.Single();

    /// <summary>A date as the wire writes it, to compare with the tests' literal dates.</summary>
    public static string Iso(this DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public static string? Iso(this DateOnly? date) => date?.Iso();

    /// <summary><paramref name="count"/> session dates: consecutive days from <paramref name="first"/>, the last one on <paramref name="last"/>.</summary>
    public static IReadOnlyList<DateOnly> Sessions(DateOnly first, DateOnly last, int count) =>
        [.. Enumerable.Range(0, count - 1).Select(first.AddDays), last];

    /// <summary>
    /// The centre bills sessions given on a voucher with a fee memoir (POST /fee-memoirs): the paid lines are the
    /// sessions the cure history reads. Every line must be paid.
    /// </summary>
    public static async Task BillSessionsAsync(this HttpClient centre, CureAuthorisationDto decision, IEnumerable<DateOnly> dates)
    {
        var voucher = decision.Voucher!;
        var lines = dates.Select(d => new
        {
            voucherNumber = voucher.Number, matricule = voucher.Matricule,
            sessionDate = d.ToString("yyyy-MM-dd"), actCode = voucher.Services[0].ActCode, travel = false, claimedAmount = 10.00m,
        }).ToList();
        var memoir = await (await centre.PostJsonAsync("/api/v1/fee-memoirs", new { memoirReference = "M-" + Guid.NewGuid().ToString("N")[..12], lines }))
            .ExpectAsync<FeeMemoirDto>(HttpStatusCode.Created);
        Assert.True(memoir.Lines.All(l => l.Outcome is LineOutcome.Accepted or LineOutcome.Reduced), string.Join(", ", memoir.Lines.Select(l => l.Outcome)));
        Assert.Equal(lines.Count, memoir.Lines.Count);
    }

    /// <summary>Moves the sandbox clock forward to 09:00 Luxembourg time on <paramref name="date"/>.</summary>
    public static void MoveTo(this ApiFactory api, DateOnly date)
    {
        var now = api.SandboxNow();
        var target = Domain.Calendar.LuxembourgCalendar.AtLocal(date, new TimeOnly(9, 0));
        Assert.True(target >= now, $"The clock only moves forward ({target:O} < {now:O}).");
        api.Clock.Advance(target - now);
    }

    public static bool IsVoucher(string number, VoucherKind kind) =>
        Domain.Vouchers.VoucherNumber.IsWellFormed(number) && number.StartsWith(Domain.Vouchers.VoucherNumber.Prefix(kind), StringComparison.Ordinal);
}
