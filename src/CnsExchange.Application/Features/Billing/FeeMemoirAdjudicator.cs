using CnsExchange.Domain.Reference;

namespace CnsExchange.Application.Features.Billing;

/// <summary>A memoir to adjudicate, from the API, a billing file or a confirmed simulation.</summary>
public sealed record MemoirToAdjudicate(
    Guid ProviderId,
    string Reference,
    FeeMemoirSource Source,
    DateTimeOffset ReceivedAt,
    IReadOnlyList<FeeMemoirLineInput> Lines)
{
    public IReadOnlyList<int>? SourceLines { get; init; }
    public Guid? BillingFileId { get; init; }
    public Guid? SimulationId { get; init; }
    public string? SourceJson { get; init; }
    public int? SourceLine { get; init; }
    /// <summary>A file's memoir: where an error of the whole memoir points (<see cref="StagedMemoir.MemoirLine"/>).</summary>
    public int? MemoirLine { get; init; }
    /// <summary>LIF-03: the memoir this one replaces (voided by the caller in the same transaction).</summary>
    public Guid? ReplacesMemoirId { get; init; }
}

/// <summary>
/// Adjudicates fee memoirs line by line (RULES.md §3): the facts of the lines are loaded in bulk
/// (<see cref="BillingFacts"/>), the pure rules decide (<see cref="LineAdjudication"/>), and the database settles what
/// concurrency could break — session consumption (BIL-06) and uniqueness of paid lines (BIL-07, BIL-08) — through
/// <see cref="IBillingLedger"/>. Must run inside a transaction; one instance may adjudicate many memoirs of one
/// transaction (a billing file), keeping the voucher services it locked and their counters. Cure and rehabilitation
/// vouchers are checked against their authorisation (RULES.md §5–6: its terms, and for maintenance the sessions already
/// paid in the month, counted under the service lock); doctors' fees for hospital care name a stay instead of a voucher
/// (RULES.md §7) and are decided under a lock on the stay.
/// </summary>
public sealed class FeeMemoirAdjudicator(IAppDbContext db, IBillingLedger ledger, ReferenceCatalog catalog, TimeProvider clock)
{
    public const string ReferenceUsedCode = "memoir_reference_used";
    private const int MaxClaimAttempts = 3;

    /// <summary>
    /// A context on a connection of its own from which billing-file batches read vouchers and insured while this
    /// transaction's connection writes the previous batch (committed data that billing does not change).
    /// </summary>
    public IAppDbContext? PartiesReader { get; init; }

    /// <summary>When set, batches add the time they spend loading facts, deciding and writing.</summary>
    public ImportTimings? Timings { get; init; }

    /// <summary>Sessions left on each voucher service this transaction holds locked.</summary>
    private readonly Dictionary<Guid, int> _remaining = [];

    /// <summary>Locks voucher services (in id order) for the rest of the transaction and reads their counters; a billing file locks all of its services before its first memoir.</summary>
    public async Task LockServicesAsync(IEnumerable<Guid> serviceIds, CancellationToken ct)
    {
        var missing = serviceIds.Where(id => !_remaining.ContainsKey(id)).Distinct().ToList();
        if (missing.Count == 0) return;
        foreach (var (id, counter) in await ledger.LockServicesAsync(missing, ct)) _remaining[id] = counter.Remaining;
    }

    /// <summary>
    /// One memoir (API, confirmed simulation, simulation): its lines are stored one by one, a paid line being claimed in
    /// the database (conditional session increment + unique paid line); a line that loses a race to another memoir is
    /// adjudicated again against what that memoir committed.
    /// </summary>
    public async Task<FeeMemoir> AdjudicateAsync(MemoirToAdjudicate request, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null) throw new InvalidOperationException("Fee memoirs are adjudicated inside a transaction.");
        // Services first (in id order), then hospital stays, then the memoir row: every lock this transaction needs is
        // taken before it writes anything another memoir could wait on.
        var facts = await BillingFactsLoader.LoadAsync(db, ledger, request.ProviderId, request.Lines, ids => LockServicesAsync(ids, ct), ct);
        var memoir = NewMemoir(request);
        if (!await ledger.TryInsertMemoirAsync(memoir, ct))
            throw new ConflictException(ReferenceUsedCode, $"Memoir reference '{request.Reference}' was already used by this provider.");

