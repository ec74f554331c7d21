#pragma warning disable CS0618 // OpenAPI 3.0.4 output: "example" is the field generators and Swagger UI read.
using System.Text.Json;
using System.Text.Json.Nodes;
using CnsExchange.Application.Features.PaymentRuns.Files;
using CnsExchange.Application.Features.Validation;
using CnsExchange.Domain.Billing;
using CnsExchange.Domain.Common;
using CnsExchange.Domain.Hospital;
using CnsExchange.Domain.Requests;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace CnsExchange.Api.Infrastructure;

/// <summary>
/// What makes the document usable by client generators (Kiota, NSwag): stable operation ids, problem responses and
/// headers, typed multipart parts, binary file responses, enums, money as decimal, and `required` as the API sends it.
/// </summary>
public static class OpenApiForGenerators
{
    /// <summary>Money is `type: number, format: decimal` everywhere (the API sends JSON numbers, exact to the cent).</summary>
    public const string MoneyFormat = "decimal";

    public static void AddGeneratorSupport(this SwaggerGenOptions o)
    {
        o.CustomOperationIds(OperationIds.For);
        o.MapType<decimal>(() => new OpenApiSchema { Type = JsonSchemaType.Number, Format = MoneyFormat });
        o.MapType<decimal?>(() => new OpenApiSchema { Type = JsonSchemaType.Number | JsonSchemaType.Null, Format = MoneyFormat });
        o.UseAllOfToExtendReferenceSchemas();
        o.NonNullableReferenceTypesAsRequired();
        o.SchemaFilter<ProblemSchemaFilter>();
        o.SchemaFilter<EnumPropertySchemaFilter>();
        o.OperationFilter<ResponsesOperationFilter>();
        o.OperationFilter<MultipartValidationRequestFilter>();
        o.OperationFilter<EnumQueryParameterFilter>();
        o.OperationFilter<LifecycleOpenApiFilter>();
        o.DocumentFilter<RequiredAsSentDocumentFilter>();
        o.DocumentFilter<ReferenceSchemasDocumentFilter>();
        o.DocumentFilter<TagDescriptionsDocumentFilter>();
    }
}

