using CnsExchange.Application.Behaviors;
using CnsExchange.Domain.Reimbursement;

namespace CnsExchange.Application.Features.PaymentRuns;

/// <summary>POST /admin/payment-runs: a run now, executed in the background (202 + the run's status resource).</summary>
public sealed record StartPaymentRun(string? IdempotencyKey) : ICommand<PaymentRunDto>, IIdempotentCommand
{
    public string IdempotencyScope => "admin:payment-runs";
    public string RequestFingerprint => Fingerprint.Of(new { });
}

/// <summary>GET /payment-runs: staff see every run; a provider the runs it is in, with its own order. Newest first, filtered by status and execution date.</summary>
public sealed record ListPaymentRuns(string? Cursor, int? Limit, PaymentRunStatus? Status = null, DateOnly? From = null, DateOnly? To = null)
    : IQuery<Page<PaymentRunSummaryDto>>;

/// <summary>GET /payment-runs/{id}: the run with its steps (staff), or a provider's own part of it (else 404).</summary>
public sealed record GetPaymentRun(Guid Id) : IQuery<PaymentRunDto>;

/// <summary>GET /payment-runs/{id}/sepa: the stored pain.001 of the run (staff).</summary>
public sealed record GetPaymentRunSepaFile(Guid Id) : IQuery<PaymentFileContent>;

/// <summary>GET /payment-runs/{id}/funds/{fund}/sepa: the stored pain.001 of what a competent fund pays insured persons in the run (staff, INS-05).</summary>
public sealed record GetFundSepaFile(Guid Id, string Fund) : IQuery<PaymentFileContent>;

/// <summary>GET /payment-runs/{id}/verification: hashes every stored file's bytes, compares them with its stored hash and with the file rebuilt (staff).</summary>
public sealed record VerifyPaymentRunFiles(Guid Id) : IQuery<PaymentRunVerificationDto>;