        var decision = new MemoirDecision(memoir, request.Lines, request.SourceLines, facts, _remaining, catalog);
        foreach (var i in decision.Order)
        {
            var input = decision.Input(i);
            var lineFacts = decision.FactsOf(i);
            for (var attempt = 1; ; attempt++)
            {
                var line = decision.Line(i, lineFacts);
                // Refused lines, and hospital fees (no session to consume; the stay lock keeps BIL-08), are stored as they are;
                // a travel allowance line is claimed without a session (its unique index keeps BIL-08).
                if (!line.IsPaidAtAdjudication || input.HospitalStayId is not null)
                {
                    await ledger.InsertLineAsync(line, ct);
                    decision.Settle(line);
                    break;
                }
                if (attempt > MaxClaimAttempts)
                    throw new InvalidOperationException($"Line {i + 1} of memoir {memoir.Id} could not be settled after {MaxClaimAttempts} attempts.");
                var claim = await ledger.ClaimAsync(line, ct);
                if (claim == ClaimResult.Claimed)
                {
                    decision.Settle(line);
                    break;
                }
                if (claim == ClaimResult.SessionsExhausted)
                {
                    decision.Exhausted(line.VoucherServiceId!.Value);
                    lineFacts = lineFacts with { SessionsRemaining = 0 };
                    continue;
                }
                // Another memoir committed the same session first (same insured and day on another voucher): its line is visible now.
                var again = await ledger.ReadLineStateAsync(request.ProviderId, line.VoucherId, line.InsuredId, input.SessionDate, input.ActCode, ct);
                lineFacts = lineFacts with { DuplicateOfMemoir = again.DuplicateOfMemoir, OtherActSameSession = again.OtherActSameSession };
            }
        }
        decision.Complete(clock.GetUtcNow());
        await ledger.CompleteMemoirAsync(memoir, ct);
        Telemetry.RecordLines([memoir]);
        return memoir;
    }

    /// <summary>A batch of a billing file decided in memory, not yet written; its lines made for the write once decided.</summary>
    private sealed record DecidedBatch(List<FeeMemoir> Memoirs, Dictionary<Guid, int> SessionsConsumed, List<PaidLine> Paid)
    {
        public IEncodedLines? Lines { get; init; }
    }

    private DecidedBatch? _unwritten;

    /// <summary>The facts of the last batch, renewed for the next one (<see cref="BillingFacts.Renew"/>): a batch's facts serve it alone.</summary>
    private BillingFacts? _facts;

    /// <summary>
    /// Memoirs of a billing file, a batch at a time, in file order: decided in memory against facts loaded in bulk for
    /// the batch, then written in bulk (<see cref="IBillingLedger.WriteMemoirsAsync"/>). The file's voucher services are
    /// locked before the first batch, so no other memoir can consume their sessions meanwhile; the unique indexes of paid
    /// lines still stand guard, and a collision fails the whole transaction (the file is then processed again).
    /// <para>
    /// A batch is decided on another thread while the previous one is written (the database works while this process
    /// decides): its paid lines are read before that write, with the previous batch's paid lines recorded on top, and its
    /// vouchers and insured are read meanwhile through <see cref="PartiesReader"/>. Returns the memoirs written by this
    /// call (those of the previous batch); <see cref="FlushAsync"/> writes the last batch.
    /// </para>
    /// </summary>
    public async Task<IReadOnlyList<FeeMemoir>> AdjudicateBatchAsync(IReadOnlyList<MemoirToAdjudicate> requests, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null) throw new InvalidOperationException("Fee memoirs are adjudicated inside a transaction.");
        if (requests.Count == 0) return [];
        var providerId = requests[0].ProviderId;
        if (requests.Any(r => r.ProviderId != providerId)) throw new ArgumentException("A batch holds the memoirs of one provider.", nameof(requests));
        var lines = requests.SelectMany(r => r.Lines).ToList();
        // What the read does before its first query is sent (3.3 ms a batch, timed: bench/results/2026-12-06-p2-paid-lines-preload.md)
        // runs on a pool thread, not on this one, which writes.
        var parties = PartiesReader is { } reader
            ? Task.Run(() => BillingFactsLoader.ReadPartiesAsync(reader, providerId, lines, ct), ct)
            : BillingFactsLoader.ReadPartiesAsync(db, providerId, lines, ct);
        if (PartiesReader is null) await parties; // one connection: one statement at a time
        var stays = await BillingFactsLoader.LockStaysAsync(db, ledger, providerId, lines, ct);
        var paid = await BillingFactsLoader.ReadPaidAsync(ledger, providerId, lines, ct);
        var previous = _unwritten;
        _unwritten = null;
        if (Timings is { } t1) t1.Lap(ref t1.Facts);

        // Decided on another thread while the previous batch is written: the decision touches only its own facts, the
        // read-only catalog and the session counters; the write only the previous batch.
        var deciding = Task.Run(async () =>
        {
            var (named, known) = (await parties, previous is null ? paid : paid.Concat(previous.Paid));
            var facts = _facts = _facts?.Renew(named, stays, known) ?? BillingFacts.Create(providerId, named, stays, known);
            // The file locked its services up front; a voucher issued since then is locked now, before deciding on it.
            var unlocked = facts.ServiceIds(lines).Where(id => !_remaining.ContainsKey(id)).ToList();
            return (Facts: facts, Unlocked: unlocked, Decided: unlocked.Count == 0 ? Decide(requests, facts) : null);
        }, ct);
        if (previous is not null) await WriteAsync(previous, ct);
        if (Timings is { } t2) t2.Lap(ref t2.Written);
        var (decidedFacts, unlocked, decided) = await deciding;
        if (decided is null)
        {
            await LockServicesAsync(unlocked, ct);
            decided = Decide(requests, decidedFacts);
        }
        _unwritten = decided;
        if (Timings is { } t3) t3.Lap(ref t3.Decided);
        return previous?.Memoirs ?? [];
    }

    /// <summary>Writes the last batch decided by <see cref="AdjudicateBatchAsync"/> and the sessions all batches consumed; returns its memoirs.</summary>
    public async Task<IReadOnlyList<FeeMemoir>> FlushAsync(CancellationToken ct)
    {
        var last = _unwritten;
        _unwritten = null;
        if (last is null && _sessionsUnwritten.Count == 0) return [];
        await WriteAsync(last ?? new DecidedBatch([], [], []), ct, lastBatch: true);
        if (Timings is { } t) t.Lap(ref t.Written);
        return last?.Memoirs ?? [];
    }

    /// <summary>
    /// Sessions consumed by the batches written so far, added to the services' counters with the last batch: the file holds
    /// every service it bills locked from its first batch on and decides against the counters it keeps here
    /// (<see cref="_remaining"/>), so nothing reads the stored counters meanwhile. One UPDATE per file instead of one per
    /// batch: each of those joined its few hundred services with a scan of every service of the sandbox, the row-level
    /// security predicate evaluated on each row (20–78 ms a batch of 5,000 lines at 25,000 services).
    /// </summary>
    private readonly Dictionary<Guid, int> _sessionsUnwritten = [];

    private static readonly Dictionary<Guid, int> NoSessions = [];

    /// <summary>Whether the lines table's statistics were checked after the first batch written (see <see cref="IBillingLedger.RefreshLineStatisticsIfBehindAsync"/>).</summary>
    private bool _statisticsChecked;

    private async Task WriteAsync(DecidedBatch batch, CancellationToken ct, bool lastBatch = false)
    {
        foreach (var (service, consumed) in batch.SessionsConsumed)
            _sessionsUnwritten[service] = _sessionsUnwritten.GetValueOrDefault(service) + consumed;
        using (batch.Lines)
            await ledger.WriteMemoirsAsync(batch.Memoirs, batch.Lines, lastBatch ? _sessionsUnwritten : NoSessions, ct);
        if (lastBatch) _sessionsUnwritten.Clear();
        Telemetry.RecordLines(batch.Memoirs);
        if (!_statisticsChecked && batch.Memoirs.Count > 0)
        {
            // A file's later batches read the paid lines of their vouchers and insured: planned on the statistics of an empty
            // table, that read scanned every paid line of the sandbox at each batch.
            _statisticsChecked = true;
            await ledger.RefreshLineStatisticsIfBehindAsync(batch.Memoirs.Sum(m => m.Lines.Count), ct);
        }
    }

    /// <summary>
    /// The batch decided, and its lines made for the write where it was decided, off the connection: sent by the COPY, they
    /// no longer keep PostgreSQL waiting while each row is made (a quarter of the API's CPU in the write phase; in one
    /// sampled run the writing backend waited for rows inside the COPY in about a fifth of its busy time).
    /// </summary>
    private DecidedBatch Decide(IReadOnlyList<MemoirToAdjudicate> requests, BillingFacts facts)
    {
        var batch = new DecidedBatch(new List<FeeMemoir>(requests.Count), [], []);
        var adjudicatedAt = clock.GetUtcNow();
        foreach (var request in requests)
        {
            var decision = MemoirDecision.Decide(NewMemoir(request), request.Lines, request.SourceLines, facts, _remaining, catalog, adjudicatedAt);
            foreach (var (service, consumed) in decision.SessionsConsumed)
                batch.SessionsConsumed[service] = batch.SessionsConsumed.GetValueOrDefault(service) + consumed;
            batch.Paid.AddRange(decision.Paid);
            batch.Memoirs.Add(decision.Memoir);
        }
        return batch with { Lines = ledger.EncodeLines(batch.Memoirs) };
    }

    private FeeMemoir NewMemoir(MemoirToAdjudicate request)
    {
        var receivedOn = LuxembourgCalendar.LocalDate(request.ReceivedAt);
        return new FeeMemoir
        {
            Id = Guid.CreateVersion7(),
            ProviderId = request.ProviderId,
            Reference = request.Reference,
            Source = request.Source,
            BillingFileId = request.BillingFileId,
            SimulationId = request.SimulationId,
            Status = FeeMemoirStatus.Received,
            ReceivedAt = request.ReceivedAt,
            ReceivedOn = receivedOn,
            DueDate = PaymentDeadline.DueDate(receivedOn, catalog),
            SourceJson = request.SourceJson,
            SourceLine = request.SourceLine,
            ReplacesMemoirId = request.ReplacesMemoirId,
        };
    }
}
