using FpgaGen.Exploration.Compiles;
using FpgaGen.Tests.Cli;

namespace FpgaGen.Tests.Toolchains;

/// <summary>
/// A real node failure on the single-node test cluster: `scontrol update nodename=N state=down` while a task compiles.
/// Slurm 22.05 then ends the task's job as NODE_FAIL (its step gets SIGTERM, then SIGKILL after KillWait) and, for a
/// job submitted with --requeue, puts it back in the queue with the same job id, eligible again cred_expire seconds
/// later (5 s on the test cluster, 120 s by default) and started by the main scheduler's next pass
/// (sched_interval=1 there). ReturnToService=2 brings the node back as soon as its slurmd answers.
/// </summary>
[Collection(SlurmClusterCollection.Name)]
public class SlurmNodeFailureTests(ExploredAlexNet explored) : IDisposable
{
    private readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    [SlurmFact]
    public void WithRequeueTheTaskRunsAgainAfterANodeFailureAndIsRecordedOnce()
    {
        var sweep = SlurmSweepTests.Sweep(dir, explored, "requeue");
        var run = CliRunner.Run(FirstRunHangs(), SlurmSweepTests.Submit(sweep, 1, "--no-wait", "--requeue"));
        Assert.True(run.Code == 0, run.Out + run.Err);
        var job = Assert.Single(SlurmSweepTests.Jobs(sweep)).JobId;
        FailTheNodeMidRun(sweep, job);

        SlurmCluster.WaitUntil(() => SlurmSweepTests.States(sweep) is [("done", "COMPLETED")], "the requeued task done", 60);
        var record = Assert.Single(ResultsLog.Read(Path.Combine(sweep, ResultsLog.FileName)).Records);
        Assert.Equal(("ok", $"{job}_1"), (record.Status, record.SlurmJob));
        Assert.Single(SlurmSweepTests.Jobs(sweep));
        // Slurm's accounting has both runs of the one task: the one the node failure ended, and the one after the requeue.
        SlurmCluster.WaitUntil(() => Runs(job) is ["NODE_FAIL", "COMPLETED"], $"sacct shows {job}_1 as NODE_FAIL, then COMPLETED (got {string.Join(", ", Runs(job))})", 30);
    }

    [SlurmFact]
    public void WithoutRequeueANodeFailureLeavesNoRecordAndTheNextRunCompilesIt()
    {
        var sweep = SlurmSweepTests.Sweep(dir, explored, "norequeue");
        var run = CliRunner.Run(FirstRunHangs(), SlurmSweepTests.Submit(sweep, 1, "--no-wait"));
        Assert.True(run.Code == 0, run.Out + run.Err);
        var job = Assert.Single(SlurmSweepTests.Jobs(sweep)).JobId;
        FailTheNodeMidRun(sweep, job);

        SlurmCluster.WaitUntil(() => SlurmSweepTests.States(sweep) is [("stopped", "NODE_FAIL")], "the task stopped by the node failure", 30);
        Assert.Empty(ResultsLog.Read(Path.Combine(sweep, ResultsLog.FileName)).Records);
        var status = CliRunner.Run(SlurmCluster.Tools(), "sweep", "status", sweep).Out;
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(status, $@"1 .* stopped +{job}_1 .*NODE_FAIL without a record.*; the next sweep run submits it again"), status);

        var resume = CliRunner.Run(SlurmCluster.Tools(), SlurmSweepTests.Submit(sweep, 1));
        Assert.True(resume.Code == 0, resume.Out + resume.Err);
        Assert.Contains("1 compiled (1 ok, 0 failed, 0 timed out), 0 skipped", resume.Out);
        var jobs = SlurmSweepTests.Jobs(sweep);
        Assert.Equal(2, jobs.Count);
        var record = Assert.Single(ResultsLog.Read(Path.Combine(sweep, ResultsLog.FileName)).Records);
        Assert.Equal(("ok", $"{jobs[1].JobId}_1"), (record.Status, record.SlurmJob));
    }

    /// <summary>The fakes, hanging in the tool on a task's first run only (Slurm sets SLURM_RESTART_COUNT on a requeued run).</summary>
    private FpgaGen.Toolchains.Discovery.ToolEnvironment FirstRunHangs() => SlurmCluster.Tools().WithPathFirst(Wrapper());

    private string Wrapper()
    {
        foreach (var tool in new[] { "aoc", "v++", "vitis_hls" })
        {
            var script = dir.File($"first-run-hangs/{tool}", $"""
                #!/usr/bin/env bash
                # Test wrapper: the fake hangs unless Slurm has restarted this job.
                [ "${"{"}SLURM_RESTART_COUNT:-0{"}"}" != 0 ] || export FAKE_TOOL_HANG=1
                exec '{Path.Combine(Fakes.Directory, tool)}' "$@"
                """);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return Path.Combine(dir.Path, "first-run-hangs");
    }

    /// <summary>Waits until the task's tool runs (its log names the compile), then marks the node down; the node is resumed whatever happens.</summary>
    private static void FailTheNodeMidRun(string sweep, long job)
    {
        var log = Path.Combine(sweep, "sweep", "slurm", "logs", $"{job}_1.out");
        SlurmCluster.WaitUntil(() => SlurmSweepTests.States(sweep) is [("running", _)] && File.Exists(log) && File.ReadAllText(log).Contains("fpgagen sweep task:"), "the task running", 60);
        Thread.Sleep(1000);   // into the fake tool's hang, past fpgagen's start
        var node = SlurmCluster.Run("sinfo", "-h", "-o", "%N").Trim();
        try
        {
            SlurmCluster.Run("scontrol", "update", "nodename=" + node, "state=down", "reason=fpgagen test: node failure");
        }
        finally
        {
            // ReturnToService=2 usually brings it back at once; resume refuses a node that is not down, which is fine.
            SlurmCluster.TryRun("scontrol", "update", "nodename=" + node, "state=resume");
        }
    }

    /// <summary>Every run of task 1 of the array, in order, from sacct --duplicates.</summary>
    private static string[] Runs(long job) =>
        SlurmCluster.Run("sacct", "-n", "-P", "-X", "--duplicates", "-j", $"{job}_1", "-o", "State").Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
