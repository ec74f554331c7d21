namespace CnsExchange.Application.Features.Vouchers;

/// <summary>Where a voucher stands today: open (valid, sessions left), used up (every session billed), expired or cancelled (LIF-01, whatever else).</summary>
public enum VoucherState
{
    Open,
    UsedUp,
    Expired,
    Cancelled,
}

/// <summary>A voucher in a list: its number, the person, dates, sessions and where it stands today.</summary>
public sealed record VoucherSummaryDto(string Number, VoucherKind Kind, string Matricule, string Category, DateOnly IssuedOn, DateOnly ValidUntil,
    bool ThirdPartyPayment, int SessionsGranted, int SessionsLeft, VoucherState Status, Guid? SourceRequestId);

/// <summary>
/// GET /vouchers: the caller's own vouchers (CNS staff: all), newest first, filtered by <c>status</c> (open, used_up,
/// expired — as of today — or cancelled; a cancelled voucher is only ever cancelled), issue date <c>from</c>/<c>to</c>, and <see cref="Search"/> (matricule, voucher number).
/// </summary>
public sealed record ListVouchers(string? Cursor, int? Limit, VoucherState? Status, DateOnly? From, DateOnly? To) : IQuery<Page<VoucherSummaryDto>>
{
    public SearchTerms Search { get; init; } = SearchTerms.None;
}

public sealed class ListVouchersHandler(IAppDbContext db, TimeProvider clock, ICurrentCaller caller) : IQueryHandler<ListVouchers, Page<VoucherSummaryDto>>
{
    public async ValueTask<Page<VoucherSummaryDto>> Handle(ListVouchers query, CancellationToken ct)
    {
        var page = PageRequest.Of(query.Cursor, query.Limit);
        var window = DateWindow.Of(query.From, query.To);
        var today = LuxembourgCalendar.LocalDate(clock.GetUtcNow());

        var q = db.Vouchers.AsNoTracking();
        if (!caller.IsStaff()) q = q.Where(v => v.ProviderId == caller.ProviderId);
        if (query.Search.Matricule is { } matricule) q = q.Where(v => v.Matricule == matricule);
        if (query.Search.VoucherNumber is { } number) q = q.Where(v => v.Number == number);
        q = q.Within(window, v => v.IssuedOn);
        q = query.Status switch
        {
            VoucherState.Cancelled => q.Where(v => v.CancelledAt != null),
            VoucherState.Expired => q.Where(v => v.CancelledAt == null && v.ValidUntil < today),
            VoucherState.UsedUp => q.Where(v => v.CancelledAt == null && v.ValidUntil >= today && !v.Services.Any(s => s.SessionsBilled < s.SessionsGranted)),
            VoucherState.Open => q.Where(v => v.CancelledAt == null && v.ValidUntil >= today && v.Services.Any(s => s.SessionsBilled < s.SessionsGranted)),
            _ => q,
        };
        var (rows, next) = await q.NewestFirstAsync(page, v => v.CreatedAt, v => v.Id, ct);
        return new Page<VoucherSummaryDto>(rows.Select(v =>
        {
            var granted = v.Services.Sum(s => s.SessionsGranted);
            var left = v.Services.Sum(s => Math.Max(0, s.SessionsGranted - s.SessionsBilled));
            var state = v.CancelledAt is not null ? VoucherState.Cancelled : v.ValidUntil < today ? VoucherState.Expired : left == 0 ? VoucherState.UsedUp : VoucherState.Open;
            return new VoucherSummaryDto(v.Number, v.Kind, v.Matricule, v.Category, v.IssuedOn, v.ValidUntil, v.ThirdPartyPayment, granted, left, state,
                v.SourceRequestId);
        }).ToList(), next);
    }
}
