using System.Security.Cryptography;
using System.Text;
using CnsExchange.Application.Features.PaymentRuns.Files;

namespace CnsExchange.Application.Features.PaymentRuns;

/// <summary>
/// Where a payment run can be interrupted on purpose (PAY-06 tests): between its steps and inside the steps that
/// change many rows. Production registers <see cref="NoPaymentRunFaults"/>; tests replace it with one that throws
/// at a chosen point, which rolls the current step's transaction back exactly as a crash would.
/// </summary>
public interface IPaymentRunFaults
{
    void At(string point, Guid runId);
}

public sealed class NoPaymentRunFaults : IPaymentRunFaults
{
    public void At(string point, Guid runId) { }
}

/// <summary>The named points of <see cref="IPaymentRunFaults"/>.</summary>
public static class PaymentRunFaultPoints
{
    public const string BeforeClaimLines = "before:claim_lines";
    /// <summary>Inside the claim step: the lines are taken, the memoirs, contestations and counts not yet.</summary>
    public const string ClaimLinesTaken = "claim_lines:lines_taken";
    /// <summary>Inside the claim step: the reversals and recoveries to net are taken (LIF-05).</summary>
    public const string ClaimDebtsTaken = "claim_lines:debts_taken";
    /// <summary>Inside the claim step: pending contestations of memoirs at their last chance lapsed.</summary>
    public const string ClaimContestationsLapsed = "claim_lines:contestations_lapsed";
    /// <summary>Inside the claim step: the memoirs marked as in the run (and the run's counts read), the run row not written yet.</summary>
    public const string ClaimMemoirsMarked = "claim_lines:memoirs_marked";
    public const string BeforeBuildOrders = "before:build_orders";
    /// <summary>Inside the order step: every provider's debts netted (LIF-05), the orders not built yet.</summary>
    public const string DebtsNetted = "build_orders:debts_netted";
    /// <summary>Inside the order step: the orders inserted, the run's totals not yet.</summary>
    public const string OrdersInserted = "build_orders:orders_inserted";
    public const string BeforeWriteFiles = "before:write_files";
    /// <summary>Inside the file step, after each file is built and added (the pain.001 first, then each return file).</summary>
    public const string FileBuilt = "write_files:file_built";
    /// <summary>Inside the file step, after the files of each provider are written.</summary>
    public const string FilesOfProviderWritten = "write_files:provider_written";
    public const string BeforeMarkPaid = "before:mark_paid";
    /// <summary>Inside the closing step: every taken line found in its provider's return file, memoirs and run not yet.</summary>
    public const string MarkPaidLinesDone = "mark_paid:lines_reported";
    /// <summary>Inside the marking step: the memoirs paid, the run not closed yet.</summary>
    public const string MemoirsPaid = "mark_paid:memoirs_paid";
    /// <summary>In every step: its work done and saved, the transaction not committed yet.</summary>
    public const string StepBeforeCommit = "step:before_commit";
    /// <summary>In every step: committed, the lock still held, the next step not started.</summary>
    public const string StepCommitted = "step:committed";

    public static readonly IReadOnlyList<string> All =
    [
        BeforeClaimLines, ClaimLinesTaken, ClaimDebtsTaken, ClaimContestationsLapsed, ClaimMemoirsMarked, BeforeBuildOrders, DebtsNetted, OrdersInserted, BeforeWriteFiles, FileBuilt,
        FilesOfProviderWritten, BeforeMarkPaid, MarkPaidLinesDone, MemoirsPaid, StepBeforeCommit, StepCommitted,
        .. ClaimPaymentFaultPoints.All,
    ];
}

/// <summary>
/// One payment run at a time, across processes (a PostgreSQL advisory lock held on a connection of its own): runs
/// are taken in slot order, so a later run never takes lines an earlier slot should have paid. Re-entrant within a
/// scope (the scheduler holds it while it executes runs).
/// </summary>
public interface IPaymentRunLock
{
    /// <summary>Waits for the lock.</summary>
    Task<IAsyncDisposable> AcquireAsync(CancellationToken ct);

