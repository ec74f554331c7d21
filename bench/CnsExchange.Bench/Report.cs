using System.Globalization;
using System.Text;

namespace CnsExchange.Bench;

/// <summary>A target of the issue: a measured figure at least (or at most) a limit.</summary>
public sealed record Target(string Text, double Limit, bool AtLeast, string Unit = "")
{
    public static Target AtLeastOf(string text, double limit, string unit = "") => new(text, limit, true, unit);
    public static Target AtMostOf(string text, double limit, string unit = "") => new(text, limit, false, unit);

    /// <summary>Met or not, and why: the figure against the limit, or why the figure does not count.</summary>
    /// <param name="invalid">Set when the run itself went wrong (e.g. lines lost): the target is not met whatever the figure.</param>
    public Verdict Judge(double value, string? invalid = null)
    {
        var met = invalid is null && (AtLeast ? value >= Limit : value <= Limit);
        var sign = (AtLeast, met) switch { (true, true) => "≥", (true, false) => "<", (false, true) => "≤", (false, false) => ">" };
        var unit = Unit.Length > 0 ? " " + Unit : "";
        var comparison = $"{Report.F(value)}{unit} {sign} {Report.F(Limit)}{unit}";
        return new Verdict(met, invalid is null ? comparison : $"{invalid} ({comparison})");
    }
}

public sealed record Verdict(bool Met, string Reason);

/// <summary>The markdown report: each figure with its baseline, the ratio and whether the target is met, and per phase a verdict.</summary>
public sealed class Report
{
    private readonly StringBuilder _rows = new();
    private readonly StringBuilder _notes = new();
    private readonly List<(string Target, bool Met)> _targets = [];
    private readonly List<(string Phase, LoadAtStart? Load, List<(string Target, Verdict Verdict)> Checks)> _phases = [];

    public static string F(double v, string format = "0.##") => v.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>Starts a phase: the rows that follow belong to its verdict; the load at its start goes with it.</summary>
    public void Phase(string phase, LoadAtStart? load) => _phases.Add((phase, load, []));

    public void Row(string scenario, string figure, string value, string baseline, string ratio, string target, bool met, string? why = null) =>
        Row(scenario, figure, value, baseline, ratio, target, new Verdict(met, met ? "meets " + target : "misses " + target + (why is null ? "" : "; measured: " + why)));

    /// <summary>A figure judged against one of the issue's targets: the status says met / not met and why.</summary>
    /// <param name="why">What this run measured that explains a miss (e.g. the CPU per answer and what the cores allow at it): added to a miss's reason.</param>
    public Verdict Row(string scenario, string figure, string value, string baseline, string ratio, Target target, double measured, string? invalid = null, string? why = null)
    {
        var verdict = target.Judge(measured, invalid);
        if (!verdict.Met && why is not null) verdict = verdict with { Reason = $"{verdict.Reason}; measured: {why}" };
        Row(scenario, figure, value, baseline, ratio, target.Text, verdict);
        return verdict;
    }

    private void Row(string scenario, string figure, string value, string baseline, string ratio, string target, Verdict verdict)
    {
        _rows.AppendLine($"| {scenario} | {figure} | {value} | {baseline} | {ratio} | {target} | {(verdict.Met ? "met" : "**not met**")}: {verdict.Reason} |");
        _targets.Add((scenario + " " + target, verdict.Met));
        if (_phases.Count == 0) _phases.Add(("-", null, []));
        _phases[^1].Checks.Add((scenario + " " + target, verdict));
    }

    /// <summary>Per phase: met when every target it measured is met, else not met with the reasons; and the load at its start.</summary>
    public IReadOnlyList<string> PhaseVerdicts() => _phases.Select(p =>
    {
        var missed = p.Checks.Where(c => !c.Verdict.Met).ToList();
        var verdict = p.Checks.Count == 0 ? "no target"
            : missed.Count == 0 ? "met"
            : "**not met**: " + string.Join("; ", missed.Select(m => $"{m.Target}: {m.Verdict.Reason}"));
        return $"{p.Phase}: {verdict}. {(p.Load is { } l ? l.Describe() : "load not recorded")}.";
    }).ToList();

    /// <summary>A figure given for information (e.g. a database floor): it has no target, so it is neither met nor counted.</summary>
    public void Info(string scenario, string figure, string value, string baseline, string ratio) =>
        _rows.AppendLine($"| {scenario} | {figure} | {value} | {baseline} | {ratio} | - | information |");

    public void Note(string text) => _notes.AppendLine(text).AppendLine();

    /// <summary>P5's target: each size's cost per line against the one this run measured on the smallest file.</summary>
    public const string P5Target = "≤ 1.2× the smallest file's ms per line";