/// <summary>Operation ids: verb + noun, fixed here so that renaming a handler never renames a generated method.</summary>
public static class OperationIds
{
    private static readonly Dictionary<string, string> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        ["GET api/v1/admin/clock"] = "getSandboxClock",
        ["GET api/v1/admin/clock/advances/{id}"] = "getClockAdvance",
        ["GET api/v1/clock"] = "getClock",
        ["PUT api/v1/admin/clock"] = "setSandboxClock",
        ["POST api/v1/sandboxes"] = "createSandbox",
        ["GET api/v1/sandboxes"] = "listSandboxes",
        ["GET api/v1/sandboxes/{id}"] = "getSandbox",
        ["DELETE api/v1/sandboxes/{id}"] = "deleteSandbox",
        ["GET api/v1/admin/insured"] = "listInsured",
        ["GET api/v1/admin/insured/{matricule}"] = "getInsured",
        ["PUT api/v1/admin/insured/{matricule}"] = "putInsured",
        ["PUT api/v1/admin/insured/{matricule}/bank-account"] = "setInsuredBankAccount",
        ["GET api/v1/admin/doctors"] = "listDoctors",
        ["PUT api/v1/admin/doctors/{code}"] = "putDoctor",
        ["GET api/v1/admin/providers"] = "listProviders",
        ["GET api/v1/admin/providers/{code}"] = "getProvider",
        ["POST api/v1/admin/providers"] = "createProvider",
        ["POST api/v1/admin/providers/{code}/keys"] = "createProviderKey",
        ["POST api/v1/admin/dependency-insurance/care-plans"] = "loadCarePlans",
        ["POST api/v1/billing-files"] = "submitBillingFile",
        ["GET api/v1/billing-files"] = "listBillingFiles",
        ["GET api/v1/billing-files/{id}"] = "getBillingFile",
        ["POST api/v1/cure-authorisations"] = "submitCureAuthorisation",
        ["GET api/v1/cure-authorisations"] = "listCureAuthorisations",
        ["GET api/v1/cure-authorisations/{id}"] = "getCureAuthorisation",
        ["POST api/v1/cure-authorisations/{id}/medical-interruptions"] = "submitCureMedicalInterruption",
        ["POST api/v1/cure-authorisations/{id}/medical-interruptions/{sequence}/decision"] = "decideCureMedicalInterruption",
        ["POST api/v1/cure-authorisations/{id}/interruption"] = "submitCureInterruption",
        ["POST api/v1/fee-memoirs"] = "submitFeeMemoir",
        ["GET api/v1/fee-memoirs"] = "listFeeMemoirs",
        ["POST api/v1/fee-memoirs/simulations"] = "simulateFeeMemoir",
        ["GET api/v1/fee-memoirs/{id}"] = "getFeeMemoir",
        ["POST api/v1/fee-memoirs/{id}/lines/{line}/contestation"] = "contestFeeMemoirLine",
        ["POST api/v1/hospital-stays"] = "submitHospitalStay",
        ["GET api/v1/hospital-stays"] = "listHospitalStays",
        ["GET api/v1/hospital-stays/{id}"] = "getHospitalStay",
        ["POST api/v1/admin/payment-runs"] = "startPaymentRun",
        ["GET api/v1/payment-runs"] = "listPaymentRuns",
        ["GET api/v1/payment-runs/{id}"] = "getPaymentRun",
        ["GET api/v1/payment-runs/{id}/sepa"] = "getPaymentRunSepaFile",
        ["GET api/v1/payment-runs/{id}/funds/{fund}/sepa"] = "getPaymentRunFundSepaFile",
        ["GET api/v1/payment-runs/{id}/verification"] = "verifyPaymentRunFiles",
        ["POST api/v1/reimbursement-claims"] = "submitReimbursementClaim",
        ["GET api/v1/reimbursement-claims"] = "listReimbursementClaims",
        ["GET api/v1/reimbursement-claims/{id}"] = "getReimbursementClaim",
        ["GET api/v1/reimbursement-claims/{id}/statement"] = "getReimbursementClaimStatement",
        ["POST api/v1/validation-requests"] = "submitValidationRequest",
        ["GET api/v1/validation-requests"] = "listValidationRequests",
        ["GET api/v1/validation-requests/{id}"] = "getValidationRequest",
        ["GET api/v1/validation-requests/{id}/scan"] = "getValidationRequestScan",
        ["POST api/v1/validation-requests/{id}/cancel"] = "cancelValidationRequest",
        ["POST api/v1/validation-requests/{id}/information"] = "answerValidationRequestInformation",
        ["GET api/v1/reference/acts"] = "listActs",
        ["GET api/v1/reference/annex-g"] = "listAnnexG",
        ["GET api/v1/reference/letter-key"] = "listLetterKeyValues",
        ["GET api/v1/reference/reason-codes"] = "listReasonCodes",
        ["GET api/v1/reference/parameters"] = "listParameters",
        ["GET api/v1/reference/holidays/{year}"] = "listHolidays",
        ["GET api/v1/reference/working-days/{date}"] = "getWorkingDay",
        ["GET api/v1/reference/cure-kinds"] = "listCureKinds",
        ["GET api/v1/reference/s2-countries"] = "listS2Countries",
        ["GET api/v1/reference/stay-allowances"] = "listStayAllowances",
        ["GET api/v1/reference/hospital-tariffs"] = "listHospitalTariffs",
        ["GET api/v1/reference/rehabilitation-kinds"] = "listRehabilitationKinds",
        ["POST api/v1/rehabilitation-authorisations"] = "submitRehabilitationAuthorisation",
        ["GET api/v1/rehabilitation-authorisations"] = "listRehabilitationAuthorisations",
        ["GET api/v1/rehabilitation-authorisations/{id}"] = "getRehabilitationAuthorisation",
        ["POST api/v1/rehabilitation-authorisations/{id}/extensions"] = "requestRehabilitationExtension",
        ["POST api/v1/rehabilitation-authorisations/{id}/cancel"] = "cancelRehabilitationAuthorisation",
        ["POST api/v1/rehabilitation-authorisations/{id}/information"] = "answerRehabilitationInformation",
        ["GET api/v1/reports/double-financing"] = "getDoubleFinancingReport",
        ["GET api/v1/return-files"] = "listReturnFiles",
        ["GET api/v1/return-files/{id}"] = "getReturnFile",
        ["GET api/v1/review/contestations"] = "listContestations",
        ["POST api/v1/review/contestations/{id}/decision"] = "decideContestation",
        ["GET api/v1/review/queue"] = "getReviewQueue",
        ["POST api/v1/review/{id}/decision"] = "decideReview",
        ["GET api/v1/schemas/return-file.xsd"] = "getReturnFileSchema",
        ["GET api/v1/schemas/pain.001.001.09.subset.xsd"] = "getPain001Schema",
        ["GET api/v1/vouchers/{number}"] = "getVoucher",
        ["POST api/v1/vouchers/{number}/cancellation"] = "cancelVoucher",
        ["GET api/v1/vouchers/{number}/fee-note"] = "getFeeNote",
        ["POST api/v1/fee-memoirs/{id}/cancellation"] = "cancelFeeMemoir",
        ["POST api/v1/fee-memoirs/{id}/lines/{line}/reversal"] = "submitFeeMemoirLineReversal",
        ["POST api/v1/review/recoveries"] = "createRecovery",
        ["GET api/v1/clock"] = "getClock",
        ["GET api/v1/eligibility"] = "getEligibility",
        ["GET api/v1/review/eligibility-checks"] = "listEligibilityChecks",
        ["POST api/v1/validation-requests/{id}/attachments"] = "createValidationRequestAttachment",
        ["GET api/v1/validation-requests/{id}/attachments"] = "listValidationRequestAttachments",
        ["GET api/v1/validation-requests/{id}/attachments/{attachmentId}"] = "getValidationRequestAttachment",
        ["POST api/v1/cure-authorisations/{id}/attachments"] = "createCureAuthorisationAttachment",
        ["GET api/v1/cure-authorisations/{id}/attachments"] = "listCureAuthorisationAttachments",
        ["GET api/v1/cure-authorisations/{id}/attachments/{attachmentId}"] = "getCureAuthorisationAttachment",
        ["POST api/v1/rehabilitation-authorisations/{id}/attachments"] = "createRehabilitationAuthorisationAttachment",
        ["GET api/v1/rehabilitation-authorisations/{id}/attachments"] = "listRehabilitationAuthorisationAttachments",
        ["GET api/v1/rehabilitation-authorisations/{id}/attachments/{attachmentId}"] = "getRehabilitationAuthorisationAttachment",
        ["POST api/v1/contestations/{id}/attachments"] = "createContestationAttachment",
        ["GET api/v1/contestations/{id}/attachments"] = "listContestationAttachments",
        ["GET api/v1/contestations/{id}/attachments/{attachmentId}"] = "getContestationAttachment",
        ["GET api/v1/vouchers"] = "listVouchers",
        ["GET api/v1/events"] = "listEvents",
        ["POST api/v1/webhook-endpoints"] = "createWebhookEndpoint",
        ["GET api/v1/webhook-endpoints"] = "listWebhookEndpoints",
        ["GET api/v1/webhook-endpoints/{id}"] = "getWebhookEndpoint",
        ["DELETE api/v1/webhook-endpoints/{id}"] = "deleteWebhookEndpoint",
        ["POST api/v1/webhook-endpoints/{id}/test"] = "requestWebhookPing",
        ["GET api/v1/webhook-endpoints/{id}/deliveries"] = "listWebhookDeliveries",
        ["POST api/v1/webhook-deliveries/{id}/redelivery"] = "requestWebhookRedelivery",
    };

    /// <summary>An endpoint's own name (WithName) wins; then the table; then a name derived from verb and path.</summary>
    public static string For(ApiDescription api)
    {
        var named = api.ActionDescriptor.EndpointMetadata.OfType<IEndpointNameMetadata>().FirstOrDefault()?.EndpointName;
        if (!string.IsNullOrEmpty(named)) return named;
        var path = RoutePattern(api.RelativePath ?? "");
        return Known.TryGetValue($"{api.HttpMethod} {path}", out var id) ? id : Derive(api.HttpMethod ?? "GET", path);
    }

    /// <summary>"api/v1/x/{id:guid}" → "api/v1/x/{id}".</summary>
    public static string RoutePattern(string relativePath) =>
        System.Text.RegularExpressions.Regex.Replace(relativePath.TrimEnd('/'), @"\{([^}:?=]+)[^}]*\}", "{$1}");

    /// <summary>For operations added after the table: list (plural noun) or get, create, put… + the path's nouns.</summary>
    public static string Derive(string method, string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Skip(2).ToList();
        var endsWithParameter = segments.Count > 0 && segments[^1].StartsWith('{');
        var verb = method.ToUpperInvariant() switch
        {
            "GET" => endsWithParameter || segments.Any(s => s.StartsWith('{')) || !segments.LastOrDefault("").EndsWith('s') ? "get" : "list",
            "POST" => "create",
            "PUT" => "put",
            "PATCH" => "update",
            "DELETE" => "delete",
            _ => method.ToLowerInvariant(),
        };
        var nouns = segments.Where(s => !s.StartsWith('{'))
            .SelectMany(s => s.Split('-', '.', '_'))
            .Where(w => w.Length > 0)
            .Select(w => char.ToUpperInvariant(w[0]) + w[1..]);
        return verb + string.Concat(nouns);
    }
}

