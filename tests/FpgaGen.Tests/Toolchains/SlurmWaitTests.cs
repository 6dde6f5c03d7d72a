using System.Text.RegularExpressions;
using FpgaGen.Exploration.Compiles;
using FpgaGen.Tests.Cli;

namespace FpgaGen.Tests.Toolchains;

/// <summary>
/// What `fpgagen compile --sweep … --executor slurm` shows while it waits on the real test cluster, and --timeout end
/// to end: each task's tool is held at a gate (a file the test creates) so the array's state changes when the test
/// says, and the test reads the command's output while it still runs.
/// </summary>
[Collection(SlurmClusterCollection.Name)]
public class SlurmWaitTests(ExploredAlexNet explored) : IDisposable
{
    private static readonly Regex CountsLine = new(@"^\[(\d+):(\d\d):(\d\d)\] (\d+) queued, (\d+) running, (\d+) done, (\d+) failed(.*)$", RegexOptions.Multiline);

    private readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    [SlurmFact]
    public void WaitingShowsTheCountsAsTheyChangeWithTheElapsedTimeAndTheLastFinishedDesign()
    {
        var sweep = SlurmSweepTests.Sweep(dir, explored, "live");
        var gates = Path.Combine(dir.Path, "gates");
        Directory.CreateDirectory(gates);
        var tools = SlurmCluster.Tools().WithPathFirst(GatedTools(sweep, gates, 3));
        // --jobs 2 of 3 designs: two run, the third waits on the array's throttle.
        var live = CliRunner.Start(tools, SlurmSweepTests.Submit(sweep, 3));
        try
        {
            Until(live, o => Counts(o).Any(c => c is (1, 2, 0, 0)), "1 queued, 2 running while both tools are held");
            Assert.DoesNotContain("compiled (", live.Out);

            Release(gates, 1);
            Until(live, o => Counts(o).Any(c => c.Done == 1), "design 1 done");
            var afterFirst = live.Out;
            Assert.Matches(@"\[1/3\] #1 .*: ok in [0-9.]+ s.* \(job \d+_1 on \w+\)", afterFirst);
            Assert.Matches(@"\] \d queued, \d running, 1 done, 0 failed; last #1 ok$", CountsLine.Matches(afterFirst)[^1].Value);
            // The throttle lets design 3 start once design 1 ended.
            Until(live, o => Counts(o).Any(c => c is (0, 2, 1, 0)), "design 3 running after design 1");

            Release(gates, 2);
            Until(live, o => Counts(o).Any(c => c is (0, 1, 2, 0)), "design 2 done, design 3 running");
            Assert.EndsWith("; last #2 ok", CountsLine.Matches(live.Out)[^1].Value);
            Release(gates, 3);
            var run = live.Wait();
            Assert.True(run.Code == 0, run.Out + run.Err);
            var lines = CountsLine.Matches(run.Out).Select(m => m.Value).ToList();
            Assert.EndsWith("0 queued, 0 running, 3 done, 0 failed; last #3 ok", lines[^1]);
            Assert.True(lines.Count >= 4, string.Join('\n', lines));
            // One line per change, the elapsed time never going back.
            Assert.Equal(lines.Count, lines.Distinct().Count());
            var elapsed = CountsLine.Matches(run.Out).Select(m => int.Parse(m.Groups[1].Value) * 3600 + int.Parse(m.Groups[2].Value) * 60 + int.Parse(m.Groups[3].Value)).ToList();
            Assert.Equal(elapsed.Order(), elapsed);
            Assert.True(elapsed[^1] > elapsed[0], string.Join('\n', lines));
            Assert.Contains("3 compiled (3 ok, 0 failed, 0 timed out), 0 skipped", run.Out);
            Assert.True(run.Out.IndexOf("[3/3] #", StringComparison.Ordinal) < run.Out.IndexOf("3 compiled (", StringComparison.Ordinal));
        }
        finally
        {
            for (var rank = 1; rank <= 3; rank++) Release(gates, rank);   // nothing left hanging when an assertion failed
            live.Exit.Wait(TimeSpan.FromSeconds(60));
        }
    }

