namespace CnsExchange.Application.Features.Billing;

/// <summary>Sessions granted and already paid on a voucher service, read under a row lock.</summary>
public sealed record SessionCounter(int Granted, int Billed)
{
    public int Remaining => Granted - Billed;
}

/// <summary>Billing state around a line, read from the paid lines (BIL-07, BIL-08).</summary>
public sealed record LineState(string? DuplicateOfMemoir, bool OtherActSameSession);

public enum ClaimResult
{
    /// <summary>One session consumed and the line stored as paid.</summary>
    Claimed,
    /// <summary>No session left (BIL-06): nothing stored.</summary>
    SessionsExhausted,
    /// <summary>A paid line already holds this voucher/date/act or insured/date (BIL-07/08): nothing stored.</summary>
    Conflict,
}

/// <summary>The lines of a batch of memoirs made for the bulk write (<see cref="IBillingLedger.EncodeLines"/>); disposed once written.</summary>
public interface IEncodedLines : IDisposable;

/// <summary>
/// The writes of adjudication, decided by the database: session consumption is a conditional increment and paid
/// lines are unique by partial unique indexes, whatever the concurrency. Works in the caller's transaction.
/// </summary>
public interface IBillingLedger
{
    /// <summary>Locks the voucher services (in id order, to avoid deadlocks), then the insured persons of their vouchers (BIL-07 spans vouchers), for the rest of the transaction, and reads the services' counters.</summary>
    Task<IReadOnlyDictionary<Guid, SessionCounter>> LockServicesAsync(IReadOnlyCollection<Guid> serviceIds, CancellationToken ct);

    /// <summary>Inserts the memoir; false when the provider already used its reference.</summary>
    Task<bool> TryInsertMemoirAsync(FeeMemoir memoir, CancellationToken ct);

    /// <summary>
    /// The paid lines on this provider's vouchers numbered <paramref name="voucherNumbers"/> (BIL-03, BIL-08, CUR-05), this
    /// provider's paid sessions for the insured of <paramref name="matricules"/> (BIL-07, doctors' fees in hospital left
    /// out) and this provider's paid fees in the hospital stays <paramref name="stayIds"/> (BIL-08; INS-08: also the fees of this doctor
    /// reimbursed to the insured, with the claim id as reference), with the reference of
    /// their memoir. A line may come twice (by voucher and by insured).
    /// </summary>
    Task<IReadOnlyList<PaidLine>> PaidLinesAsync(Guid providerId, IReadOnlyCollection<string> voucherNumbers, IReadOnlyCollection<string> matricules,
        IReadOnlyCollection<Guid> stayIds, CancellationToken ct);

    Task<LineState> ReadLineStateAsync(Guid providerId, Guid? voucherId, Guid? insuredId, DateOnly sessionDate, string actCode, CancellationToken ct);

    /// <summary>Consumes one session of <see cref="FeeMemoirLine.VoucherServiceId"/> and stores the paid line, both or neither.</summary>
    Task<ClaimResult> ClaimAsync(FeeMemoirLine line, CancellationToken ct);

    /// <summary>Locks hospital stays (in id order) for the rest of the transaction: doctors' fees for one stay are decided one memoir at a time.</summary>
    Task LockHospitalStaysAsync(IReadOnlyCollection<Guid> stayIds, CancellationToken ct);

    /// <summary>Stores a refused line, or a paid line that consumes no voucher session (a doctor's fee in a locked hospital stay).</summary>
    Task InsertLineAsync(FeeMemoirLine line, CancellationToken ct);

    /// <summary>LIF-02/LIF-04: gives released sessions back to their voucher services (locked by this transaction).</summary>
    Task GiveBackSessionsAsync(IReadOnlyDictionary<Guid, int> sessions, CancellationToken ct);

    /// <summary>INS-03: consumes sessions of voucher services locked by this transaction for a reimbursement claim (the check constraint caps them at the grant).</summary>
    Task ConsumeSessionsAsync(IReadOnlyDictionary<Guid, int> sessions, CancellationToken ct);