    /// <summary>The lock, or null at once when another process holds it.</summary>
    Task<IAsyncDisposable?> TryAcquireAsync(CancellationToken ct);
}

/// <summary>Queues the background execution of a payment run (a Hangfire job that sends <see cref="ExecutePaymentRun"/>).</summary>
public interface IPaymentRunQueue
{
    void Enqueue(Guid runId);
}

public static class PaymentRunIds
{
    /// <summary>
    /// The id of the run of a scheduled slot in a sandbox, derived from both (a name-based UUID, version 8): the same slot
    /// of the same sandbox always names the same run, whoever creates it. Every sandbox has its own slots with the same
    /// keys (each has a Monday 2026-11-30), and the id is the table's primary key across sandboxes: without the sandbox
    /// in the name, the first sandbox to reach a slot took its id and every other sandbox's run of that slot failed.
    /// </summary>
    public static Guid ForSlot(Guid sandboxId, string slotKey)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"cnsexchange:payment-run:{sandboxId:D}:{slotKey}"));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80); // version 8
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 9562 variant
        return new Guid(bytes, bigEndian: true);
    }
}

/// <summary>
/// The set-based writes of payment runs, each named after the rule it serves; the SQL lives in Infrastructure
/// (<c>PaymentRunStore</c>). Every method runs on the caller's context, connection and transaction.
/// </summary>
public interface IPaymentRunStore
{
    /// <summary>Session settings of one step's transaction (memory for grouping a large run, no JIT for a few statements).</summary>
    Task PrepareStepAsync(CancellationToken ct);

    /// <summary>PAY-01: the pending contestations of lines this run took on their memoir's last chance lapse; the lines are paid as adjudicated.</summary>
    Task LapseContestationsAsync(PaymentRun run, string lapsedReasonJson, string decidedBy, CancellationToken ct);

    /// <summary>
    /// PAY-03: the adjudicated memoirs of the lines this run took are in a payment run; returns how many lines, memoirs
    /// and providers the run took (the same read of its lines).
    /// </summary>
    Task<TakenCounts> MarkMemoirsInPaymentRunAsync(Guid runId, CancellationToken ct);

    /// <summary>Fresh planner statistics of the lines' run column after a claim changed it on many lines.</summary>
    Task RefreshLineStatisticsAsync(CancellationToken ct);

    /// <summary>
    /// PAY-03: one payment order per provider whose netting orders more than 0, with its account as it is now and the
    /// number of its lines the run pays (<paramref name="paidLines"/>, by provider, as read for the netting).
    /// </summary>
    Task InsertOrdersAsync(PaymentRun run, IReadOnlyDictionary<Guid, int> paidLines, DateTimeOffset now, CancellationToken ct);

    /// <summary>
    /// PAY-05: a provider's lines in a run, read in one pass: those its return file lists (refused or reduced, or no
    /// longer payable in full), and the count and sums of the others, accepted and payable in full (<see cref="AcceptedLinesSummary.None"/>
    /// when there is none).
    /// </summary>
    Task<(IReadOnlyList<ListedLine> Listed, AcceptedLinesSummary Accepted)> ReadReturnFileLinesAsync(Guid runId, Guid providerId, CancellationToken ct);

    /// <summary>PAY-06: the memoirs of the run whose every line is settled are paid.</summary>
    Task MarkMemoirsPaidAsync(Guid runId, CancellationToken ct);

    /// <summary>PAY-02: the run of a slot, once whatever process gets there first.</summary>
    Task InsertScheduledRunAsync(Guid id, string number, string slotKey, PaymentRunTrigger trigger, DateTimeOffset asOf, DateOnly executionDate,
        DateTimeOffset now, CancellationToken ct);

    /// <summary>PAY-02: moves the scheduler's watermark forward (never back).</summary>
    Task AdvanceSchedulerAsync(int stateRow, DateTimeOffset through, DateTimeOffset now, CancellationToken ct);
}

/// <summary>What a run took: its lines, of how many memoirs and providers.</summary>
public sealed record TakenCounts(int Lines, int Memoirs, int Providers);