/// <summary>RFC 9457 problem with the members the API adds: a stable `code`, field `errors` and the `traceId`.</summary>
public sealed class ProblemSchemaFilter : ISchemaFilter
{
    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (context.Type != typeof(ProblemDetails) || schema is not OpenApiSchema s) return;
        s.Description = "RFC 9457 problem details. `code` is stable (switch on it, not on `title`); `errors` names the fields at fault.";
        s.Properties ??= new Dictionary<string, IOpenApiSchema>();
        s.Properties["code"] = new OpenApiSchema
        {
            Type = JsonSchemaType.String,
            Description = "Stable machine-readable code. Every operation may answer unauthorized, forbidden, rate_limited and service_unavailable; "
                          + "one that names a resource not_found; one that takes input validation_failed, malformed_json, malformed_request, "
                          + "unknown_field, unsupported_media_type or payload_too_large; one that takes an Idempotency-Key idempotency_key_reused "
                          + "or idempotency_in_progress. Each operation's own codes are named in its responses, summary or description.",
        };
        s.Properties["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "Quote it when reporting a problem." };
        s.Properties["errors"] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "Messages by field (JSON path of the input).",
            AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
        };
        s.Required = new HashSet<string> { "type", "title", "status", "code", "traceId" };
    }
}

/// <summary>String properties whose values come from a closed set are declared as enums.</summary>
public sealed class EnumPropertySchemaFilter : ISchemaFilter
{
    private static readonly Dictionary<(string Type, string Property), string[]> Closed = new()
    {
        [("ReasonDto", "severity")] = EnumValues.Of<ReasonSeverity>(),
        [("ReasonCodeDto", "severity")] = EnumValues.Of<ReasonSeverity>(),
        [("PaymentFileDto", "format")] = EnumValues.Of<ReturnFileFormat>(),
        [("PaymentFileCheckDto", "format")] = EnumValues.Of<ReturnFileFormat>(),
    };

    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is not OpenApiSchema s || s.Properties is null) return;
        foreach (var (name, property) in s.Properties.ToList())
        {
            if (Closed.TryGetValue((context.Type.Name, name), out var values) && property is OpenApiSchema p)
                p.Enum = values.Select(v => (JsonNode)JsonValue.Create(v)).ToList();
        }
    }
}