    /// <summary>LIF-02/03/04: a memoir's lines, locked (in id order) for the rest of the transaction.</summary>
    Task<List<FeeMemoirLine>> LockMemoirLinesAsync(Guid memoirId, CancellationToken ct);

    /// <summary>LIF-03: each memoir a billing file replaced names the memoir of the file that replaced it.</summary>
    Task LinkReplacedMemoirsAsync(Guid billingFileId, CancellationToken ct);

    /// <summary>Writes the memoir's totals and status.</summary>
    Task CompleteMemoirAsync(FeeMemoir memoir, CancellationToken ct);

    /// <summary>
    /// Writes adjudicated memoirs and their lines in bulk (binary COPY) and raises the session counters of the voucher
    /// services by <paramref name="sessionsConsumed"/> in one statement. The services must be locked by this transaction;
    /// the check constraint on the counters and the unique indexes of paid lines remain the final guard (a violation
    /// fails the statement).
    /// </summary>
    /// <param name="lines">The memoirs' lines, made ahead by <see cref="EncodeLines"/> (null only when there is no memoir).</param>
    Task WriteMemoirsAsync(IReadOnlyList<FeeMemoir> memoirs, IEncodedLines? lines, IReadOnlyDictionary<Guid, int> sessionsConsumed, CancellationToken ct);

    /// <summary>
    /// The lines of <paramref name="memoirs"/> as <see cref="WriteMemoirsAsync"/> sends them, made without the database, so
    /// that any thread can make them ahead of the write.
    /// </summary>
    IEncodedLines EncodeLines(IReadOnlyList<FeeMemoir> memoirs);

    /// <summary>
    /// Analyses fee_memoir_lines (in the caller's transaction, which then sees its own lines counted) when its statistics
    /// know fewer lines than <paramref name="linesWritten"/>, the lines this transaction has just written: a table never
    /// analysed, or analysed while (nearly) empty. Returns whether it did.
    /// </summary>
    Task<bool> RefreshLineStatisticsIfBehindAsync(int linesWritten, CancellationToken ct);
}

public sealed record StoredContent(Guid ContentId, long SizeBytes, string Sha256);

/// <summary>Billing file contents, streamed into and out of the database in chunks (never whole in memory).</summary>
public interface IBillingFileStore
{
    /// <summary>
    /// Reads the stream to its end with no transaction open, then stores it in one short transaction of its own; throws
    /// <see cref="Common.PayloadTooLargeException"/> past <paramref name="maxBytes"/> (nothing kept).
    /// </summary>
    Task<StoredContent> SaveAsync(Stream content, long maxBytes, CancellationToken ct);

    Task DeleteAsync(Guid contentId, CancellationToken ct);

    /// <summary>A sequential read-only stream over the stored content (own connection).</summary>
    Stream OpenRead(Guid contentId);
}

/// <summary>One line of a billing file, as text, with the file line it starts on.</summary>
public sealed record RawBillingLine(
    int SourceLine, int MemoirOrdinal, string MemoirReference, string VoucherNumber, string Matricule, string SessionDate,
    string ActCode, string? Travel, string ClaimedAmount)
{
    /// <summary>LIF-03: the id of the memoir the line's memoir replaces (CSV column / XML element <c>replaces</c>), as text.</summary>
    public string? Replaces { get; init; }

    /// <summary>XML: the line of the line's <c>&lt;memoir&gt;</c> element, where errors of the whole memoir point; CSV: none (they point to the memoir's first row).</summary>
    public int? MemoirLine { get; init; }
}

/// <summary>What a billing file parser reads: a line, or an error at a line (BIL-14).</summary>
public sealed record ParsedItem(RawBillingLine? Line, BillingFileError? Error);

public interface IBillingFileParser
{
    /// <summary>Streams the file: schema/format checks (XML: XSD; CSV: columns) are reported as errors with line numbers.</summary>
    IAsyncEnumerable<ParsedItem> ParseAsync(Stream content, BillingFileFormat format, string providerCode, CancellationToken ct);