    /// <summary>
    /// --timeout is fpgagen's own limit on the compile, passed to each task (`sweep task … --timeout 3s`): a tool that
    /// hangs past it is stopped and the design recorded as "timeout", counted so while waiting and in the summary,
    /// shown by status and not submitted again without --retry-failed. Slurm's --time is the limit plus 10 % and
    /// 10 minutes (ceil to minutes), so Slurm does not kill the task first.
    /// </summary>
    [SlurmFact]
    public void ADesignOverTheTimeoutIsRecordedAsTimedOutAndCounted()
    {
        var sweep = SlurmSweepTests.Sweep(dir, explored, "timeout");
        var hanging = SlurmCluster.Tools().WithPathFirst(SlurmCluster.Wrappers(dir, "hang", SlurmSweepTests.Folder(sweep, 2), "FAKE_TOOL_HANG"));
        var run = CliRunner.Run(hanging, SlurmSweepTests.Submit(sweep, 2, "--timeout", "3s"));
        Assert.True(run.Code == 0, run.Out + run.Err);
        Assert.Contains("on Slurm, 2 at once, timeout 3.0 s", run.Out);
        Assert.Matches(@"\[\d/2\] #2 .*: timeout after [0-9.]+ s: ", run.Out);
        Assert.Matches(@"\] 0 queued, 0 running, 1 done, 0 failed, 1 timed out; last #\d \w+", run.Out);
        Assert.Contains("2 compiled (1 ok, 0 failed, 1 timed out), 0 skipped", run.Out);

        var script = File.ReadAllText(Path.Combine(sweep, "sweep", "slurm", "sweep.sbatch"));
        Assert.Contains("#SBATCH --time=11", script);   // ceil(3 s × 1.1 + 10 min) = 11 min
        Assert.Contains("--target report --timeout 3s", script);
        var records = ResultsLog.Read(Path.Combine(sweep, ResultsLog.FileName)).Records;
        var timedOut = records.Single(r => r.Rank == 2);
        Assert.Equal("timeout", timedOut.Status);
        Assert.InRange(timedOut.Seconds, 3, 30);
        Assert.Equal("ok", records.Single(r => r.Rank == 1).Status);
        // fpgagen stopped the tool, not Slurm: the task exits 1 (`sweep task` exits 1 for failed or timed out), which
        // Slurm's accounting shows as FAILED, not as TIMEOUT (its own limit, which would have left no record).
        var job = Assert.Single(SlurmSweepTests.Jobs(sweep)).JobId;
        SlurmCluster.WaitUntil(() => SlurmCluster.Accounting(job) is { Count: 2 } a && a[1] == "COMPLETED" && a[2] == "FAILED", "sacct shows task 1 completed, task 2 failed", 30);

        var status = CliRunner.Run(SlurmCluster.Tools(), "sweep", "status", sweep);
        Assert.Matches(@"2 .* failed +\d+_2 .*timeout after [0-9.]+ s: ", status.Out);
        var again = CliRunner.Run(SlurmCluster.Tools(), SlurmSweepTests.Submit(sweep, 2, "--timeout", "3s"));
        Assert.Contains("skipping 2 of 2 designs already in", again.Out);
        Assert.Contains("nothing to submit", again.Out);
    }

