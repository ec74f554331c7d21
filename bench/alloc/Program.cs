using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

// AllocSummary TRACE.nettrace [FRAMES]: the GC's allocation ticks (one per ~100 KB allocated, with the type of the object
// that crossed the mark and the call stack) summed by type, by call stack (FRAMES deep, 12 by default) and inclusively
// by method. Shares compare two traces of the same workload; "per validation" needs a count that the workload fixes
// (e.g. the Npgsql.NpgsqlParameter type's total: a validation creates the same parameters every time).
if (args.Length is < 1 or > 2) { Console.Error.WriteLine("usage: AllocSummary TRACE.nettrace [FRAMES]"); return 2; }
var depth = args.Length > 1 ? int.Parse(args[1]) : 12;
using var log = new TraceLog(TraceLog.CreateFromEventPipeDataFile(args[0]));
var byType = new Dictionary<string, long>();
var byStack = new Dictionary<string, long>();
var inclusive = new Dictionary<string, long>();
long total = 0;
foreach (var e in log.Events)
{
    if (e is not GCAllocationTickTraceData tick) continue;
    var size = tick.AllocationAmount64;
    total += size;
    byType[tick.TypeName] = byType.GetValueOrDefault(tick.TypeName) + size;
    var frames = new List<string>();
    var seen = new HashSet<string>();
    for (var f = e.CallStack(); f is not null; f = f.Caller)
    {
        var method = f.CodeAddress.FullMethodName;
        if (string.IsNullOrEmpty(method)) method = f.CodeAddress.ModuleName + "!?";
        if (frames.Count < depth) frames.Add(method);
        var name = method.IndexOf('(') is var i and > 0 ? method[..i] : method;
        if (seen.Add(name)) inclusive[name] = inclusive.GetValueOrDefault(name) + size;
    }
    var key = tick.TypeName + "\n      " + string.Join("\n      ", frames);
    byStack[key] = byStack.GetValueOrDefault(key) + size;
}
string Line(long bytes) => $"{bytes / 1e6,9:F1} MB {100.0 * bytes / Math.Max(total, 1),5:F1} %";
Console.WriteLine($"allocated (sampled): {total / 1e6:F1} MB");
Console.WriteLine("\n## by type");
foreach (var (type, bytes) in byType.OrderByDescending(x => x.Value).Take(40)) Console.WriteLine($"{Line(bytes)}  {type}");
Console.WriteLine("\n## by method, inclusive (async continuations make these approximate)");
foreach (var (method, bytes) in inclusive.OrderByDescending(x => x.Value).Take(150)) Console.WriteLine($"{Line(bytes)}  {method}");
Console.WriteLine("\n## by call stack");
foreach (var (stack, bytes) in byStack.OrderByDescending(x => x.Value).Take(40)) Console.WriteLine($"{Line(bytes)}  {stack}\n");
return 0;
