using CnsExchange.Application.Features.PaymentRuns.Files;

namespace CnsExchange.Application.Features.PaymentRuns;

/// <summary>GET /return-files: a provider's return files, newest first (staff: everyone's), filtered by their run's execution date.</summary>
public sealed record ListReturnFiles(string? Cursor, int? Limit, DateOnly? From = null, DateOnly? To = null) : IQuery<Page<ReturnFileDto>>;

/// <summary>GET /return-files/{id}: the stored file in the format and language asked for (a provider's own, else 404).</summary>
public sealed record GetReturnFileContent(Guid Id, ReturnFileFormat Format, string Language) : IQuery<PaymentFileContent>;

public sealed class ReturnFileQueries(IAppDbContext db, ICurrentCaller caller) :
    IQueryHandler<ListReturnFiles, Page<ReturnFileDto>>,
    IQueryHandler<GetReturnFileContent, PaymentFileContent>
{
    public static string Location(Guid returnFileId) => $"/api/v1/return-files/{returnFileId}";

    public static ReturnFileDto ToDto(ProviderReturnFile f, PaymentRun run, IReadOnlyList<PaymentFileDto> files) =>
        new(f.Id, run.Id, run.Number, run.ExecutionDate, f.CreatedAt, f.ProviderCode, f.ProviderName, f.EndToEndId, f.LineCount, f.ListedLineCount, f.PaidLineCount,
            f.ClaimedAmount, f.CnsAmount, f.PaidAmount, Location(f.Id), files);

    public async ValueTask<Page<ReturnFileDto>> Handle(ListReturnFiles query, CancellationToken ct)
    {
        var page = PageRequest.Of(query.Cursor, query.Limit);
        var q =
            from f in db.Set<ProviderReturnFile>().AsNoTracking()
            join r in db.Set<PaymentRun>().AsNoTracking().Within(DateWindow.Of(query.From, query.To), r => r.ExecutionDate) on f.RunId equals r.Id
            select new { File = f, Run = r };
        if (!caller.IsStaff())
        {
            var providerId = caller.RequireProvider();
            q = q.Where(x => x.File.ProviderId == providerId);
        }
        var (rows, next) = await q.NewestFirstAsync(page, x => x.File.CreatedAt, x => x.File.Id, ct);
        var ids = rows.Select(x => x.File.Id).ToList();
        var files = (await db.Set<StoredPaymentFile>().AsNoTracking().Where(f => f.ReturnFileId != null && ids.Contains(f.ReturnFileId.Value))
                .Select(f => new { ReturnFileId = f.ReturnFileId!.Value, f.Kind, f.Format, f.Language, f.FileName, f.MediaType, f.Length, f.Sha256 })
                .ToListAsync(ct))
            .ToLookup(f => f.ReturnFileId);
        return new Page<ReturnFileDto>(rows.Select(x => ToDto(x.File, x.Run,
            files[x.File.Id].OrderBy(f => f.Format).ThenBy(f => f.Language)
                .Select(f => new PaymentFileDto(f.Kind, f.Format, f.Language, f.FileName, f.MediaType, f.Length, f.Sha256, Location(x.File.Id))).ToList())).ToList(), next);
    }

    public async ValueTask<PaymentFileContent> Handle(GetReturnFileContent query, CancellationToken ct)
    {
        var returnFile = await db.Set<ProviderReturnFile>().AsNoTracking().SingleOrDefaultAsync(f => f.Id == query.Id, ct);
        if (returnFile is null || (!caller.IsStaff() && returnFile.ProviderId != caller.ProviderId)) throw new NotFoundException("Return file");
        var format = query.Format.Extension();
        var file = await db.Set<StoredPaymentFile>().AsNoTracking()
            .SingleOrDefaultAsync(f => f.ReturnFileId == returnFile.Id && f.Format == format && f.Language == query.Language, ct)
            ?? throw new NotFoundException("Return file");
        return new PaymentFileContent(file.FileName, file.MediaType, file.Language, file.Content, file.Sha256);
    }
}