public static class EnumValues
{
    /// <summary>The wire names of an enum (snake_case, as the API's JSON converter writes them).</summary>
    public static string[] Of<T>() where T : struct, Enum =>
        Enum.GetNames<T>().Select(JsonNamingPolicy.SnakeCaseLower.ConvertName).ToArray();
}

/// <summary>`status` filters of list operations take the values of the resource's status.</summary>
public sealed class EnumQueryParameterFilter : IOperationFilter
{
    private static readonly Dictionary<string, string[]> StatusFilters = new()
    {
        ["listValidationRequests"] = EnumValues.Of<RequestStatus>(),
        ["listCureAuthorisations"] = EnumValues.Of<RequestStatus>(),
        ["listRehabilitationAuthorisations"] = EnumValues.Of<RequestStatus>(),
        ["listFeeMemoirs"] = EnumValues.Of<FeeMemoirStatus>(),
        ["listBillingFiles"] = EnumValues.Of<BillingFileStatus>(),
        ["listContestations"] = EnumValues.Of<ContestationStatus>(),
        ["listHospitalStays"] = EnumValues.Of<HospitalStayStatus>(),
        ["listVouchers"] = EnumValues.Of<CnsExchange.Application.Features.Vouchers.VoucherState>(),
        ["listPaymentRuns"] = EnumValues.Of<CnsExchange.Domain.Payments.PaymentRunStatus>(),
        ["listReimbursementClaims"] = EnumValues.Of<CnsExchange.Domain.Reimbursement.ClaimStatus>(),
        ["listWebhookDeliveries"] = EnumValues.Of<CnsExchange.Application.Features.Webhooks.WebhookDeliveryStatus>(),
    };

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (operation.OperationId is null || !StatusFilters.TryGetValue(operation.OperationId, out var values)) return;
        foreach (var parameter in operation.Parameters ?? [])
        {
            if (parameter is OpenApiParameter { Name: "status", In: ParameterLocation.Query } p)
                p.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = values.Select(v => (JsonNode)JsonValue.Create(v)).ToList() };
        }
    }
}

/// <summary>
/// Every operation declares the problems it can answer (401/403 when it needs a key, 404 when it names a resource,
/// 429 and 503 always) with the problem schema, the headers it sends, and its files as binary with their media types.
/// </summary>
public sealed class ResponsesOperationFilter : IOperationFilter
{
    public const string ProblemMediaType = "application/problem+json";

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        operation.Responses ??= new OpenApiResponses();
        var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
        var problem = context.SchemaGenerator.GenerateSchema(typeof(ProblemDetails), context.SchemaRepository);
        var needsKey = metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any();
        var namesResource = (context.ApiDescription.RelativePath ?? "").Contains('{');
        // A problem declared by the endpoint (ProducesProblem) says its status only: name the codes it answers.
        foreach (var (status, response) in operation.Responses)
            if (response is OpenApiResponse r && IsReasonPhrase(r.Description) && Defaults.TryGetValue(status, out var described)) r.Description = described;

