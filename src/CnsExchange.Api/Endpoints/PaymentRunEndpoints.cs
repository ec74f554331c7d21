using CnsExchange.Application.Features.PaymentRuns;
using CnsExchange.Application.Features.PaymentRuns.Files;
using CnsExchange.Domain.Payments;
using CnsExchange.Infrastructure.Payments.Files;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace CnsExchange.Api.Endpoints;

/// <summary>Payment runs, SEPA payment files, return files and their schemas (RULES.md §4).</summary>
public sealed class PaymentRunEndpoints : IEndpointGroup
{
    public const string ContentHashHeader = "X-Content-SHA256";

    public void Map(RouteGroupBuilder api)
    {
        api.MapPost("/admin/payment-runs", async (IMediator m, IPaymentRunQueue queue, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
                CancellationToken ct) =>
            {
                var run = await m.Send(new StartPaymentRun(idempotencyKey), ct);
                queue.Enqueue(run.Id); // a replay queues it again: executing a run is idempotent
                return Results.Accepted(PaymentRunHandlers.Location(run.Id), run);
            })
            .WithTags("Payment runs")
            .RequireAuthorization(Policies.Admin)
            .Produces<PaymentRunDto>(StatusCodes.Status202Accepted)
            .WithSummary("Start a payment run now (PAY-02): 202 + Location of the run; poll it until status is closed.")
            .WithDescription("The run takes every adjudicated, unpaid line of the memoirs received up to now (PAY-03), executes today " +
                             "(or the next working day) and goes through its steps in the background: claim_lines, build_orders, " +
                             "write_files, mark_paid. Scheduled runs need no call: the weekly run (Monday 02:00) and extra runs that " +
                             "keep memoirs from passing their due date are started by the scheduler, and by advancing the sandbox clock. " +
                             "With Idempotency-Key, a retried request answers the same run.");

        var runs = api.MapGroup("/payment-runs").WithTags("Payment runs");
        runs.MapGet("", (IMediator m, string? cursor, int? limit, string? status, DateOnly? from, DateOnly? to, CancellationToken ct) =>
                m.Send(new ListPaymentRuns(cursor, limit, BillingEndpoints.ParseEnum<PaymentRunStatus>(status, "status"), from, to), ct))
            .RequireAuthorization(Policies.ProviderOrStaff)
            .Produces<Page<PaymentRunSummaryDto>>()
            .WithSummary("Payment runs, newest first (`cursor`/`limit`; filter by `status` and execution date `from`/`to`). Staff: every run with its figures. "
                + "Providers: the runs they are in, with their own payment order.");

        runs.MapGet("/{id:guid}", (IMediator m, Guid id, CancellationToken ct) => m.Send(new GetPaymentRun(id), ct))
            .RequireAuthorization(Policies.ProviderOrStaff)
            .Produces<PaymentRunDto>().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("A payment run: status and steps, counts, total, payment orders, pain.001 and return files with their SHA-256 (staff). " +
                         "A provider sees only its own order and return file, and 404 for a run it is not in.");

        runs.MapGet("/{id:guid}/sepa", async (IMediator m, HttpContext http, Guid id, CancellationToken ct) =>
                FileResult(http, await m.Send(new GetPaymentRunSepaFile(id), ct)))
            .RequireAuthorization(Policies.Admin)
            .Produces(StatusCodes.Status200OK, null, "application/xml")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The ISO 20022 pain.001.001.09 credit-transfer file of the run (PAY-04), as stored; ETag and X-Content-SHA256 carry its SHA-256 "
                + "(If-None-Match with that ETag: 304, no body).")
            .WithDescription("Valid against GET /api/v1/schemas/pain.001.001.09.subset.xsd. 404 while the run has not written its files, " +
                             "or when it pays nothing (it then only reports refused lines).");

