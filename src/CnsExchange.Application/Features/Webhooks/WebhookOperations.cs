using CnsExchange.Application.Behaviors;
using System.Security.Cryptography;
using CnsExchange.Application.Features.Events;

namespace CnsExchange.Application.Features.Webhooks;

/// <summary>A new webhook endpoint: where to POST events, and which types (none: every type).</summary>
public sealed record WebhookEndpointInput(string? Url, List<string>? Types) : IHasOpenApiExample
{
    public static object Example => new WebhookEndpointInput("http://localhost:9000/cns-webhooks", [EventTypes.ValidationRequestDecided, EventTypes.PaymentRunClosed]);
}

public sealed record WebhookEndpointDto(Guid Id, string Url, IReadOnlyList<string> Types, DateTimeOffset CreatedAt, bool Enabled,
    DateTimeOffset? DisabledAt, string? DisabledReason, DateTimeOffset? FailingSince, DateTimeOffset? NextRetryAt, string DeliveriesUrl)
{
    public static WebhookEndpointDto From(WebhookEndpoint e) => new(e.Id, e.Url, e.Types, e.CreatedAt, e.DisabledAt is null, e.DisabledAt,
        e.DisabledReason, e.FailingSince, e.NextAttemptAt, $"/api/v1/webhook-endpoints/{e.Id}/deliveries");
}

/// <summary>The endpoint just created, with its signing secret: shown this once, never again.</summary>
public sealed record CreatedWebhookEndpointDto(WebhookEndpointDto Endpoint, string Secret);

public sealed record WebhookDeliveryDto(Guid Id, Guid EndpointId, Guid? EventId, string EventType, int Attempt, WebhookDeliveryStatus Status,
    WebhookDeliveryTrigger Trigger, int? ResponseCode, string? ResponseBody, string? Error, int DurationMs, DateTimeOffset AttemptedAt, DateTimeOffset? NextRetryAt)
{
    public static WebhookDeliveryDto From(WebhookDelivery d) => new(d.Id, d.EndpointId, d.EventId, d.EventType, d.Attempt, d.Status, d.Trigger,
        d.ResponseCode, d.ResponseBody, d.Error, d.DurationMs, d.AttemptedAt, d.NextRetryAt);
}

/// <param name="Caller">Who registers it (<see cref="ICurrentCaller.Actor"/>): the scope of its Idempotency-Key.</param>
public sealed record CreateWebhookEndpoint(WebhookEndpointInput? Body, string Caller, string? IdempotencyKey = null)
    : ICommand<CreatedWebhookEndpointDto>, IIdempotentCommand, IAnswersASecretOnce<CreatedWebhookEndpointDto>
{
    public string IdempotencyScope => $"{Caller}:webhook-endpoints";

    public string RequestFingerprint => Fingerprint.Of(Body);

    public string ResourceOf(CreatedWebhookEndpointDto response) => $"/api/v1/webhook-endpoints/{response.Endpoint.Id}";
}
/// <summary>The caller's webhook endpoints, newest first, a page at a time.</summary>
public sealed record ListWebhookEndpoints(string? Cursor = null, int? Limit = null) : IQuery<Page<WebhookEndpointDto>>;
public sealed record GetWebhookEndpoint(Guid Id) : IQuery<WebhookEndpointDto>;
public sealed record DeleteWebhookEndpoint(Guid Id) : ICommand<bool>;

/// <summary>
/// POST /webhook-endpoints/{id}/enable: its owner enables an endpoint disabled after failing for days (its receiver fixed);
/// deliveries resume at its cursor, so the events committed meanwhile (still kept) come first, in order. An enabled
/// endpoint is answered as it is.
/// </summary>
public sealed record EnableWebhookEndpoint(Guid Id) : ICommand<WebhookEndpointDto>;
/// <summary>Sends a ping now and returns the attempt.</summary>
public sealed record TestWebhookEndpoint(Guid Id) : ICommand<WebhookDeliveryDto>;
public sealed record ListWebhookDeliveries(Guid EndpointId, string? Cursor, int? Limit) : IQuery<Page<WebhookDeliveryDto>>
{
    public WebhookDeliveryStatus? Status { get; init; }
    public DateOnly? From { get; init; }
    public DateOnly? To { get; init; }
}
/// <summary>Sends the event of a delivery again now (one attempt, no retries) and returns the new attempt.</summary>
public sealed record RedeliverWebhook(Guid DeliveryId) : ICommand<WebhookDeliveryDto>;

public sealed class CreateWebhookEndpointValidator : AbstractValidator<CreateWebhookEndpoint>
{
    public const int MaxUrlLength = 400;

