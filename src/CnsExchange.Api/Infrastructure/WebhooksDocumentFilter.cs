using CnsExchange.Application.Features.Events;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace CnsExchange.Api.Infrastructure;

/// <summary>
/// The OpenAPI <c>webhooks</c> section: for every event type, the signed POST a registered endpoint receives (headers
/// Cns-Event-Id, Cns-Event-Type, Cns-Signature) and its payload, whose <c>data</c> is the type's snapshot schema.
/// </summary>
internal sealed class WebhooksDocumentFilter : IDocumentFilter
{
    private static readonly (string Type, Type Data, string Summary)[] Payloads =
    [
        (EventTypes.ValidationRequestDecided, typeof(RequestDecidedData), "A validation request was decided (agreed, refused or not required), on receipt or by a reviewer."),
        (EventTypes.CureAuthorisationDecided, typeof(RequestDecidedData), "A cure authorisation was decided."),
        (EventTypes.RehabilitationAuthorisationDecided, typeof(RequestDecidedData), "A rehabilitation authorisation was decided."),
        (EventTypes.RequestInformationRequested, typeof(InformationRequestedData), "A reviewer asks the provider a question about a request."),
        (EventTypes.BillingFileProcessed, typeof(BillingFileData), "A billing file was imported and its memoirs adjudicated."),
        (EventTypes.BillingFileRejected, typeof(BillingFileData), "A billing file was rejected whole (BIL-14)."),
        (EventTypes.FeeMemoirAdjudicated, typeof(FeeMemoirData), "A fee memoir sent through the API was adjudicated (a file's memoirs: billing_file.processed)."),
        (EventTypes.ContestationDecided, typeof(ContestationData), "A contestation of a memoir line was upheld or overturned (BIL-15)."),
        (EventTypes.PaymentRunClosed, typeof(PaymentRunClosedData), "A payment run closed: one event per provider, with its order amount and return file."),
        (EventTypes.VoucherExpiring, typeof(VoucherExpiringData), "A voucher ends within 7 days (sandbox clock), with the sessions left."),
        (EventTypes.VoucherCancelled, typeof(VoucherCancelledData), "A voucher was cancelled by its provider or a reviewer (LIF-01)."),
        (EventTypes.FeeMemoirVoided, typeof(FeeMemoirVoidedData), "A fee memoir was voided (LIF-02) or replaced by a new one (LIF-03); its sessions went back to the vouchers."),
        (EventTypes.FeeMemoirLineReversed, typeof(FeeMemoirLineTakenBackData), "The provider reversed a paid line (LIF-04): a debt the next payment run nets (LIF-05)."),
        (EventTypes.FeeMemoirLineRecovered, typeof(FeeMemoirLineTakenBackData), "CNS recovered a paid line with a recovery code (LIF-04, e.g. CURE_INTERRUPTED, CUR-09): a debt the next payment run nets."),
        (EventTypes.ReimbursementClaimDecided, typeof(ReimbursementClaimDecidedData),
            "Every line of a reimbursement claim is decided, at submission or by a reviewer's last decision (RULES.md §8); for the insured channel that submitted it, and staff."),
        (EventTypes.ReimbursementClaimPaid, typeof(ReimbursementClaimPaidData),
            "A payment run transferred a claim's reimbursement to the insured, paid by the competent fund (INS-05); for the insured channel that submitted it, and staff."),
    ];

    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        var resource = context.SchemaGenerator.GenerateSchema(typeof(EventResource), context.SchemaRepository);
        var webhooks = new System.Text.Json.Nodes.JsonObject();
        foreach (var (type, data, summary) in Payloads)
        {
            var payload = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Required = new HashSet<string> { "id", "type", "occurredAt", "resource", "data" },
                Properties = new Dictionary<string, IOpenApiSchema>
                {
                    ["id"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uuid", Description = "Event id (also in Cns-Event-Id): deduplicate on it, a delivery may come twice." },
                    ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [System.Text.Json.Nodes.JsonValue.Create(type)] },
                    ["occurredAt"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time", Description = "On the sandbox clock." },
                    ["resource"] = resource,
                    ["data"] = context.SchemaGenerator.GenerateSchema(data, context.SchemaRepository),
                },
            };
            var item = new OpenApiPathItem
            {
                Operations = new Dictionary<HttpMethod, OpenApiOperation>
                {
                    [HttpMethod.Post] = new()
                    {
                        OperationId = "webhook_" + type.Replace('.', '_'),
                        Summary = summary,
                        Description = "Sent to every enabled endpoint of the sandbox subscribed to the type (a provider's endpoints: its own events). " +
                                      "Verify `Cns-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, \"<t>.<body>\")>` (docs/webhooks.md). " +
                                      "Answer 2xx within 10 s; timeouts, 429 and 5xx are retried with exponential backoff for 24 h.",
                        Parameters =
                        [
                            Header("Cns-Event-Id", "The event id."),
                            Header("Cns-Event-Type", "The event type."),
                            Header("Cns-Signature", "t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<body>\" with the endpoint's secret>"),
                        ],
                        RequestBody = new OpenApiRequestBody
                        {
                            Required = true,
                            Content = new Dictionary<string, IOpenApiMediaType> { ["application/json"] = new OpenApiMediaType { Schema = payload } },
                        },
                        Responses = new OpenApiResponses { ["200"] = new OpenApiResponse { Description = "Received (any 2xx)." } },
                    },
                },
            };
            webhooks[type] = Serialized(item);
        }
        // The document is OpenAPI 3.0, which has no `webhooks` (3.1 does): the section goes in `x-webhooks`, which Redoc
        // and Redocly read as webhooks of a 3.0 document, with the same content a 3.1 `webhooks` would have.
        document.Extensions ??= new Dictionary<string, IOpenApiExtension>();
        document.Extensions["x-webhooks"] = new JsonNodeExtension(webhooks);
    }

    private static System.Text.Json.Nodes.JsonNode Serialized(OpenApiPathItem item)
    {
        using var text = new StringWriter();
        item.SerializeAsV3(new OpenApiJsonWriter(text));
        return System.Text.Json.Nodes.JsonNode.Parse(text.ToString())!;
    }

    private static OpenApiParameter Header(string name, string description) => new()
    {
        Name = name,
        In = ParameterLocation.Header,
        Required = true,
        Description = description,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
    };
}
