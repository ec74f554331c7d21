using CnsExchange.Application.Features.Events;
using CnsExchange.Application.Features.Webhooks;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CnsExchange.Infrastructure.Persistence.Configurations;

internal sealed class EventRecordConfiguration : IEntityTypeConfiguration<EventRecord>
{
    /// <summary>Positions of every sandbox's events, taken at COMMIT (see the EventPositionsWithoutSandboxLock migration).</summary>
    public const string PositionSequence = "event_position_seq";

    public void Configure(EntityTypeBuilder<EventRecord> b)
    {
        b.ToTable("events");
        b.HasKey(x => x.Id);
        b.Property(x => x.Type).HasMaxLength(80);
        b.Property(x => x.ResourceUrl).HasMaxLength(200);
        b.Property(x => x.Data).HasColumnType("jsonb");
        // Set by the commit trigger (cns.events_sequence) from cns.event_position_seq: never written by the application.
        b.Property(x => x.Position).ValueGeneratedOnAddOrUpdate();
        b.HasIndex(x => x.Position).IsUnique().HasDatabaseName("ux_events_position");
        b.HasIndex(x => x.OccurredAt);
        // The insured channel's feed (GET /events): its events in commit order.
        b.HasIndex(x => new { x.ChannelKeyId, x.Position }).HasFilter("channel_key_id IS NOT NULL");
        // voucher.expiring once per voucher.
        b.HasIndex(x => x.ResourceId).IsUnique().HasFilter("type = 'voucher.expiring'").HasDatabaseName("ux_events_voucher_expiring");
    }
}

internal sealed class WebhookEndpointConfiguration : IEntityTypeConfiguration<WebhookEndpoint>
{
    public void Configure(EntityTypeBuilder<WebhookEndpoint> b)
    {
        b.ToTable("webhook_endpoints");
        b.HasKey(x => x.Id);
        b.Property(x => x.Url).HasMaxLength(400);
        b.Property(x => x.Secret).HasMaxLength(100);
        b.Property(x => x.DisabledReason).HasMaxLength(400);
        b.HasIndex(x => new { x.ProviderId, x.CreatedAt });
        b.HasOne<CnsExchange.Domain.Registry.Provider>().WithMany().HasForeignKey(x => x.ProviderId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> b)
    {
        b.ToTable("webhook_deliveries");
        b.HasKey(x => x.Id);
        b.Property(x => x.EventType).HasMaxLength(80);
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.Trigger).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.ResponseBody).HasMaxLength(1024);
        b.Property(x => x.Error).HasMaxLength(400);
        b.HasIndex(x => new { x.EndpointId, x.AttemptedAt });
        b.HasOne<WebhookEndpoint>().WithMany().HasForeignKey(x => x.EndpointId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<EventRecord>().WithMany().HasForeignKey(x => x.EventId).OnDelete(DeleteBehavior.Cascade);
    }
}
