using System.Globalization;
using CnsExchange.Application.Features.Webhooks;

namespace CnsExchange.Application.Features.Events;

/// <summary>
/// A page of the feed in commit order. <see cref="NextCursor"/> is always set: pass it back as <c>after</c> to get what
/// was committed since (the same value when nothing was). <see cref="HasMore"/>: more events wait right now.
/// </summary>
public sealed record EventPage(IReadOnlyList<EventDto> Items, string NextCursor, bool HasMore);

/// <summary>
/// GET /events: the caller's events after a cursor (a provider its own, an insured channel those of the claims it
/// submitted, staff every event of the sandbox).
/// </summary>
public sealed record GetEvents(string? After, string? Types, int? Limit) : IQuery<EventPage>
{
    /// <summary>The Luxembourg dates the events occurred on, inclusive (API.md: lists are filterable by dates).</summary>
    public DateOnly? From { get; init; }
    public DateOnly? To { get; init; }
}

public sealed class EventFeedHandler(IAppDbContext db, ICurrentCaller caller, TimeProvider clock, WebhookOptions options) : IQueryHandler<GetEvents, EventPage>
{
    public async ValueTask<EventPage> Handle(GetEvents query, CancellationToken ct)
    {
        var after = ParseCursor(query.After);
        var types = ParseTypes(query.Types);
        var limit = Cursor.Limit(query.Limit);
        var since = clock.GetUtcNow().AddDays(-options.EventRetentionDays);
        // Up to the horizon only: a position above it may still be taken by a commit in flight, and a reader that went past
        // it would never see that event (positions are taken at COMMIT; see cns.event_horizon).
        var horizon = await db.CommittedEventHorizonAsync(ct);
        var events = db.Set<EventRecord>().AsNoTracking().Where(e => e.Position > after && e.Position <= horizon && e.OccurredAt >= since);
        if (caller.InsuredChannelKey() is { } key) events = events.Where(e => e.ChannelKeyId == key);
        else if (!caller.IsStaff()) events = events.Where(e => e.ProviderId == caller.RequireProvider());
        if (types.Count > 0) events = events.Where(e => types.Contains(e.Type));
        events = events.Within(DateWindow.Of(query.From, query.To), e => e.OccurredAt);
        var rows = await events.OrderBy(e => e.Position).Take(limit + 1).ToListAsync(ct);
        var page = rows.Take(limit).ToList();
        var next = page.Count > 0 ? page[^1].Position!.Value : after;
        return new EventPage(page.Select(EventDto.From).ToList(), next.ToString(CultureInfo.InvariantCulture), rows.Count > limit);
    }

    /// <summary>The cursor is the position of the last event read (0: from the start); stable across restarts.</summary>
    public static long ParseCursor(string? after)
    {
        if (string.IsNullOrEmpty(after)) return 0;
        return long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out var position)
            ? position
            : throw new BadInputException("after", "after is a cursor returned by this feed (nextCursor).");
    }

    public static List<string> ParseTypes(string? types)
    {
        var list = (types ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToList();
        foreach (var type in list)
            if (!EventTypes.IsKnown(type))
                throw new BadInputException("types", $"'{type}' is not an event type; types are: {string.Join(", ", EventTypes.All)}.");
        return list;
    }
}