        if (needsKey)
        {
            AddProblem(operation, "401", "No API key, or an unknown one (code unauthorized).", problem);
            AddProblem(operation, "403", Forbidden, problem);
        }
        if (namesResource) AddProblem(operation, "404", NotFound, problem);
        AddProblem(operation, "429", "Too many requests for this key (code rate_limited); retry after Retry-After seconds.", problem)
            .Headers!["Retry-After"] = Header("Seconds to wait before retrying.", JsonSchemaType.Integer);
        AddProblem(operation, "503", "The database or a dependency is unavailable (code service_unavailable); retry later.", problem)
            .Headers!["Retry-After"] = Header("Seconds to wait before retrying.", JsonSchemaType.Integer);

        var acceptsIdempotencyKey = operation.Parameters?.Any(p => p.Name == "Idempotency-Key") == true;
        if (acceptsIdempotencyKey)
        {
            // Added to the operation's own 422 when it has one (its rule refusals), not left out.
            var reused = AddProblem(operation, "422", IdempotencyKeyReused, problem);
            if (reused.Description != IdempotencyKeyReused) reused.Description += " " + IdempotencyKeyReused;
        }
        if (operation.Parameters?.OfType<OpenApiParameter>().FirstOrDefault(p => p is { Name: "limit", In: ParameterLocation.Query }) is { } limit)
        {
            // Cursor.Limit: every paged list takes 1 to Cursor.MaxLimit rows a page.
            var max = Cursor.MaxLimit.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (limit.Schema is OpenApiSchema { Type: not null } schema) (schema.Minimum, schema.Maximum) = ("1", max);
            AddProblem(operation, "400", $"A query parameter is not valid: limit outside 1 to {max}, a cursor not given by this list, or an unknown status (code validation_failed); "
                + "a value that cannot be read, such as a date not written yyyy-MM-dd or a limit that is not a number (code malformed_request).", problem);
        }
        foreach (var (status, response) in operation.Responses)
        {
            if (response is not OpenApiResponse r) continue;
            if (status.StartsWith('4') || status.StartsWith('5'))
            {
                UseProblemSchema(r, problem);
                continue;
            }
            if (status is "201" or "202")
                (r.Headers ??= new Dictionary<string, IOpenApiHeader>())["Location"] = Header(
                    LocationOfParent.GetValueOrDefault(operation.OperationId ?? "", "URL of the created (201) or accepted (202) resource."), JsonSchemaType.String);
            if (acceptsIdempotencyKey && status.StartsWith('2'))
                (r.Headers ??= new Dictionary<string, IOpenApiHeader>())[IdempotentReplayHeader.Name] =
                    Header("`true` when this answer replays the first one sent for the same Idempotency-Key.", JsonSchemaType.String);
            FilesAsBinary(r, FileMediaTypes(metadata, status), StoredFiles.Contains(operation.OperationId ?? ""));
        }
        if (operation.OperationId == "getReturnFile") DeclareConditionalGet(operation);
        UploadsAsBinary(operation);
    }

    /// <summary>Files answered with their stored SHA-256 as strong ETag (and 304 to a matching If-None-Match).</summary>
    private static readonly HashSet<string> StoredFiles = ["getReturnFile", "getPaymentRunSepaFile", "getPaymentRunFundSepaFile"];

    /// <summary>
    /// A stored file's ETag is its SHA-256: sent back in If-None-Match, the file unchanged is 304 with no body. Declared for
    /// the return file (which a provider polls) only: a generator such as Kiota makes an operation with a 304 and no JSON
    /// success body return nothing, so the pain.001 operations (XML only) say it in their description instead.
    /// </summary>
    private static void DeclareConditionalGet(OpenApiOperation operation)
    {
        (operation.Parameters ??= []).Add(new OpenApiParameter
        {
            Name = "If-None-Match", In = ParameterLocation.Header, Required = false,
            Description = "The ETag of the copy you hold (the file's SHA-256 in quotes): 304 when the file is the same.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
        });
        operation.Responses!["304"] = new OpenApiResponse { Description = "Not modified: the file is the one If-None-Match names (no body)." };
    }

    /// <summary>A body sent as a file (XML or CSV billing file) is binary: generators take a stream and its content type.</summary>
    private static void UploadsAsBinary(OpenApiOperation operation)
    {
        foreach (var (type, media) in operation.RequestBody?.Content ?? new Dictionary<string, IOpenApiMediaType>())
        {
            if (type.Contains("json") || type.StartsWith("multipart/", StringComparison.Ordinal) || media is not OpenApiMediaType m) continue;
            if (m.Schema is null || m.Schema is OpenApiSchema { Type: JsonSchemaType.String })
                m.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" };
        }
    }

    /// <summary>Media types declared with <c>Produces(status, null, types...)</c>: the endpoint answers a file.</summary>
    private static string[] FileMediaTypes(IList<object> metadata, string status) =>
        metadata.OfType<Microsoft.AspNetCore.Http.Metadata.IProducesResponseTypeMetadata>()
            .Where(p => p.Type is null || p.Type == typeof(void))
            .Where(p => p.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture) == status)
            .SelectMany(p => p.ContentTypes)
            .Distinct()
            .ToArray();

    /// <summary>Responses with a media type but no schema are files: binary, so generators return the bytes.</summary>
    private static void FilesAsBinary(OpenApiResponse response, string[] fileMediaTypes, bool stored)
    {
        response.Content ??= new Dictionary<string, IOpenApiMediaType>();
        foreach (var type in fileMediaTypes)
            if (!response.Content.ContainsKey(type)) response.Content[type] = new OpenApiMediaType();
        var isFile = false;
        foreach (var media in response.Content.Values)
        {
            if (media is OpenApiMediaType m && m.Schema is null)
            {
                m.Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" };
                isFile = true;
            }
        }
        if (isFile && stored)
        {
            response.Headers ??= new Dictionary<string, IOpenApiHeader>();
            response.Headers["ETag"] = Header("Strong entity tag of the file's bytes (stored files: their SHA-256).", JsonSchemaType.String);
        }
    }

    /// <summary>Created things with no URL of their own: their 201's Location is the resource that shows them.</summary>
    private static readonly Dictionary<string, string> LocationOfParent = new()
    {
        ["contestFeeMemoirLine"] = "URL of the fee memoir whose line was contested: a contestation has no URL of its own; it shows on the line (`contestation`).",
        ["submitFeeMemoirLineReversal"] = "URL of the fee memoir whose line was reversed: a debt has no URL of its own; it shows on the line and in the next return file.",
        ["createRecovery"] = "URL of the fee memoir whose line was recovered: a debt has no URL of its own; it shows on the line and in the next return file.",
    };

    private const string Forbidden = "The key's role may not call this operation (code forbidden). Another provider's resource is 404, never 403.";
    private const string NotFound = "No such resource, or not yours (code not_found).";
    private const string IdempotencyKeyReused = "The Idempotency-Key was sent before with another body (code idempotency_key_reused).";

    /// <summary>What a problem status means and the codes it comes with, for the problems an endpoint declares by status alone.</summary>
    private static readonly Dictionary<string, string> Defaults = new()
    {
        ["400"] = "The request is not valid: code validation_failed (the fields at fault in `errors`), malformed_json or malformed_request "
                  + "(the body or a parameter cannot be read), or unknown_field (a member the operation does not take).",
        ["403"] = Forbidden,
        ["404"] = NotFound,
        ["406"] = "The Accept header asks for a format this operation does not answer in (code not_acceptable).",
        ["408"] = "The upload did not arrive in time (code upload_timeout); send it again.",
        ["409"] = "The resource's state does not allow it now; `code` says why (the codes are named in the operation's summary or description).",
        ["413"] = "The body is larger than this operation takes (code payload_too_large).",
        ["415"] = "The body's Content-Type is not one this operation takes (code unsupported_media_type).",
        ["422"] = "The request is well formed but breaks a rule of the operation; `code` says which (named in the operation's summary or description).",
    };

    /// <summary>
    /// A description that is only the status's reason phrase ("Conflict", "Content Too Large"), as ASP.NET writes it for
    /// ProducesProblem; every description written here is a sentence.
    /// </summary>
    private static bool IsReasonPhrase(string? description) => description is null || !(description.EndsWith('.') || description.EndsWith(')'));

    private static OpenApiResponse AddProblem(OpenApiOperation operation, string status, string description, IOpenApiSchema problem)
    {
        if (operation.Responses!.TryGetValue(status, out var existing) && existing is OpenApiResponse found)
        {
            found.Headers ??= new Dictionary<string, IOpenApiHeader>();
            return found;
        }
        var response = new OpenApiResponse { Description = description, Headers = new Dictionary<string, IOpenApiHeader>() };
        UseProblemSchema(response, problem);
        operation.Responses[status] = response;
        return response;
    }

    private static void UseProblemSchema(OpenApiResponse response, IOpenApiSchema problem)
    {
        response.Content = new Dictionary<string, IOpenApiMediaType> { [ProblemMediaType] = new OpenApiMediaType { Schema = problem } };
    }

    private static OpenApiHeader Header(string description, JsonSchemaType type) =>
        new() { Description = description, Schema = new OpenApiSchema { Type = type } };
}