    public CreateWebhookEndpointValidator()
    {
        RuleFor(x => x.Body).NotNull().OverridePropertyName("body").WithMessage("A JSON body with 'url' is required.");
        When(x => x.Body is not null, () =>
        {
            RuleFor(x => x.Body!.Url).NotEmpty().MaximumLength(MaxUrlLength).OverridePropertyName("url")
                .Must(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
                           && string.IsNullOrEmpty(uri.UserInfo) && uri.Host.Length > 0)
                .WithMessage("url is an absolute http or https URL without user information.");
            RuleFor(x => x.Body!.Types).Must(t => t is null || t.Count <= EventTypes.All.Count).OverridePropertyName("types");
            RuleForEach(x => x.Body!.Types).Must(t => t is not null && EventTypes.IsKnown(t)).OverridePropertyName("types")
                .WithMessage((_, t) => $"'{t}' is not an event type; types are: {string.Join(", ", EventTypes.All)}.");
        });
    }
}

public sealed class WebhookHandlers(IAppDbContext db, ICurrentCaller caller, TimeProvider clock, IWebhookSender sender) :
    ICommandHandler<CreateWebhookEndpoint, CreatedWebhookEndpointDto>,
    IQueryHandler<ListWebhookEndpoints, Page<WebhookEndpointDto>>,
    IQueryHandler<GetWebhookEndpoint, WebhookEndpointDto>,
    ICommandHandler<DeleteWebhookEndpoint, bool>,
    ICommandHandler<EnableWebhookEndpoint, WebhookEndpointDto>,
    ICommandHandler<TestWebhookEndpoint, WebhookDeliveryDto>,
    IQueryHandler<ListWebhookDeliveries, Page<WebhookDeliveryDto>>,
    ICommandHandler<RedeliverWebhook, WebhookDeliveryDto>
{
    public async ValueTask<CreatedWebhookEndpointDto> Handle(CreateWebhookEndpoint command, CancellationToken ct)
    {
        var body = command.Body!;
        await sender.CheckUrlAsync(body.Url!, ct);
        var now = clock.GetUtcNow();
        var endpoint = new WebhookEndpoint
        {
            Id = Guid.CreateVersion7(now),
            ProviderId = caller.ProviderId,
            ChannelKeyId = caller.InsuredChannelKey(),
            Url = body.Url!,
            Types = (body.Types ?? []).Distinct().ToList(),
            Secret = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_'),
            CreatedAt = now,
            // Events already committed are not sent: the endpoint receives what happens from now on (the feed has the past).
            // Every event up to the horizon is committed (or never will be): the endpoint starts after them.
            DeliveredThrough = await db.CommittedEventHorizonAsync(ct),
        };
        db.Set<WebhookEndpoint>().Add(endpoint);
        await db.SaveChangesAsync(ct);
        return new CreatedWebhookEndpointDto(WebhookEndpointDto.From(endpoint), endpoint.Secret);
    }

    public async ValueTask<Page<WebhookEndpointDto>> Handle(ListWebhookEndpoints query, CancellationToken ct)
    {
        var (rows, next) = await Own().AsNoTracking().NewestFirstAsync(PageRequest.Of(query.Cursor, query.Limit), e => e.CreatedAt, e => e.Id, ct);
        return new Page<WebhookEndpointDto>(rows.Select(WebhookEndpointDto.From).ToList(), next);
    }

    public async ValueTask<WebhookEndpointDto> Handle(GetWebhookEndpoint query, CancellationToken ct) =>
        WebhookEndpointDto.From(await FindAsync(query.Id, ct));

    public async ValueTask<bool> Handle(DeleteWebhookEndpoint command, CancellationToken ct)
    {
        var deleted = await Own().Where(e => e.Id == command.Id).ExecuteDeleteAsync(ct);
        return deleted > 0 ? true : throw new NotFoundException("Webhook endpoint");
    }

    public async ValueTask<WebhookEndpointDto> Handle(EnableWebhookEndpoint command, CancellationToken ct)
    {
        // The failure state goes with the disabling: the event at the cursor gets a fresh retry window.
        await Own().Where(e => e.Id == command.Id && e.DisabledAt != null).ExecuteUpdateAsync(s => s
            .SetProperty(e => e.DisabledAt, (DateTimeOffset?)null).SetProperty(e => e.DisabledReason, (string?)null)
            .SetProperty(e => e.FailingSince, (DateTimeOffset?)null).SetProperty(e => e.HeadFailedSince, (DateTimeOffset?)null)
            .SetProperty(e => e.Attempts, 0).SetProperty(e => e.NextAttemptAt, (DateTimeOffset?)null), ct);
        return WebhookEndpointDto.From(await FindAsync(command.Id, ct));
    }

    public async ValueTask<WebhookDeliveryDto> Handle(TestWebhookEndpoint command, CancellationToken ct)
    {
        var endpoint = await FindAsync(command.Id, ct);
        var now = clock.GetUtcNow();
        var ping = new EventDto(Guid.CreateVersion7(now), EventTypes.Ping, now,
            new EventResource(endpoint.Id, $"/api/v1/webhook-endpoints/{endpoint.Id}"),
            System.Text.Json.JsonSerializer.SerializeToElement(new { message = "ping from CnsExchange" }, JsonDefaults.Options));
        return await SendOnceAsync(endpoint, new WebhookMessage(ping.Id, ping.Type, ping.ToJson()), null, WebhookDeliveryTrigger.Test, ct);
    }

    public async ValueTask<Page<WebhookDeliveryDto>> Handle(ListWebhookDeliveries query, CancellationToken ct)
    {
        var endpoint = await FindAsync(query.EndpointId, ct);
        var page = PageRequest.Of(query.Cursor, query.Limit);
        var deliveries = db.Set<WebhookDelivery>().AsNoTracking().Where(d => d.EndpointId == endpoint.Id)
            .Within(DateWindow.Of(query.From, query.To), d => d.AttemptedAt);
        if (query.Status is { } status) deliveries = deliveries.Where(d => d.Status == status);
        var (rows, next) = await deliveries.NewestFirstAsync(page, d => d.AttemptedAt, d => d.Id, ct);
        return new Page<WebhookDeliveryDto>(rows.Select(WebhookDeliveryDto.From).ToList(), next);
    }

    public async ValueTask<WebhookDeliveryDto> Handle(RedeliverWebhook command, CancellationToken ct)
    {
        var delivery = await db.Set<WebhookDelivery>().AsNoTracking().SingleOrDefaultAsync(d => d.Id == command.DeliveryId, ct)
                       ?? throw new NotFoundException("Webhook delivery");
        var endpoint = await Own().AsNoTracking().SingleOrDefaultAsync(e => e.Id == delivery.EndpointId, ct) ?? throw new NotFoundException("Webhook delivery");
        if (delivery.EventId is not { } eventId)
            throw new ConflictException("ping_not_redeliverable", "A ping is not redelivered: send a new one with POST /webhook-endpoints/{id}/test.");
        var record = await db.Set<EventRecord>().AsNoTracking().SingleOrDefaultAsync(e => e.Id == eventId, ct)
                     ?? throw new ConflictException("event_expired", "The event of this delivery is past the retention period.");
        var dto = EventDto.From(record);
        return await SendOnceAsync(endpoint, new WebhookMessage(dto.Id, dto.Type, dto.ToJson()), record.Id, WebhookDeliveryTrigger.Redelivery, ct);
    }

    private async Task<WebhookDeliveryDto> SendOnceAsync(WebhookEndpoint endpoint, WebhookMessage message, Guid? eventId, WebhookDeliveryTrigger trigger, CancellationToken ct)
    {
        var attempt = (await sender.SendAsync(endpoint.Url, endpoint.Secret, message, quickRetries: false, ct)).Single();
        var delivery = new WebhookDelivery
        {
            Id = Guid.CreateVersion7(attempt.At),
            EndpointId = endpoint.Id,
            EventId = eventId,
            EventType = message.Type,
            Attempt = 1,
            Status = attempt.Succeeded ? WebhookDeliveryStatus.Succeeded : WebhookDeliveryStatus.Failed,
            Trigger = trigger,
            ResponseCode = attempt.StatusCode,
            ResponseBody = attempt.ResponseBody,
            Error = attempt.Error,
            DurationMs = attempt.DurationMs,
            AttemptedAt = attempt.At,
        };
        db.Set<WebhookDelivery>().Add(delivery);
        await db.SaveChangesAsync(ct);
        return WebhookDeliveryDto.From(delivery);
    }

    /// <summary>A provider's endpoints, an insured-channel key's, or staff's (neither): another owner's endpoint is not found.</summary>
    private IQueryable<WebhookEndpoint> Own()
    {
        var provider = caller.ProviderId;
        var channelKey = caller.InsuredChannelKey();
        return db.Set<WebhookEndpoint>().Where(e => e.ProviderId == provider && e.ChannelKeyId == channelKey);
    }

    private async Task<WebhookEndpoint> FindAsync(Guid id, CancellationToken ct) =>
        await Own().AsNoTracking().SingleOrDefaultAsync(e => e.Id == id, ct) ?? throw new NotFoundException("Webhook endpoint");
}