public sealed class PaymentRunHandlers(IAppDbContext db, PaymentRunFactory factory, PaymentRunFileBuilder builder, ICurrentCaller caller, ClaimPaymentStage claims,
    IReferenceData reference) :
    ICommandHandler<StartPaymentRun, PaymentRunDto>,
    IQueryHandler<GetFundSepaFile, PaymentFileContent>,
    IQueryHandler<ListPaymentRuns, Page<PaymentRunSummaryDto>>,
    IQueryHandler<GetPaymentRun, PaymentRunDto>,
    IQueryHandler<GetPaymentRunSepaFile, PaymentFileContent>,
    IQueryHandler<VerifyPaymentRunFiles, PaymentRunVerificationDto>
{
    public static string Location(Guid runId) => $"/api/v1/payment-runs/{runId}";

    public static string SepaLocation(Guid runId) => $"/api/v1/payment-runs/{runId}/sepa";

    public static string FundSepaLocation(Guid runId, string fund) => $"/api/v1/payment-runs/{runId}/funds/{fund}/sepa";

    public async ValueTask<PaymentFileContent> Handle(GetFundSepaFile query, CancellationToken ct)
    {
        if (!await db.Set<PaymentRun>().AnyAsync(r => r.Id == query.Id, ct)) throw new NotFoundException("Payment run");
        var fund = query.Fund.Trim().ToUpperInvariant();
        var file = await db.Set<ClaimPaymentFile>().AsNoTracking()
            .SingleOrDefaultAsync(f => f.RunId == query.Id && f.Fund == fund && f.Kind == ClaimPaymentFileKind.Pain001, ct)
            ?? throw new NotFoundException($"The pain.001 of fund {fund} in this run (a fund has one once the run wrote its files, when it pays an insured person)");
        return new PaymentFileContent(file.FileName, file.MediaType, null, file.Content, file.Sha256);
    }

    public async ValueTask<PaymentRunDto> Handle(StartPaymentRun command, CancellationToken ct)
    {
        var run = await factory.ManualAsync(caller.Actor, ct);
        return await ToDtoAsync(run, ct);
    }

    public async ValueTask<Page<PaymentRunSummaryDto>> Handle(ListPaymentRuns query, CancellationToken ct)
    {
        var page = PageRequest.Of(query.Cursor, query.Limit);
        var runs = db.Set<PaymentRun>().AsNoTracking().Within(DateWindow.Of(query.From, query.To), r => r.ExecutionDate);
        if (query.Status is { } status) runs = runs.Where(r => r.Status == status);
        if (caller.IsStaff())
        {
            var (rows, next) = await runs.NewestFirstAsync(page, r => r.AsOf, r => r.Id, ct);
            return new Page<PaymentRunSummaryDto>(rows.Select(r => new PaymentRunSummaryDto(r.Id, r.Number, r.Trigger, r.AsOf, r.ExecutionDate,
                r.Status, r.ClosedAt, r.LineCount, r.OrderCount, r.TotalAmount, null, null)).ToList(), next);
        }

        // A provider is in a run when the run wrote it a return file (paid or only reported).
        var providerId = caller.RequireProvider();
        var mine =
            from f in db.Set<ProviderReturnFile>().AsNoTracking()
            join r in runs on f.RunId equals r.Id
            where f.ProviderId == providerId
            select new { File = f, Run = r };
        var (mineRows, nextCursor) = await mine.NewestFirstAsync(page, x => x.Run.AsOf, x => x.Run.Id, ct);
        var orderIds = mineRows.Select(x => x.File.PaymentOrderId).OfType<Guid>().ToList();
        var orders = await db.Set<PaymentRunOrder>().AsNoTracking().Where(o => orderIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, ct);
        return new Page<PaymentRunSummaryDto>(mineRows.Select(x => new PaymentRunSummaryDto(x.Run.Id, x.Run.Number, x.Run.Trigger, x.Run.AsOf,
            x.Run.ExecutionDate, x.Run.Status, x.Run.ClosedAt, null, null, null,
            x.File.PaymentOrderId is { } o ? PaymentOrderDto.From(orders[o]) : null, x.File.Id)).ToList(), nextCursor);
    }

    public async ValueTask<PaymentRunDto> Handle(GetPaymentRun query, CancellationToken ct)
    {
        var run = await db.Set<PaymentRun>().AsNoTracking().SingleOrDefaultAsync(r => r.Id == query.Id, ct) ?? throw new NotFoundException("Payment run");
        if (!caller.IsStaff())
        {
            var providerId = caller.RequireProvider();
            if (!await db.Set<ProviderReturnFile>().AnyAsync(f => f.RunId == run.Id && f.ProviderId == providerId, ct))
                throw new NotFoundException("Payment run");
        }
        return await ToDtoAsync(run, ct);
    }

    public async ValueTask<PaymentFileContent> Handle(GetPaymentRunSepaFile query, CancellationToken ct)
    {
        if (!await db.Set<PaymentRun>().AnyAsync(r => r.Id == query.Id, ct)) throw new NotFoundException("Payment run");
        var file = await db.Set<StoredPaymentFile>().AsNoTracking()
            .SingleOrDefaultAsync(f => f.RunId == query.Id && f.Kind == PaymentFileKind.Pain001, ct)
            ?? throw new NotFoundException("The pain.001 file of this run (a run has one once its files are written, when it pays something)");
        return new PaymentFileContent(file.FileName, file.MediaType, null, file.Content, file.Sha256);
    }

    public async ValueTask<PaymentRunVerificationDto> Handle(VerifyPaymentRunFiles query, CancellationToken ct)
    {
        var run = await db.Set<PaymentRun>().AsNoTracking().SingleOrDefaultAsync(r => r.Id == query.Id, ct) ?? throw new NotFoundException("Payment run");
        var stored = await db.Set<StoredPaymentFile>().AsNoTracking().Where(f => f.RunId == run.Id)
            .Select(f => new { f.Id, f.Kind, f.ProviderId, f.Format, f.Language, f.Sha256 }).ToListAsync(ct);
        var rebuilt = new List<BuiltPaymentFile>();
        var orders = await db.Set<PaymentRunOrder>().AsNoTracking().Where(o => o.RunId == run.Id).ToListAsync(ct);
        if (stored.Any(f => f.Kind == PaymentFileKind.Pain001) && builder.Pain001(run, orders) is { } pain001) rebuilt.Add(pain001);
        var returnFiles = await db.Set<ProviderReturnFile>().AsNoTracking().Where(f => f.RunId == run.Id).OrderBy(f => f.ProviderCode).ToListAsync(ct);
        foreach (var f in returnFiles)
            rebuilt.AddRange((await builder.ReturnFileAsync(run, new ReturnFileSubject(f.ProviderId, f.ProviderCode, f.ProviderName, f.EndToEndId), ct)).Files);

        var codes = returnFiles.ToDictionary(f => f.ProviderId, f => f.ProviderCode);
        var checks = new List<PaymentFileCheckDto>();
        foreach (var s in stored.OrderBy(s => s.Kind).ThenBy(s => s.ProviderId is { } p ? codes.GetValueOrDefault(p) : "").ThenBy(s => s.Format).ThenBy(s => s.Language))
        {
            // The stored bytes themselves, one file at a time (a large run's files are hundreds of MB together).
            var content = await db.Set<StoredPaymentFile>().AsNoTracking().Where(f => f.Id == s.Id).Select(f => f.Content).SingleAsync(ct);
            var contentHash = Files.ContentHash.Sha256Hex(content);
            var again = rebuilt.SingleOrDefault(b => b.Kind == s.Kind && b.ProviderId == s.ProviderId && b.FormatName == s.Format && b.Language == s.Language);
            var rebuiltHash = again?.File.Sha256 ?? "";
            var storedHash = s.Sha256.Trim();
            checks.Add(new PaymentFileCheckDto(s.Kind, s.ProviderId is { } p ? codes.GetValueOrDefault(p) : null, s.Format, s.Language,
                storedHash, contentHash, rebuiltHash, contentHash == storedHash, contentHash == rebuiltHash,
                contentHash == storedHash && contentHash == rebuiltHash));
        }
        var identical = checks.All(c => c.Identical) && rebuilt.Count == stored.Count;

        // INS-05: the funds' pain.001 files and the claims' statements.
        var claimStored = await db.Set<ClaimPaymentFile>().AsNoTracking().Where(f => f.RunId == run.Id)
            .Select(f => new { f.Id, f.Kind, f.Fund, f.ClaimId, f.Format, f.Language, f.Sha256 }).ToListAsync(ct);
        var claimRebuilt = claimStored.Count == 0 ? [] : await claims.RebuildFilesAsync(run, ct);
        var claimChecks = new List<ClaimPaymentFileCheckDto>();
        foreach (var s in claimStored.OrderBy(s => s.Fund, StringComparer.Ordinal).ThenBy(s => s.Kind).ThenBy(s => s.ClaimId).ThenBy(s => s.Format).ThenBy(s => s.Language))
        {
            var content = await db.Set<ClaimPaymentFile>().AsNoTracking().Where(f => f.Id == s.Id).Select(f => f.Content).SingleAsync(ct);
            var contentHash = Files.ContentHash.Sha256Hex(content);
            var again = claimRebuilt.SingleOrDefault(b => b.Kind == s.Kind && b.Fund == s.Fund && b.ClaimId == s.ClaimId && b.Format == s.Format && b.Language == s.Language);
            var rebuiltHash = again?.File.Sha256 ?? "";
            claimChecks.Add(new ClaimPaymentFileCheckDto(s.Kind, s.Fund, s.ClaimId, s.Format, s.Language, s.Sha256.Trim(), contentHash, rebuiltHash,
                contentHash == s.Sha256.Trim(), contentHash == rebuiltHash, contentHash == s.Sha256.Trim() && contentHash == rebuiltHash));
        }
        identical = identical && claimChecks.All(c => c.Identical) && claimRebuilt.Count == claimStored.Count;
        return new PaymentRunVerificationDto(run.Id, run.Number, identical, checks.Count + claimChecks.Count, checks, claimChecks);
    }

    private async Task<PaymentRunDto> ToDtoAsync(PaymentRun run, CancellationToken ct)
    {
        var staff = caller.IsStaff();
        Guid? own = staff ? null : caller.RequireProvider();
        var orders = await db.Set<PaymentRunOrder>().AsNoTracking().Where(o => o.RunId == run.Id && (own == null || o.ProviderId == own))
            .OrderBy(o => o.ProviderCode).ToListAsync(ct);
        var returnFiles = await db.Set<ProviderReturnFile>().AsNoTracking().Where(f => f.RunId == run.Id && (own == null || f.ProviderId == own))
            .OrderBy(f => f.ProviderCode).ToListAsync(ct);
        var files = await db.Set<StoredPaymentFile>().AsNoTracking().Where(f => f.RunId == run.Id && (own == null || f.ProviderId == own))
            .Select(f => new { f.Kind, f.ReturnFileId, f.Format, f.Language, f.FileName, f.MediaType, f.Length, f.Sha256 }).ToListAsync(ct);

        PaymentFileDto? pain001 = null;
        if (staff && files.SingleOrDefault(f => f.Kind == PaymentFileKind.Pain001) is { } p)
            pain001 = new PaymentFileDto(p.Kind, p.Format, p.Language, p.FileName, p.MediaType, p.Length, p.Sha256, SepaLocation(run.Id));

        var returnFileDtos = returnFiles.Select(f => ReturnFileQueries.ToDto(f, run,
            files.Where(x => x.ReturnFileId == f.Id).OrderBy(x => x.Format).ThenBy(x => x.Language) // as GET /return-files lists them
                .Select(x => new PaymentFileDto(x.Kind, x.Format, x.Language, x.FileName, x.MediaType, x.Length, x.Sha256, ReturnFileQueries.Location(f.Id)))
                .ToList())).ToList();

        var steps = new[]
        {
            new PaymentRunStepDto("claim_lines", run.LinesClaimedAt is not null, run.LinesClaimedAt),
            new PaymentRunStepDto("build_orders", run.OrdersBuiltAt is not null, run.OrdersBuiltAt),
            new PaymentRunStepDto("write_files", run.FilesWrittenAt is not null, run.FilesWrittenAt),
            new PaymentRunStepDto("mark_paid", run.ClosedAt is not null, run.ClosedAt),
        };
        return new PaymentRunDto(run.Id, run.Number, run.Trigger, staff ? run.SlotKey : null, run.AsOf, run.ExecutionDate, run.Status, run.CreatedAt,
            run.ClosedAt, steps,
            staff ? new PaymentRunCountsDto(run.MemoirCount, run.LineCount, run.PaidLineCount, run.UnpaidLineCount, run.ProviderCount, run.OrderCount, run.FileCount) : null,
            staff ? run.TotalAmount : null,
            staff ? run.FailedAttempts : null,
            staff ? run.LastError : null,
            pain001,
            orders.Select(PaymentOrderDto.From).ToList(),
            returnFileDtos,
            // The report by route and fund is of a closed run: before, a run has paid nothing yet, and counting its lines
            // by fund (a read of every line of the run) at each poll of a running run took database time from the run
            // (at 200,000 lines: 0.2–0.3 s a poll, 14 s of the backends' time during a 36 s run, polled every 250 ms).
            staff && run.Status == PaymentRunStatus.Closed ? await ByRouteAndFundAsync(run, ct) : null,
            staff ? await ReimbursementsAsync(run, ct) : null);
    }

    /// <summary>INS-05, staff: by competent fund, its pain.001 and its transfers to insured persons with their statements.</summary>
    private async Task<IReadOnlyList<ReimbursementFundDto>> ReimbursementsAsync(PaymentRun run, CancellationToken ct)
    {
        var orders = await db.Set<ClaimPaymentOrder>().AsNoTracking().Where(o => o.RunId == run.Id).ToListAsync(ct);
        if (orders.Count == 0) return [];
        var files = (await db.Set<ClaimPaymentFile>().AsNoTracking().Where(f => f.RunId == run.Id)
                .Select(f => new { f.Kind, f.Fund, f.ClaimId, f.Format, f.Language, f.FileName, f.MediaType, f.Length, f.Sha256 }).ToListAsync(ct));
        var result = new List<ReimbursementFundDto>();
        foreach (var fund in orders.GroupBy(o => o.Fund).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var account = reference.Catalog.FundOn(fund.Key, run.ExecutionDate);
            var pain001 = files.SingleOrDefault(f => f.Fund == fund.Key && f.Kind == ClaimPaymentFileKind.Pain001) is { } p
                ? new ClaimPaymentFileDto(p.Kind, p.Format, p.Language, p.FileName, p.MediaType, p.Length, p.Sha256, FundSepaLocation(run.Id, fund.Key))
                : null;
            var transfers = fund.OrderBy(o => o.ClaimId).Select(o => new ClaimTransferDto(o.ClaimId, o.CreditorName, o.Iban, o.Bic, o.Amount, o.LineCount, o.EndToEndId,
                files.Where(f => f.ClaimId == o.ClaimId).OrderBy(f => f.Language).ThenBy(f => f.Format)
                    .Select(f => new ClaimPaymentFileDto(f.Kind, f.Format, f.Language, f.FileName, f.MediaType, f.Length, f.Sha256,
                        $"{Reimbursement.ClaimStatementBuilder.Location(o.ClaimId)}?lang={f.Language}&format={f.Format}")).ToList())).ToList();
            result.Add(new ReimbursementFundDto(fund.Key, account.Name, account.Iban, account.Bic, transfers.Count, transfers.Sum(t => t.Amount), pain001, transfers));
        }
        return result;
    }

    /// <summary>Staff report of a closed run: its memoir lines (route third_party) by the insured's competent fund.</summary>
    private async Task<IReadOnlyList<PaymentRunRouteFundDto>> ByRouteAndFundAsync(PaymentRun run, CancellationToken ct) =>
        (await db.Set<Domain.Billing.FeeMemoirLine>().AsNoTracking().Where(l => l.PaymentRunId == run.Id)
            .GroupBy(l => l.CompetentFund)
            .Select(g => new { Fund = g.Key, Lines = g.Count(), Paid = g.Count(l => l.PaidAmount > 0m), Amount = g.Sum(l => l.PaidAmount ?? 0m) })
            .ToListAsync(ct))
        .OrderBy(g => g.Fund ?? "~", StringComparer.Ordinal)
        // A line's amount is set when the run takes it; it is paid once the run is closed (issue 24), as this run is.
        .Select(g => new PaymentRunRouteFundDto(PaymentRoute.ThirdParty, g.Fund, g.Lines, g.Paid, g.Amount))
        .Concat((await (
                from l in db.Set<ReimbursementClaimLine>().AsNoTracking()
                join c in db.Set<ReimbursementClaim>().AsNoTracking() on l.ClaimId equals c.Id
                where l.PaymentRunId == run.Id
                group l by c.CompetentFund into g
                select new { Fund = g.Key, Lines = g.Count(), Paid = g.Count(l => l.PaidAmount > 0m), Amount = g.Sum(l => l.PaidAmount ?? 0m) })
            .ToListAsync(ct))
            .OrderBy(g => g.Fund ?? "~", StringComparer.Ordinal)
            .Select(g => new PaymentRunRouteFundDto(PaymentRoute.Reimbursement, g.Fund, g.Lines, g.Paid, g.Amount)))
        .ToList();
}