/// <summary>
/// Multipart bodies of a typed JSON `request` part and a document as a file: the validation request (`scan`) and the
/// reimbursement claim (`invoice`).
/// </summary>
public sealed class MultipartValidationRequestFilter : IOperationFilter
{
    public const string OperationId = "submitValidationRequest";

    private sealed record Form(Type Request, string File, string FileDescription);

    private static readonly Dictionary<string, Form> Forms = new()
    {
        [OperationId] = new(typeof(ValidationRequestInput), "scan", "The scanned prescription: PDF, JPEG, PNG or TIFF, at most 10 MiB."),
        ["submitReimbursementClaim"] = new(typeof(Application.Features.Reimbursement.ReimbursementClaimInput), "invoice",
            "The receipted invoice: PDF, JPEG, PNG or TIFF, at most 10 MiB. Without it the claim is refused INVOICE_MISSING."),
    };

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (operation.OperationId is not { } id || !Forms.TryGetValue(id, out var form) || operation.RequestBody?.Content is null) return;
        if (!operation.RequestBody.Content.TryGetValue("multipart/form-data", out var found) || found is not OpenApiMediaType media) return;
        var input = context.SchemaGenerator.GenerateSchema(form.Request, context.SchemaRepository);
        media.Schema = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Required = new HashSet<string> { "request" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["request"] = input,
                [form.File] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary", Description = form.FileDescription },
            },
        };
        media.Encoding = new Dictionary<string, OpenApiEncoding>
        {
            ["request"] = new() { ContentType = "application/json" },
            [form.File] = new() { ContentType = "application/pdf, image/jpeg, image/png, image/tiff" },
        };
    }
}

