using System.Globalization;
using System.Text;
using System.Xml.Linq;
using CnsExchange.Client;
using CnsExchange.Client.Models;
using CnsExchange.Domain.Calendar;
using CnsExchange.IntegrationTests.Support;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;

namespace CnsExchange.ClientTests;

/// <summary>
/// The README's first exchange through the client Kiota generates from openapi/cnsexchange.json at build time, used
/// as generated: validation with a scan, voucher, fee memoir, CSV billing file, clock advance, payment run, return file
/// (JSON and CSV) and pain.001 as bytes.
/// </summary>
public sealed class FirstExchangeThroughGeneratedClientTests(ApiFactory api) : ApiTest(api)
{
    private const string Matricule = "1983081246785";

    /// <summary>The key goes in a default header of the HttpClient: Kiota's API-key provider only sends it over https.</summary>
    private CnsClient ClientAs(string key)
    {
        var http = Client(key);
        var adapter = new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: http)
        {
            BaseUrl = http.BaseAddress!.ToString().TrimEnd('/'),
        };
        return new CnsClient(adapter);
    }

    private static DateOnly Today(DateTimeOffset now) => LuxembourgCalendar.LocalDate(now);

    private static Date ToDate(DateOnly d) => new(d.Year, d.Month, d.Day);

    [Fact]
    public async Task First_exchange_runs_through_the_unmodified_generated_client()
    {
        var physio = ClientAs(Physio1);
        var admin = ClientAs(Admin);
        var today = Today(Api.Clock.GetUtcNow());

        // 1. Validation: a typed JSON `request` part and the scan as a file part.
        var input = new ValidationRequestInput
        {
            Matricule = Matricule,
            Doctor = new ValidationRequestInput_doctor { Code = "90000001" },
            PrescriptionDate = ToDate(today.AddDays(-3)),
            PrescriptionLanguage = "fr",
            Category = ValidationRequestInput_category.Common,
            ActCode = "ZK11",
            Sessions = 6,
            Frequency = "2 sessions per week",
            Diagnosis = "Low back pain",
            HomeVisitMedicallyNecessary = false,
            CareCountry = "LU",
        };
        var body = new MultipartBody();
        body.AddOrReplacePart("request", "application/json", input);
        body.AddOrReplacePart("scan", "application/pdf", Encoding.ASCII.GetBytes("%PDF-1.4\n% client test\n%%EOF\n"), "rx.pdf");
        var decision = await physio.Api.V1.ValidationRequests.PostAsync(body);
        Assert.Equal(RequestStatus.Agreed, decision!.Status);
        var voucherNumber = decision.Voucher!.Number!;
        Assert.StartsWith("K", voucherNumber);

        // 2. The voucher, and the stored scan as bytes.
        var voucher = await physio.Api.V1.Vouchers[voucherNumber].GetAsync();
        Assert.Equal(Matricule, voucher!.Matricule);
        await using (var scan = await physio.Api.V1.ValidationRequests[decision.Id!.Value].Scan.GetAsync())
            Assert.StartsWith("%PDF-1.4", await new StreamReader(scan!).ReadToEndAsync());

        // 3. A fee memoir: money as decimal.
        var memoir = await physio.Api.V1.FeeMemoirs.PostAsync(new FeeMemoirRequest
        {
            MemoirReference = "GEN-0001",
            Lines = [new FeeMemoirLineRequest { VoucherNumber = voucherNumber, Matricule = Matricule, SessionDate = ToDate(today), ActCode = "ZK11", Travel = false, ClaimedAmount = 36.80m }],
        });
        Assert.Equal(FeeMemoirStatus.Adjudicated, memoir!.Status);
        var fetched = await physio.Api.V1.FeeMemoirs[memoir.Id!.Value].GetAsync();
        Assert.Equal(memoir.Totals!.CnsAmount, fetched!.Totals!.CnsAmount);
        Assert.True(fetched.Totals.CnsAmount > 0m);

        // 4. The next day, a CSV billing file: the stream goes with its content type.
        await admin.Api.V1.Admin.Clock.PutAsync(new SetSandboxClock { AdvanceDays = 1 });
        var csv = "memoirReference,voucherNumber,matricule,sessionDate,actCode,travel,claimedAmount\n" +
                  $"GEN-0002,{voucherNumber},{Matricule},{today.AddDays(1):yyyy-MM-dd},ZK11,false,36.80\n";
        var accepted = await physio.Api.V1.BillingFiles.PostAsync(new MemoryStream(Encoding.UTF8.GetBytes(csv)), "text/csv");
        Assert.Equal(BillingFileFormat.Csv, accepted!.Format);
        var file = await Eventually.PollAsync(() => physio.Api.V1.BillingFiles[accepted.Id!.Value].GetAsync()!,
            f => f!.Status is BillingFileStatus.Processed or BillingFileStatus.Rejected);
        Assert.Equal(BillingFileStatus.Processed, file!.Status);
        Assert.Equal(1, file.Counts!.Memoirs);

        // 5. The clock passes the weekly payment slot (Monday 03:00): the run pays both memoirs.
        var slot = LuxembourgCalendar.AtLocal(new DateOnly(2026, 11, 30), new TimeOnly(3, 0)).ToUniversalTime();
        await admin.Api.V1.Admin.Clock.PutAsync(new SetSandboxClock { Now = slot });
        var runs = await admin.Api.V1.PaymentRuns.GetAsync();
        var runId = Assert.Single(runs!.Items!).Id!.Value;
        var run = await Eventually.PollAsync(() => admin.Api.V1.PaymentRuns[runId].GetAsync()!, r => r!.Status == PaymentRunStatus.Closed);
        Assert.Equal(PaymentRunStatus.Closed, run!.Status);
        var returnFile = Assert.Single(run.ReturnFiles!, f => f.ProviderCode == "PHY0001");

        // 6. The return file as JSON and CSV (Accept chosen per request), and the pain.001 as bytes.
        var json = await ReadAllAsync(await physio.Api.V1.ReturnFiles[returnFile.Id!.Value].GetAsync(c => c.Headers.Add("Accept", "application/json")));
        Assert.Contains(run.RunNumber!, Encoding.UTF8.GetString(json));
        var csvBytes = await ReadAllAsync(await physio.Api.V1.ReturnFiles[returnFile.Id.Value].GetAsync(c => c.Headers.Add("Accept", "text/csv")));
        Assert.StartsWith("recordType,", Encoding.UTF8.GetString(csvBytes));
        var pain = await ReadAllAsync(await admin.Api.V1.PaymentRuns[runId].Sepa.GetAsync());
        var doc = XDocument.Parse(Encoding.UTF8.GetString(pain));
        Assert.Equal("pain.001.001.09", doc.Root!.Name.Namespace.NamespaceName.Split(':')[^1]);
        var controlSum = doc.Descendants().Single(e => e.Name.LocalName == "GrpHdr").Elements().Single(e => e.Name.LocalName == "CtrlSum").Value;
        Assert.Equal(run.TotalAmount!.Value.ToString("0.00", CultureInfo.InvariantCulture), controlSum);
    }

    [Fact]
    public async Task A_problem_comes_back_as_the_generated_problem_type_with_code_and_trace_id()
    {
        var physio = ClientAs(Physio1);
        var error = await Assert.ThrowsAsync<ProblemDetails>(() => physio.Api.V1.FeeMemoirs[Guid.NewGuid()].GetAsync());
        Assert.Equal(404, error.Status);
        Assert.Equal("not_found", error.Code);
        Assert.False(string.IsNullOrEmpty(error.TraceId));
    }

    private static async Task<byte[]> ReadAllAsync(Stream? stream)
    {
        Assert.NotNull(stream);
        await using (stream)
        {
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            return copy.ToArray();
        }
    }
}

/// <summary>xUnit finds collection fixtures in the test assembly only: the integration tests' collection, declared here.</summary>
[CollectionDefinition(ApiCollection.Name)]
public sealed class ClientApiCollection : ICollectionFixture<ApiFactory>;
