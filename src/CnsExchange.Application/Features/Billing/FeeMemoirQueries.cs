namespace CnsExchange.Application.Features.Billing;

/// <summary>GET /fee-memoirs/{id}: a provider sees its own memoirs (another's answers 404); staff see all.</summary>
public sealed record GetFeeMemoir(Guid Id) : IQuery<FeeMemoirDto>;

/// <summary>GET /fee-memoirs: newest first, by receipt; filters on status, receipt dates, billing file and hospital stay.</summary>
public sealed record ListFeeMemoirs(string? Cursor, int? Limit, FeeMemoirStatus? Status, DateOnly? From, DateOnly? To, Guid? BillingFileId)
    : IQuery<Page<FeeMemoirSummaryDto>>
{
    /// <summary>The memoir settling the stay, and memoirs with doctors' fees for it.</summary>
    public Guid? HospitalStayId { get; init; }

    /// <summary>Memoirs with a line for this person (matricule) and/or on this voucher.</summary>
    public SearchTerms Search { get; init; } = SearchTerms.None;
}

public sealed class FeeMemoirQueryHandlers(IAppDbContext db, IReferenceData reference, ICurrentCaller caller) :
    IQueryHandler<GetFeeMemoir, FeeMemoirDto>,
    IQueryHandler<ListFeeMemoirs, Page<FeeMemoirSummaryDto>>
{
    public async ValueTask<FeeMemoirDto> Handle(GetFeeMemoir query, CancellationToken ct)
    {
        var memoir = await db.Set<FeeMemoir>().AsNoTracking().Include(m => m.Lines).AsSplitQuery()
            .SingleOrDefaultAsync(m => m.Id == query.Id, ct);
        if (memoir is null || (!caller.IsStaff() && memoir.ProviderId != caller.ProviderId)) throw new NotFoundException("Fee memoir");
        var providerCode = await db.Providers.Where(p => p.Id == memoir.ProviderId).Select(p => p.Code).SingleAsync(ct);
        var contestations = await db.Set<LineContestation>().AsNoTracking().Where(c => c.MemoirId == memoir.Id).ToDictionaryAsync(c => c.LineId, ct);
        var payments = await PaymentRuns.PaymentRunState.PaymentsAsync(db, memoir.Lines, ct);
        return memoir.ToDto(providerCode, reference, caller.Language, contestations, payments: payments);
    }

    public async ValueTask<Page<FeeMemoirSummaryDto>> Handle(ListFeeMemoirs query, CancellationToken ct)
    {
        var page = PageRequest.Of(query.Cursor, query.Limit);
        var q = db.Set<FeeMemoir>().AsNoTracking();
        if (!caller.IsStaff()) q = q.Where(m => m.ProviderId == caller.ProviderId);
        if (query.Status is { } status) q = q.Where(m => m.Status == status);
        q = q.Within(DateWindow.Of(query.From, query.To), m => m.ReceivedOn);
        if (query.BillingFileId is { } fileId) q = q.Where(m => m.BillingFileId == fileId);
        if (query.HospitalStayId is { } stayId)
            q = q.Where(m => m.HospitalStayId == stayId || db.Set<FeeMemoirLine>().Any(l => l.MemoirId == m.Id && l.HospitalStayId == stayId));
        if (query.Search.Matricule is { } matricule) q = q.Where(m => db.Set<FeeMemoirLine>().Any(l => l.MemoirId == m.Id && l.Matricule == matricule));
        if (query.Search.VoucherNumber is { } voucher) q = q.Where(m => db.Set<FeeMemoirLine>().Any(l => l.MemoirId == m.Id && l.VoucherNumber == voucher));
        var (rows, next) = await q.NewestFirstAsync(page, m => m.ReceivedAt, m => m.Id, ct);
        return new Page<FeeMemoirSummaryDto>(rows.Select(m => m.ToSummary()).ToList(), next);
    }
}