/// <summary>
/// `required` as the API sends it: responses serialize every property (nulls included), so every property of a
/// response type is required (nullable ones may be null); request types keep what their C# declaration requires.
/// </summary>
public sealed class RequiredAsSentDocumentFilter : IDocumentFilter
{
    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        var schemas = document.Components?.Schemas;
        if (schemas is null) return;
        var inputs = new HashSet<string>();
        foreach (var item in document.Paths.Values)
        foreach (var operation in item.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>())
        {
            foreach (var media in operation.RequestBody?.Content?.Values ?? [])
                Collect(media.Schema, schemas, inputs);
            foreach (var parameter in operation.Parameters ?? [])
                Collect(parameter.Schema, schemas, inputs);
        }

        foreach (var (name, schema) in schemas)
        {
            if (inputs.Contains(name) || schema is not OpenApiSchema s || s.Properties is not { Count: > 0 } || name == "ProblemDetails") continue;
            s.Required = new HashSet<string>(s.Properties.Keys);
        }
    }

    private static void Collect(IOpenApiSchema? schema, IDictionary<string, IOpenApiSchema> schemas, HashSet<string> seen)
    {
        if (schema is null) return;
        if (schema is OpenApiSchemaReference reference)
        {
            var id = reference.Reference.Id;
            if (id is null || !seen.Add(id)) return;
            if (schemas.TryGetValue(id, out var target)) Collect(target, schemas, seen);
            return;
        }
        foreach (var property in schema.Properties?.Values ?? []) Collect(property, schemas, seen);
        foreach (var part in (schema.AllOf ?? []).Concat(schema.AnyOf ?? []).Concat(schema.OneOf ?? [])) Collect(part, schemas, seen);
        Collect(schema.Items, schemas, seen);
        if (schema.AdditionalProperties is { } extra) Collect(extra, schemas, seen);
    }
}