    /// <summary>A file that <see cref="ParseAsync"/> read without any error, read again: the same lines, without schema validation.</summary>
    IAsyncEnumerable<ParsedItem> ParseValidAsync(Stream content, BillingFileFormat format, string providerCode, CancellationToken ct);
}

/// <summary>A valid line of a billing file, staged before the import.</summary>
public sealed record StagedLine(int SourceLine, int MemoirOrdinal, string MemoirReference, FeeMemoirLineInput Input)
{
    /// <summary>LIF-03: the memoir the line's memoir replaces.</summary>
    public Guid? Replaces { get; init; }

    /// <summary>XML: the line of the line's <c>&lt;memoir&gt;</c> element (<see cref="RawBillingLine.MemoirLine"/>); CSV: none.</summary>
    public int? MemoirElementLine { get; init; }

    /// <summary>Where an error of the line's whole memoir points: its <c>&lt;memoir&gt;</c> element (XML), else the line itself.</summary>
    public int MemoirLine => MemoirElementLine ?? SourceLine;
}

/// <summary>A memoir of a billing file, in file order.</summary>
public sealed record StagedMemoir(string Reference, int SourceLine, IReadOnlyList<StagedLine> Lines)
{
    public Guid? Replaces => Lines[0].Replaces;

    /// <summary>Where an error of the whole memoir points (<see cref="StagedLine.MemoirLine"/> of its first line).</summary>
    public int MemoirLine => Lines[0].MemoirLine;
}

/// <summary>
/// Staging area of a billing file inside the caller's transaction (dropped at its end): what the lines bill is bulk-copied
/// in while the file streams and checked as a whole in SQL; a file whose memoirs are not runs of lines in file order has
/// its lines copied in again and read back memoir by memoir in file order (a memoir takes the place of its first line).
/// </summary>
public interface IBillingFileStaging : IAsyncDisposable
{
    Task BeginAsync(CancellationToken ct);

    /// <summary>Stages a line; consecutive lines of a memoir that bill the same service and replace the same memoir are staged as one run.</summary>
    Task AddAsync(StagedLine line, CancellationToken ct);

    /// <summary>Ends the bulk copy.</summary>
    Task EndAsync(CancellationToken ct);

    /// <summary>Checks the staged file as a whole: memoir references repeated in the file or already used, memoirs too long, no line at all.</summary>
    Task<IReadOnlyList<BillingFileError>> CheckAsync(Guid providerId, int maxLinesPerMemoir, CancellationToken ct);

    /// <summary>
    /// Whether each staged memoir is one run of consecutive lines of the file, the runs in file order: the file parsed again
    /// from its start then gives the memoirs in the order <see cref="ReadMemoirsAsync"/> reads them in (after <see cref="CheckAsync"/>).
    /// </summary>
    Task<bool> InFileOrderAsync(CancellationToken ct);

    /// <summary>LIF-03: the memoirs the staged memoirs replace, in id order (voided before the file's services are locked).</summary>
    Task<IReadOnlyList<Guid>> ReplacedMemoirsAsync(CancellationToken ct);

    /// <summary>The voucher services the staged lines name (this provider's vouchers), for locking up front.</summary>
    Task<IReadOnlyList<Guid>> ServiceIdsAsync(Guid providerId, CancellationToken ct);

    /// <summary>
    /// The memoirs of a file that is not in file order (<see cref="InFileOrderAsync"/>), read back in the order of their first
    /// lines: <paramref name="lines"/>, the file's lines read again, are copied in first.
    /// </summary>
    IAsyncEnumerable<StagedMemoir> ReadMemoirsAsync(IAsyncEnumerable<StagedLine> lines, CancellationToken ct);
}

/// <summary>Queues the background processing of a billing file.</summary>
public interface IBillingFileQueue
{
    void Enqueue(Guid billingFileId);
}
