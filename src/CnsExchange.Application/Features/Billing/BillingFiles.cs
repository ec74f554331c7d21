using CnsExchange.Application.Behaviors;

namespace CnsExchange.Application.Features.Billing;

public sealed record BillingFileCountsDto(int Memoirs, int Lines, int Accepted, int Reduced, int Refused, decimal CnsAmount);

public sealed record BillingFileMemoirDto(Guid Id, string MemoirReference);

/// <summary>
/// Status of a billing file: <c>received</c> → <c>processing</c> → <c>processed</c> (memoirs created) or
/// <c>rejected</c> (errors with line numbers, nothing imported: BIL-14).
/// </summary>
public sealed record BillingFileDto(
    Guid Id,
    BillingFileStatus Status,
    BillingFileFormat Format,
    string? FileName,
    long SizeBytes,
    string Sha256,
    DateTimeOffset ReceivedAt,
    DateTimeOffset? ProcessingStartedAt,
    DateTimeOffset? CompletedAt,
    BillingFileCountsDto Counts,
    int ErrorCount,
    IReadOnlyList<BillingFileError> Errors,
    IReadOnlyList<BillingFileMemoirDto> Memoirs,
    string MemoirsLink)
{
    /// <summary>Memoirs listed in the status resource; the rest are paged at <see cref="MemoirsLink"/>.</summary>
    public const int MemoirsShown = 1000;

    public static BillingFileDto From(BillingFile f, IReadOnlyList<BillingFileMemoirDto> memoirs) =>
        new(f.Id, f.Status, f.Format, f.FileName, f.SizeBytes, f.Sha256, f.ReceivedAt, f.ProcessingStartedAt, f.CompletedAt,
            new BillingFileCountsDto(f.MemoirCount, f.LineCount, f.AcceptedCount, f.ReducedCount, f.RefusedCount, f.CnsTotal),
            f.ErrorCount, f.Errors, memoirs, $"/api/v1/fee-memoirs?billingFileId={f.Id}");
}

/// <summary>
/// Registers an uploaded billing file (its content already streamed into the store) and leaves it to the background
/// job. With an Idempotency-Key, the same content replays the first answer.
/// </summary>
public sealed record SubmitBillingFile(Guid ProviderId, StoredContent Content, BillingFileFormat Format, string? FileName, string? IdempotencyKey)
    : ICommand<BillingFileDto>, IIdempotentCommand
{
    public string IdempotencyScope => $"{ProviderId}:billing-files";
    public string RequestFingerprint => Fingerprint.Of(new { Content.Sha256, Content.SizeBytes, Format, FileName });
}

public sealed record GetBillingFile(Guid Id) : IQuery<BillingFileDto>;

public sealed record ListBillingFiles(string? Cursor, int? Limit, BillingFileStatus? Status, DateOnly? From = null, DateOnly? To = null) : IQuery<Page<BillingFileDto>>;

public sealed class BillingFileHandlers(IAppDbContext db, TimeProvider clock, ICurrentCaller caller) :
    ICommandHandler<SubmitBillingFile, BillingFileDto>,
    IQueryHandler<GetBillingFile, BillingFileDto>,
    IQueryHandler<ListBillingFiles, Page<BillingFileDto>>
{
    public async ValueTask<BillingFileDto> Handle(SubmitBillingFile command, CancellationToken ct)
    {
        var file = new BillingFile
        {
            Id = Guid.CreateVersion7(),
            ProviderId = command.ProviderId,
            Format = command.Format,
            FileName = command.FileName,
            ContentId = command.Content.ContentId,
            SizeBytes = command.Content.SizeBytes,
            Sha256 = command.Content.Sha256,
            Status = BillingFileStatus.Received,
            ReceivedAt = clock.GetUtcNow(),
        };
        db.Set<BillingFile>().Add(file);
        await db.SaveChangesAsync(ct);
        return BillingFileDto.From(file, []);
    }

    public async ValueTask<BillingFileDto> Handle(GetBillingFile query, CancellationToken ct)
    {
        var file = await db.Set<BillingFile>().AsNoTracking().SingleOrDefaultAsync(f => f.Id == query.Id, ct);
        if (file is null || (!caller.IsStaff() && file.ProviderId != caller.ProviderId)) throw new NotFoundException("Billing file");
        // A file's memoirs commit with its status `processed`, in the import's one transaction: before that there are none to
        // see, and looking would walk the index entries of every memoir the import has written so far (125,000 in the bench's
        // 1M-line file), at each poll of a client following the file.
        var memoirs = file.Status != BillingFileStatus.Processed ? []
            : await db.Set<FeeMemoir>().AsNoTracking().Where(m => m.BillingFileId == file.Id)
                .OrderBy(m => m.SourceLine).Take(BillingFileDto.MemoirsShown)
                .Select(m => new BillingFileMemoirDto(m.Id, m.Reference)).ToListAsync(ct);
        return BillingFileDto.From(file, memoirs);
    }

    public async ValueTask<Page<BillingFileDto>> Handle(ListBillingFiles query, CancellationToken ct)
    {
        var page = PageRequest.Of(query.Cursor, query.Limit);
        var q = db.Set<BillingFile>().AsNoTracking();
        if (!caller.IsStaff()) q = q.Where(f => f.ProviderId == caller.ProviderId);
        if (query.Status is { } status) q = q.Where(f => f.Status == status);
        q = q.Within(DateWindow.Of(query.From, query.To), f => f.ReceivedAt);
        var (rows, next) = await q.NewestFirstAsync(page, f => f.ReceivedAt, f => f.Id, ct);
        return new Page<BillingFileDto>(rows.Select(f => BillingFileDto.From(f, [])).ToList(), next);
    }
}