    /// <summary>
    /// On a terminal (a pseudo-terminal from Python's pty module, around the real fpgagen process) the same counts are
    /// the progress display's live line on stderr, redrawn in place, with the bar and the elapsed time; no
    /// "[h:mm:ss]" lines.
    /// </summary>
    [SlurmFact]
    public void OnATerminalTheCountsAreTheLiveLine()
    {
        var sweep = SlurmSweepTests.Sweep(dir, explored, "terminal");
        foreach (var tool in new[] { "aoc", "v++", "vitis_hls" })
        {
            var wrapper = dir.File($"slow/{tool}", $$"""
                #!/usr/bin/env bash
                # Test wrapper: a compile of the sweep's designs takes 4 s more, so the waiting sees them running.
                for a in "$@"; do case "$a" in */sweep/*) sleep 4; break;; esac; done
                exec '{{Path.Combine(Fakes.Directory, tool)}}' "$@"
                """);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var info = new System.Diagnostics.ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        string[] args = ["-c", "import pty, sys; sys.exit(pty.spawn(sys.argv[1:]) >> 8)", "dotnet", typeof(FpgaGen.Cli.Program).Assembly.Location, .. SlurmSweepTests.Submit(sweep, 2)];
        foreach (var a in args)
            info.ArgumentList.Add(a);
        info.Environment["PATH"] = $"{Path.Combine(dir.Path, "slow")}:{Fakes.Directory}:{Environment.GetEnvironmentVariable("PATH")}";
        info.Environment["SLURM_CONF"] = Path.Combine(SlurmCluster.Require(), "slurm.conf");
        info.Environment["TERM"] = "xterm";
        using var p = System.Diagnostics.Process.Start(info)!;
        p.StandardInput.Close();
        var stderr = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEndAsync();
        if (!p.WaitForExit(90_000))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail("fpgagen on a terminal did not end within 90 s: " + output.Result);
        }
        var screen = Regex.Replace(output.Result, @"\x1b\[[0-9;?]*[A-Za-z]", "");
        Assert.True(p.ExitCode == 0, screen + stderr.Result);
        Assert.Matches(@"\d+% +\d\d:\d\d:\d\d 0 queued, 2 running, 0 done, 0 failed", screen);
        Assert.Matches(@"100% +\d\d:\d\d:\d\d 0 queued, 0 running, 2 done, 0 failed; last #\d ok", screen);
        Assert.Contains("\x1b[", output.Result);   // drawn in place with cursor moves
        Assert.DoesNotMatch(@"\[\d+:\d\d:\d\d\] \d+ queued", screen);
        Assert.Contains("2 compiled (2 ok, 0 failed, 0 timed out), 0 skipped", screen);
    }

    /// <summary>(queued, running, done, failed) of each counts line printed so far.</summary>
    private static List<(int Queued, int Running, int Done, int Failed)> Counts(string output) =>
        CountsLine.Matches(output).Select(m => (int.Parse(m.Groups[4].Value), int.Parse(m.Groups[5].Value), int.Parse(m.Groups[6].Value), int.Parse(m.Groups[7].Value))).ToList();

    private static void Until(CliRunner.Live live, Func<string, bool> seen, string what) =>
        SlurmCluster.WaitUntil(() => seen(live.Out) || live.Exit.IsCompleted, what, 60);

    private static void Release(string gates, int rank) => File.WriteAllText(Path.Combine(gates, rank.ToString(System.Globalization.CultureInfo.InvariantCulture)), "");

    /// <summary>
    /// Wrappers around the fakes that, for design 1..<paramref name="designs"/> (found by its project folder in the
    /// arguments), wait until the file gates/RANK exists (at most 90 s) before running the fake.
    /// </summary>
    private string GatedTools(string sweep, string gates, int designs)
    {
        var cases = string.Join("\n", Enumerable.Range(1, designs).Select(r => $"    *'{SlurmSweepTests.Folder(sweep, r)}'*) gate='{gates}/{r}';;"));
        foreach (var tool in new[] { "aoc", "v++", "vitis_hls" })
        {
            var script = dir.File($"gated/{tool}", $$"""
                #!/usr/bin/env bash
                # Test wrapper: hold a design's compile until the test opens its gate.
                gate=
                for a in "$@"; do
                  case "$a" in
                {{cases}}
                  esac
                done
                if [ -n "$gate" ]; then
                  for _ in $(seq 450); do [ -e "$gate" ] && break; sleep 0.2; done
                fi
                exec '{{Path.Combine(Fakes.Directory, tool)}}' "$@"
                """);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return Path.Combine(dir.Path, "gated");
    }
}