    /// <summary>
    /// Why a target is missed on this 2-core machine and what would meet it, from the profiles in bench/results
    /// (2026-11-23-p1-validation-profile.md, 2026-11-23-billing-profile.md, 2026-11-23-payment-run-profile.md). Keyed
    /// by scenario and target as the rows give them; written for the targets a run misses.
    /// </summary>
    private static readonly (string Key, string Text)[] Explanations =
    [
        ("P1 ≥ 0.6× baseline",
            "The status of the row gives this run's CPU per validation and per raw INSERT (API, PostgreSQL, load generator; " +
            "row \"CPU per answer\"): on 2 cores shared by all three, the ratio is about the INSERT's cost over the validation's. A " +
            "validation reads the insured person's registry rows, the doctor and the prescription fingerprints, and writes 8 rows in 7 " +
            "tables (the request in two, the scan, the voucher and its service, two fingerprints, the event) and updates two (the " +
            "event's position at commit, the sandbox's storage stripe), where the baseline writes one row; its rows are already " +
            "written in one batch without EF Core's update pipeline (bench/results/2026-12-05-p1-new-rows-writer.md). Would meet " +
            "it: fewer rows and indexes per request (a schema change touching the other features), or a baseline that writes the " +
            "same rows in raw SQL."),
        ("P1 p50 ≤ 5 ms",
            "Measured at 4 connections (at 32, p50 is about 32 ÷ throughput). The status says whether the cores were busy during " +
            "the phase and, if so, the mean latency that 4 requests in flight at this run's CPU per request cannot go below " +
            "(Little's law); a loaded machine moves this figure most."),
        ("P2 ≥ 25,000 lines/s",
            "Writing the lines is most of the job (phase `write` in the notes): each line enters fee_memoir_lines by a binary COPY " +
            "(as the bulk role, row-level security checked once per statement) with about 5 index entries (primary key, memoir and " +
            "line, the BIL-07 and BIL-08 unique indexes of paid lines, unsettled lines) and statement triggers over its references; " +
            "each memoir, one per 8 lines, is staged and moved with INSERT … SELECT under the policy. The status computes from this " +
            "run what the file would take with the write at the pace of the database floor (the row \"database floor\") and all else " +
            "as measured: the write is one part, the phases before it (parse+stage, check, lock, read, facts) the other. Would meet " +
            "it: the write nearer the floor and the phases before it overlapping the write, or more cores for PostgreSQL."),
        ("P2 ≥ 0.8× COPY floor",
            "The floor is one COPY of the lines into a copy of fee_memoir_lines as it is (indexes, triggers, storage parameters), " +
            "into an empty table. The import adds the upload, parsing, staging, checks, the memoirs' rows and adjudication to that " +
            "write (phases in the notes); the status computes the time 0.8× the floor allows and what the phases other than the " +
            "write leave of it. Would meet it: a pipeline in which parsing, checks and reads overlap the write."),
        ("P3 ≤ 1.5× raw SQL",
            "Since issue 24 a run writes each line once, as the bound does (the claim sets the run and the paid amount; paid at, " +
            "reported at and the return file are the run's and its provider's). What the run still does beyond the bound: each " +
            "memoir is written twice (in_payment_run at the claim, a committed step of its own so a crash loses nothing, PAY-06; " +
            "paid at the close), the run's lines are read again per step (netting, orders, return files, memoirs), and 361 files " +
            "(about 700 MB) are rendered and stored, which alone costs about half the bound. Would lower it further: the return " +
            "files rendered from one read of the lines, or the memoirs' two statuses folded into one write."),
        ("P5 " + P5Target,
            "A per-line cost that grows with what the sandbox already holds rather than with the file: compare the phases of " +
            "each size in the notes (a phase whose time per line grows with the size is the place to look; until 3550664 the " +
            "lock phase and the last write read every voucher and service of the sandbox for the 100,000-line files: " +
            "bench/results/2026-12-06-p5-table-size.md), and the machine's load between the rounds. Would meet it steadily: " +
            "every statement of an import by index on what the file names, on a quiet machine."),
    ];

    public string Render(string machine, TimeSpan total)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# CnsExchange benchmark report");
        sb.AppendLine();
        sb.AppendLine($"- machine: {machine}");
        sb.AppendLine($"- total time: {F(total.TotalMinutes, "0.0")} min");
        sb.AppendLine($"- targets met: {_targets.Count(t => t.Met)} of {_targets.Count}");
        sb.AppendLine();
        sb.AppendLine("Ratios compare each figure with a baseline measured in the same run, on the same machine and database.");
        sb.AppendLine();
        sb.AppendLine("## Verdict per phase");
        sb.AppendLine();
        foreach (var line in PhaseVerdicts()) sb.AppendLine("- " + line);
        sb.AppendLine();
        sb.AppendLine("| scenario | figure | value | baseline | ratio | target | status |");
        sb.AppendLine("| --- | --- | --- | --- | --- | --- | --- |");
        sb.Append(_rows);
        sb.AppendLine();
        sb.AppendLine("## Notes");
        sb.AppendLine();
        sb.Append(_notes);
        var missed = Explanations.Where(e => _targets.Any(t => !t.Met && t.Target == e.Key)).ToList();
        if (missed.Count > 0)
        {
            sb.AppendLine("## Targets not met: why, and what would meet them");
            sb.AppendLine();
            foreach (var (key, text) in missed) sb.AppendLine($"- **{key}**: {text}");
        }
        return sb.ToString();
    }
}