        runs.MapGet("/{id:guid}/funds/{fund}/sepa", async (IMediator m, HttpContext http, Guid id, string fund, CancellationToken ct) =>
                FileResult(http, await m.Send(new GetFundSepaFile(id, fund), ct)))
            .RequireAuthorization(Policies.Admin)
            .Produces(StatusCodes.Status200OK, null, "application/xml")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The pain.001.001.09 of what a competent fund (CNS, CMFEP, CMFEC, EMCFL) pays insured persons in the run (INS-05), as stored "
                + "(ETag: its SHA-256; If-None-Match with it: 304, no body).")
            .WithDescription("The fund is the debtor (its account in reference data, funds.json); one credit transfer per reimbursement claim to " +
                             "the insured's IBAN, end-to-end id = the claim id's 32 hex digits. Valid against GET /api/v1/schemas/pain.001.001.09.subset.xsd. " +
                             "404 when the fund pays no insured person in the run. ETag and X-Content-SHA256 carry its SHA-256.");

        runs.MapGet("/{id:guid}/verification", (IMediator m, Guid id, CancellationToken ct) => m.Send(new VerifyPaymentRunFiles(id), ct))
            .RequireAuthorization(Policies.Admin)
            .Produces<PaymentRunVerificationDto>().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Rebuilds every file of the run from the database and compares its SHA-256 with the stored one (PAY-06).");

        var returnFiles = api.MapGroup("/return-files").WithTags("Return files").RequireAuthorization(Policies.ProviderOrStaff);
        returnFiles.MapGet("", (IMediator m, string? cursor, int? limit, DateOnly? from, DateOnly? to, CancellationToken ct) =>
                m.Send(new ListReturnFiles(cursor, limit, from, to), ct))
            .Produces<Page<ReturnFileDto>>()
            .WithSummary("Your return files (fichiers retour), newest first (`cursor`/`limit`; filter by the run's execution date `from`/`to`), with their "
                + "counts, amounts and the SHA-256 of each format and language.");

        returnFiles.MapGet("/{id:guid}", async (IMediator m, HttpContext http, ICurrentCaller caller, Guid id, CancellationToken ct) =>
                FileResult(http, await m.Send(new GetReturnFileContent(id, NegotiateFormat(http.Request), caller.Language), ct)))
            .Produces(StatusCodes.Status200OK, null, "application/json", "application/xml", "text/csv")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status406NotAcceptable)
            .WithSummary("A return file (PAY-05): every line not paid or paid in part with its amounts and reasons, and a summary of the lines paid in full.")
            .WithDescription("Choose the format with Accept: application/json (default), application/xml (or text/xml; schema at " +
                             "GET /api/v1/schemas/return-file.xsd) or text/csv (header in docs/payment-files.md); anything else is 406. " +
                             "Reason texts follow Accept-Language (fr, de, en; default en). The bytes are those stored when the run " +
                             "wrote the file; ETag and X-Content-SHA256 carry their SHA-256.");

        var schemas = api.MapGroup("/schemas").WithTags("Schemas").RequireAuthorization(Policies.ProviderOrStaff);
        schemas.MapGet("/return-file.xsd", () => Schema(PaymentFileSchemas.ReturnFileResourceName))
            .Produces(StatusCodes.Status200OK, null, "application/xml")
            .WithSummary("XSD of the XML return file (namespace urn:cns-exchange:return-file:1).");
        schemas.MapGet("/pain.001.001.09.subset.xsd", () => Schema(PaymentFileSchemas.Pain001ResourceName))
            .Produces(StatusCodes.Status200OK, null, "application/xml")
            .WithSummary("XSD of the pain.001.001.09 elements the payment files use (ISO 20022, SEPA rules).");
    }

    /// <summary>
    /// The return-file format an Accept header asks for, by quality: application/json, application/xml or text/xml,
    /// text/csv; */* and application/* give JSON, text/* gives CSV; no Accept gives JSON.
    /// </summary>
    public static ReturnFileFormat NegotiateFormat(HttpRequest request)
    {
        var accept = request.GetTypedHeaders().Accept;
        if (accept.Count == 0) return ReturnFileFormat.Json;
        var refused = accept.Where(a => a.Quality == 0).Select(a => a.MediaType.Value?.ToLowerInvariant()).ToHashSet();
        foreach (var media in accept.Where(a => a.Quality != 0).OrderByDescending(a => a.Quality ?? 1))
        {
            var type = media.MediaType.Value?.ToLowerInvariant();
            if (ReturnFileFormats.TryFromMediaType(type, out var format)) return format;
            ReturnFileFormat[] candidates = type switch
            {
                "*/*" => [ReturnFileFormat.Json, ReturnFileFormat.Xml, ReturnFileFormat.Csv],
                "application/*" => [ReturnFileFormat.Json, ReturnFileFormat.Xml],
                "text/*" => [ReturnFileFormat.Csv, ReturnFileFormat.Xml],
                _ => [],
            };
            foreach (var candidate in candidates)
                if (!refused.Contains(candidate.MediaType())) return candidate;
        }
        throw new NotAcceptableException("A return file is available as application/json, application/xml (or text/xml) and text/csv; " +
                                         $"the Accept header asks for none of them ({request.Headers.Accept}).");
    }

    private static IResult FileResult(HttpContext http, PaymentFileContent file)
    {
        http.Response.Headers[ContentHashHeader] = file.Sha256;
        http.Response.Headers.Vary = "Accept, Accept-Language";
        if (file.Language is not null) http.Response.Headers.ContentLanguage = file.Language;
        // Results.File answers 304 to a matching If-None-Match.
        return Results.File(file.Content, file.MediaType + "; charset=utf-8", file.FileName,
            entityTag: new EntityTagHeaderValue($"\"{file.Sha256}\""));
    }

    private static IResult Schema(string resourceName)
    {
        using var stream = PaymentFileSchemas.Open(resourceName);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return Results.File(copy.ToArray(), "application/xml; charset=utf-8", resourceName);
    }
}