/// <summary>
/// OpenAPI 3.0 can only mark a `$ref` nullable by wrapping it (`allOf: [$ref]`, `nullable: true`); the wrapper needs
/// the referenced type beside `nullable`. A wrapper that adds nothing is replaced by the bare `$ref`.
/// </summary>
public sealed class ReferenceSchemasDocumentFilter : IDocumentFilter
{
    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        var schemas = document.Components?.Schemas;
        if (schemas is null) return;
        foreach (var schema in schemas.Values.OfType<OpenApiSchema>())
        {
            if (schema.Properties is null) continue;
            foreach (var name in schema.Properties.Keys.ToList())
                schema.Properties[name] = Simplify(schema.Properties[name], schemas);
        }
        RemoveUnreferencedEnums(document, schemas);
    }

    /// <summary>Enums that were only referenced as nullable are now inline: their components would be dangling.</summary>
    private static void RemoveUnreferencedEnums(OpenApiDocument document, IDictionary<string, IOpenApiSchema> schemas)
    {
        var used = new HashSet<string>();
        foreach (var schema in schemas.Values) References(schema, used);
        foreach (var operation in document.Paths.Values.SelectMany(p => p.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>()))
        {
            foreach (var parameter in operation.Parameters ?? []) References(parameter.Schema, used);
            foreach (var media in operation.RequestBody?.Content?.Values ?? []) References(media.Schema, used);
            foreach (var media in (operation.Responses?.Values ?? Enumerable.Empty<IOpenApiResponse>()).SelectMany(r => r.Content?.Values ?? Enumerable.Empty<IOpenApiMediaType>())) References(media.Schema, used);
        }
        foreach (var (id, schema) in schemas.ToList())
            if (schema.Enum is { Count: > 0 } && !used.Contains(id)) schemas.Remove(id);
    }

    private static void References(IOpenApiSchema? schema, HashSet<string> used)
    {
        if (schema is null) return;
        if (schema is OpenApiSchemaReference reference)
        {
            if (reference.Reference.Id is { } id) used.Add(id);
            return;
        }
        foreach (var property in schema.Properties?.Values ?? []) References(property, used);
        foreach (var part in (schema.AllOf ?? []).Concat(schema.AnyOf ?? []).Concat(schema.OneOf ?? [])) References(part, used);
        References(schema.Items, used);
        References(schema.AdditionalProperties, used);
    }

    private static IOpenApiSchema Simplify(IOpenApiSchema property, IDictionary<string, IOpenApiSchema> schemas)
    {
        if (property is not OpenApiSchema { AllOf: [OpenApiSchemaReference reference] } wrapper) return property;
        var nullable = wrapper.Type is { } t && t.HasFlag(JsonSchemaType.Null);
        if (!nullable && wrapper.Description is null && wrapper.Example is null && wrapper.Default is null) return reference;
        if (!nullable || reference.Reference.Id is not { } id || !schemas.TryGetValue(id, out var target)) return wrapper;
        if (target.Enum is { Count: > 0 } values)
        {
            // A nullable enum cannot go through allOf (null fails the referenced enum): inline it with null allowed.
            return new OpenApiSchema
            {
                Type = (target.Type ?? JsonSchemaType.String) | JsonSchemaType.Null,
                Enum = [.. values, null!],
                Description = wrapper.Description ?? $"One of {id}, or null.",
            };
        }
        wrapper.Type = ((target.Type ?? JsonSchemaType.Object) & ~JsonSchemaType.Null) | JsonSchemaType.Null;
        return wrapper;
    }
}

/// <summary>Each tag says what its operations are for (Swagger UI shows it under the tag).</summary>
public sealed class TagDescriptionsDocumentFilter : IDocumentFilter
{
    private static readonly Dictionary<string, string> Descriptions = new()
    {
        ["Administration"] = "Operator (sandbox-admin): the sandbox clock, insured, doctors, providers and their keys, care plans.",
        ["Attachments"] = "Documents attached to requests, information answers and contestations; required documents release a request held DOCUMENT_MISSING (LIF-07).",
        ["Eligibility"] = "Can a person be treated under third-party payment on a date (LIF-06): the facts a provider needs, nothing more; audited.",
        ["Billing files"] = "Billing files of many fee memoirs, XML or CSV, imported and adjudicated in the background.",
        ["Insured's route"] = "The insured channel (key role insured-channel): reimbursement claims of insured who paid in full, adjudicated at once, and their statements (RULES.md §8).",
        ["Cure authorisations"] = "Thermal cures: requests answered at once with a decision and a cure voucher.",
        ["Events"] = "The feed of the caller's events in commit order (a provider its own, staff the sandbox's), kept 30 days.",
        ["Fee memoirs"] = "Fee memoirs under third-party payment, adjudicated line by line; simulations and contestations.",
        ["Hospital stays"] = "Hospital stays: declared stays, their lines and the insured's participation.",
        ["Payment runs"] = "Payment runs: what is due is paid in a pain.001 credit-transfer file; runs and their verification.",
        ["Prescription validation"] = "Physiotherapy prescriptions (RULES.md §2): validation with the scan, voucher, cancel, information.",
        ["Reference data"] = "The sandbox clock (today), acts, tariffs, reason codes, parameters, holidays and working days as the rules use them.",
        ["Rehabilitation authorisations"] = "Rehabilitation stays: authorisations, extensions, cancellation and information.",
        ["Reports"] = "Reports for CNS staff, e.g. double financing between hospital stays and fee memoirs.",
        ["Return files"] = "Return files of a payment run per provider (JSON, XML or CSV): what was paid, reduced or refused.",
        ["Review"] = "CNS reviewers: the queue of pending requests, decisions and contestations.",
        ["Sandboxes (operator)"] = "Operator keys: isolated worlds with their own clock, providers, keys and data; create, list, read, delete.",
        ["Schemas"] = "XML schemas of the files the API writes (return file, pain.001 subset).",
        ["Webhooks"] = "Endpoints that receive events as signed POSTs (Cns-Signature), at least once and in order; pings, deliveries, redelivery.",
        ["Vouchers"] = "Vouchers (titres de prise en charge) issued by agreed requests.",
    };

    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
        {
            if (tag is OpenApiTag t && t.Name is not null && Descriptions.TryGetValue(t.Name, out var description)) t.Description = description;
        }
    }
}
