using System.Text.RegularExpressions;

namespace CnsExchange.Bench.Tests;

/// <summary>
/// P4 measures the API as it is started in use: every launcher gives the API processes the same memory settings, which
/// only the environment can carry (src/CnsExchange.Api/CnsExchange.Api.csproj says why; the values: a 16 MiB gen0
/// budget, at most 2 malloc arenas, blocks of 64 KiB or more mapped on their own).
/// </summary>
public sealed class ApiLaunchSettingsTests
{
    public static TheoryData<string> Scripts => new() { "scripts/run.sh", "scripts/scale-out.sh", "bench/run.sh" };

    [Fact]
    public void The_image_sets_all_three()
    {
        var dockerfile = Read("Dockerfile");
        Assert.Matches(new Regex(@"\bDOTNET_GCgen0size=0x1000000\b"), dockerfile);
        Assert.Matches(new Regex(@"\bMALLOC_ARENA_MAX=2\b"), dockerfile);
        Assert.Matches(new Regex(@"\bMALLOC_MMAP_THRESHOLD_=65536\b"), dockerfile);
    }

    [Fact]
    public void The_scripts_take_the_settings_from_one_function_with_the_images_values()
    {
        var api = Read("scripts/lib/api.sh");
        Assert.Contains("DOTNET_GCgen0size=${DOTNET_GCgen0size:-0x1000000}", api, StringComparison.Ordinal);
        Assert.Contains("MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}", api, StringComparison.Ordinal);
        Assert.Contains("MALLOC_MMAP_THRESHOLD_=${MALLOC_MMAP_THRESHOLD_:-65536}", api, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Every_script_starts_each_api_process_with_the_settings(string script)
    {
        // Each subshell that starts an API process (the migration process excepted: it lives for seconds) calls api_runtime_env.
        var starts = Read(script).Split('\n').Where(l => l.Contains("(cd src/CnsExchange.Api &&", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(starts);
        Assert.All(starts, l => Assert.Contains("api_runtime_env &&", l, StringComparison.Ordinal));
    }

    [Fact]
    public void The_chaos_run_gives_its_tool_the_settings_for_the_api_processes_it_starts()
    {
        var text = Read("scripts/scale-out.sh");
        var chaos = text.IndexOf("CnsExchange.Reliability.dll", StringComparison.Ordinal);
        Assert.True(chaos > 0);
        Assert.Contains("api_runtime_env\n", text[..chaos], StringComparison.Ordinal);
    }

    private static string Read(string path) => File.ReadAllText(Path.Combine(RepositoryRoot(), path));

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CnsExchange.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("CnsExchange.sln not found above " + AppContext.BaseDirectory);
    }
}
