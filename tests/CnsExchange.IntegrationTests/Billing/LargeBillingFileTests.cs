using System.Diagnostics;
using System.Net;
using System.Text;
using CnsExchange.Application.Features.Billing;
using CnsExchange.Domain.Billing;
using CnsExchange.Infrastructure.Persistence;
using CnsExchange.IntegrationTests.Support;
using Microsoft.EntityFrameworkCore;
using static CnsExchange.IntegrationTests.Billing.BillingApi;

namespace CnsExchange.IntegrationTests.Billing;

/// <summary>Billing files of 100 MB stream through upload, storage and validation with bounded memory.</summary>
public sealed class LargeBillingFileTests(ApiFactory api) : ApiTest(api)
{
    private const long TargetBytes = 100L * 1000 * 1000;

    /// <summary>A CSV generated while it is sent: the test holds no copy of it either.</summary>
    private sealed class GeneratedCsv(string voucher, long targetBytes) : HttpContent
    {
        public int LastLine { get; private set; }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await using var writer = new StreamWriter(stream, new UTF8Encoding(false), 64 * 1024, leaveOpen: true);
            await writer.WriteAsync("memoirReference,voucherNumber,matricule,sessionDate,actCode,travel,claimedAmount\n");
            long written = 80;
            var line = 1;
            // Every line is valid but the last one: the whole file is staged (bulk copy) before the file is rejected.
            while (written < targetBytes)
            {
                var row = $"BIG-{line / 4:0000000},{voucher},{Adult},2026-11-{10 + line % 10:00},ZK11,false,36.80\n";
                await writer.WriteAsync(row);
                written += row.Length;
                line++;
            }
            await writer.WriteAsync($"BIG-LAST,{voucher},{Adult},2026-11-10,ZK11,false,36.8.0\n");
            LastLine = line + 1;
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }

    [Fact]
    public async Task A_100_MB_file_streams_through_upload_and_validation_with_bounded_memory()
    {
        var voucher = await VoucherSeed.CreateAsync(Api);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        long peak = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            // Live objects only (a full collection per sample): the heap's uncollected garbage depends on the GC's budget,
            // which grows with the machine's load and the tests running beside this one. A file held whole (100 MB and
            // more for seconds) is live in every sample taken while it is processed.
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true));
                await Task.Delay(100);
            }
        });

        var watch = Stopwatch.StartNew();
        var content = new GeneratedCsv(voucher, TargetBytes);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
        var response = await Client(Physio1).PostAsync("/api/v1/billing-files", content);
        var accepted = await response.ExpectAsync<BillingFileDto>(HttpStatusCode.Accepted);
        Assert.True(accepted.SizeBytes >= TargetBytes);
        var file = await WaitForFileAsync(Client(Physio1), accepted.Id, TimeSpan.FromMinutes(3));
        watch.Stop();
        sampling.Cancel();
        await sampler;

        Assert.Equal(BillingFileStatus.Rejected, file.Status);
        var errors = file.Errors!.Select(e => (e.Line, e.Field)).ToList();
        Assert.Equal([(content.LastLine, "claimedAmount")], errors);
        Assert.Equal(0, await Api.WithScopeAsync(sp => sp.GetRequiredService<AppDbContext>().Set<FeeMemoir>().CountAsync()));

        var grownMb = (peak - baseline) / (1024.0 * 1024.0);
        Console.WriteLine($"100 MB billing file: {watch.Elapsed.TotalSeconds:F1} s, live managed heap grew by at most {grownMb:F0} MB");
        Assert.True(grownMb < 64, $"The live managed heap grew by {grownMb:F0} MB while a 100 MB file was processed.");
    }
}
