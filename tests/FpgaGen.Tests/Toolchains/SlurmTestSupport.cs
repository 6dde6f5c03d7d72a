using System.Diagnostics;
using System.Text.Json;
using FpgaGen.Tests.Cli;
using FpgaGen.Toolchains.Discovery;

namespace FpgaGen.Tests.Toolchains;

/// <summary>
/// [Fact] for tests on the real single-node Slurm cluster that test.sh starts (tests/cluster/start.sh, which sets
/// FPGAGEN_TEST_SLURM to its folder). Under CI (CI=true) they always run, and fail saying the cluster is missing;
/// elsewhere, without a cluster, they are skipped with that message.
/// </summary>
public sealed class SlurmFactAttribute : FactAttribute
{
    public SlurmFactAttribute()
    {
        if (SlurmCluster.Folder is null && Environment.GetEnvironmentVariable("CI") != "true")
            Skip = $"{SlurmCluster.Variable} is not set: no test cluster (./test.sh starts one with tests/cluster/start.sh)";
    }
}

/// <summary>The test cluster: its folder, the tools' environment pointing at it, and direct Slurm queries for checks.</summary>
public static class SlurmCluster
{
    public const string Variable = "FPGAGEN_TEST_SLURM";

    public static string? Folder => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } d ? d : null;

    public static string Require() =>
        Folder is { } d && File.Exists(Path.Combine(d, "slurm.conf"))
            ? d
            : throw new InvalidOperationException($"{Variable} is not set or names no cluster (got '{Folder}'): run the tests through ./test.sh, " +
                                                  "which starts a private Slurm cluster with tests/cluster/start.sh DIR and exports it");

    /// <summary>The fakes first on PATH, SLURM_CONF at the test cluster, plus <paramref name="vars"/>.</summary>
    public static ToolEnvironment Tools(params (string Name, string? Value)[] vars) =>
        FakeTools.Environment(vars).With("SLURM_CONF", Path.Combine(Require(), "slurm.conf"));

    /// <summary>
    /// A folder of wrappers around the fakes that set <paramref name="variable"/>=1 (FAKE_TOOL_HANG, FAKE_TOOL_FAIL)
    /// when an argument contains <paramref name="whenArgumentContains"/> (a design's project folder name).
    /// </summary>
    public static string Wrappers(TempDir dir, string name, string whenArgumentContains, string variable)
    {
        foreach (var tool in new[] { "aoc", "v++", "vitis_hls" })
        {
            var script = dir.File($"{name}/{tool}", $$"""
                #!/usr/bin/env bash
                # Test wrapper: {{variable}}=1 for one design, the plain fake for the others.
                for a in "$@"; do
                  case "$a" in *'{{whenArgumentContains}}'*) export {{variable}}=1;; esac
                done
                exec '{{Path.Combine(Fakes.Directory, tool)}}' "$@"
                """);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return Path.Combine(dir.Path, name);
    }

    /// <summary>Runs a Slurm client command against the test cluster; its stdout.</summary>
    public static string Run(string command, params string[] args)
    {
        var info = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["SLURM_CONF"] = Path.Combine(Require(), "slurm.conf");
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{command} {string.Join(' ', args)}: exit {p.ExitCode}: {stderr}");
        return stdout.Result;
    }

    /// <summary>Runs a Slurm client command against the test cluster, whatever its exit code (a clean-up step).</summary>
    public static void TryRun(string command, params string[] args)
    {
        var info = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["SLURM_CONF"] = Path.Combine(Require(), "slurm.conf");
        using var p = Process.Start(info)!;
        _ = p.StandardOutput.ReadToEndAsync();
        _ = p.StandardError.ReadToEnd();
        p.WaitForExit();
    }

    /// <summary>Slurm's accounting (sacct --json) of an array: task id → state, read independently of FpgaGen's parser.</summary>
    public static Dictionary<long, string> Accounting(long arrayJob)
    {
        using var doc = JsonDocument.Parse(Run("sacct", "--json", "--jobs=" + arrayJob));
        return doc.RootElement.GetProperty("jobs").EnumerateArray()
            .Where(j => j.GetProperty("array").GetProperty("task_id").ValueKind == JsonValueKind.Number)
            .ToDictionary(j => j.GetProperty("array").GetProperty("task_id").GetInt64(), j => j.GetProperty("state").GetProperty("current").GetString()!);
    }

    /// <summary>Polls until <paramref name="done"/> holds (fake compiles take a second, a Slurm scheduling pass a few).</summary>
    public static void WaitUntil(Func<bool> done, string what, int seconds = 120)
    {
        var clock = Stopwatch.StartNew();
        while (!done())
        {
            if (clock.Elapsed.TotalSeconds > seconds) Assert.Fail($"not within {seconds} s: {what}");
            Thread.Sleep(500);
        }
    }
}
