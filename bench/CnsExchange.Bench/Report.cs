using System.Globalization;
using System.Text;

namespace CnsExchange.Bench;

/// <summary>The markdown report: each figure with its baseline, the ratio and whether the target is met.</summary>
public sealed class Report
{
    private readonly StringBuilder _rows = new();
    private readonly StringBuilder _notes = new();
    private readonly List<(string Target, bool Met)> _targets = [];

    public static string F(double v, string format = "0.##") => v.ToString(format, CultureInfo.InvariantCulture);

    public void Row(string scenario, string figure, string value, string baseline, string ratio, string target, bool met)
    {
        _rows.AppendLine($"| {scenario} | {figure} | {value} | {baseline} | {ratio} | {target} | {(met ? "met" : "**not met**")} |");
        _targets.Add((scenario + " " + target, met));
    }

    public void Note(string text) => _notes.AppendLine(text).AppendLine();

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
        sb.AppendLine("| scenario | figure | value | baseline | ratio | target | status |");
        sb.AppendLine("| --- | --- | --- | --- | --- | --- | --- |");
        sb.Append(_rows);
        sb.AppendLine();
        sb.AppendLine("## Notes");
        sb.AppendLine();
        sb.Append(_notes);
        return sb.ToString();
    }
}
