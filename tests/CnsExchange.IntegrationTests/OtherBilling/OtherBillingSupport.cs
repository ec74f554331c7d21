using System.Net;
using CnsExchange.Application.Features.Billing;
using CnsExchange.Infrastructure.Persistence;
using CnsExchange.IntegrationTests.Support;
using Microsoft.EntityFrameworkCore;

namespace CnsExchange.IntegrationTests.OtherBilling;

/// <summary>Memoir lines for cures, rehabilitation days and doctors' fees in a hospital stay, and what payment runs will read.</summary>
internal static class OtherBillingSupport
{
    public static object VoucherLine(string voucher, string matricule, DateOnly date, string act, decimal claimed) =>
        new { voucherNumber = voucher, matricule, sessionDate = date.ToString("yyyy-MM-dd"), actCode = act, travel = false, claimedAmount = claimed };

    public static object FeeLine(string stayId, string matricule, string date, string act, decimal claimed, decimal? surcharge = null) =>
        new { hospitalStayId = stayId, matricule, sessionDate = date, actCode = act, claimedAmount = claimed, singleRoomSurcharge = surcharge };

    public static async Task<FeeMemoirDto> BillAsync(this HttpClient client, string reference, IEnumerable<object> lines) =>
        await (await client.PostJsonAsync("/api/v1/fee-memoirs", new { memoirReference = reference, lines = lines.ToList() })).ExpectAsync<FeeMemoirDto>(HttpStatusCode.Created);

    public static FeeMemoirLineDto Line(this FeeMemoirDto memoir, int number) => memoir.Lines.Single(l => l.LineNumber == number);

    public static IReadOnlyList<string> ReasonCodes(this FeeMemoirLineDto line) => line.Reasons.Select(r => r.Code).ToList();

    public static IEnumerable<DateOnly> Days(DateOnly first, int count) => Enumerable.Range(0, count).Select(first.AddDays);

    /// <summary>
    /// What the next payment run takes (PAY-03): the memoir's lines, still unsettled, of an adjudicated memoir; the run pays
    /// <c>payable_amount</c> and its return file lists every line not paid in full with its reasons.
    /// </summary>
    public static Task<(string Status, int Unsettled, decimal Payable)> PaymentRunViewAsync(this ApiFactory api, string memoirId) => api.WithScopeAsync(async sp =>
    {
        var db = sp.GetRequiredService<AppDbContext>();
        var id = Guid.Parse(memoirId);
        var memoir = await db.Set<Domain.Billing.FeeMemoir>().AsNoTracking().SingleAsync(m => m.Id == id);
        var lines = await db.Set<Domain.Billing.FeeMemoirLine>().AsNoTracking().Where(l => l.MemoirId == id && l.PaymentRunId == null).ToListAsync();
        return (memoir.Status.ToString(), lines.Count, lines.Sum(l => l.PayableAmount));
    });
}
