using System.Globalization;
using System.Text;

namespace CnsExchange.Bench;

/// <summary>
/// Writes valid billing files (docs/billing-files.md) over seeded vouchers: one memoir per voucher, one line per
/// granted session, in CSV or XML (one &lt;line&gt; per physical line, as billing systems write them).
/// </summary>
public static class BillingFileWriter
{
    public const string CsvHeader = "memoirReference,voucherNumber,matricule,sessionDate,actCode,travel,claimedAmount";

    public sealed record Line(string Reference, string Voucher, string Matricule, string Date)
    {
        public string Act { get; init; } = BillingSeed.ActCode;
        public string Amount { get; init; } = "36.80";
    }

    public static IEnumerable<Line> Lines(BillingSeed seed, BillingSeed.Block block, int lines, string referencePrefix)
    {
        var dates = seed.SessionDates.Select(d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).ToArray();
        for (var n = 0; n < lines; n++)
        {
            var v = n / BillingSeed.SessionsPerVoucher;
            yield return new Line($"{referencePrefix}-{v:0000000}", block.VoucherNumber(v), block.Matricule(v), dates[n % BillingSeed.SessionsPerVoucher]);
        }
    }

    /// <summary>
    /// The lines with the outcomes a real file has: 5 % claim more than the tariff (reduced to it, BIL-10) and 4 % bill an
    /// act the voucher does not cover (refused, BIL-05); the rest is accepted. Payment runs list the reduced and refused
    /// lines in the return files.
    /// </summary>
    public static IEnumerable<Line> WithMixedOutcomes(IEnumerable<Line> lines)
    {
        var n = 0;
        foreach (var line in lines)
        {
            yield return (n++ % 100) switch
            {
                3 or 23 or 43 or 63 or 83 => line with { Amount = "40.00" },
                7 or 32 or 57 or 82 => line with { Act = "ZKX9", Amount = "20.00" },
                _ => line,
            };
        }
    }

    public static int VouchersFor(int lines) => (lines + BillingSeed.SessionsPerVoucher - 1) / BillingSeed.SessionsPerVoucher;

    public static async Task<long> WriteCsvAsync(string path, IEnumerable<Line> lines)
    {
        await using (var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20))
        {
            await writer.WriteAsync(CsvHeader + "\n");
            foreach (var l in lines)
                await writer.WriteAsync($"{l.Reference},{l.Voucher},{l.Matricule},{l.Date},{l.Act},false,{l.Amount}\n");
        }
        return new FileInfo(path).Length;
    }

    public static async Task<long> WriteXmlAsync(string path, IEnumerable<Line> lines)
    {
        await using (var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20))
        {
            await writer.WriteAsync("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<billingFile xmlns=\"urn:cns-exchange:billing-file:1\" providerCode=\"PHY0001\">\n");
            string? memoir = null;
            foreach (var l in lines)
            {
                if (l.Reference != memoir)
                {
                    if (memoir is not null) await writer.WriteAsync("</memoir>\n");
                    await writer.WriteAsync($"<memoir reference=\"{l.Reference}\">\n");
                    memoir = l.Reference;
                }
                await writer.WriteAsync($"<line><voucherNumber>{l.Voucher}</voucherNumber><matricule>{l.Matricule}</matricule><sessionDate>{l.Date}</sessionDate><actCode>{l.Act}</actCode><claimedAmount>{l.Amount}</claimedAmount></line>\n");
            }
            if (memoir is not null) await writer.WriteAsync("</memoir>\n");
            await writer.WriteAsync("</billingFile>\n");
        }
        return new FileInfo(path).Length;
    }
}
