using System.Text.Json;
using FpgaGen.Exploration.Compiles;
using FpgaGen.Tests.Cli;
using FpgaGen.Toolchains.Projects;
using FpgaGen.Toolchains.Slurm;
using FpgaGen.Toolchains.Sweeps;

namespace FpgaGen.Tests.Toolchains;

/// <summary>One exploration of AlexNet on a10_385a that every Slurm test copies (designs.json is all a sweep reads).</summary>
public sealed class ExploredAlexNet : IDisposable
{
    private readonly TempDir dir = new();

    public ExploredAlexNet()
    {
        var run = CliRunner.Run("explore", "alexnet", "--device", "a10_385a", "--out", Folder, "--top", "4");
        if (run.Code != 0) throw new InvalidOperationException(run.Err);
    }

    public string Folder => Path.Combine(dir.Path, "explore");

    public void Dispose() => dir.Dispose();
}

/// <summary>The tests on the one test cluster run one at a time (a node failure would hit the others' jobs).</summary>
[CollectionDefinition(Name)]
public sealed class SlurmClusterCollection : ICollectionFixture<ExploredAlexNet>
{
    public const string Name = "Slurm test cluster";
}

/// <summary>
/// Compile sweeps on the real single-node Slurm cluster test.sh starts (tests/cluster/start.sh), with the fake vendor
/// tools: a throttled job array, a task cancelled with scancel mid-run, a design whose tool fails, and a resume while
/// the array still runs. Each task is a real `fpgagen sweep task` process that Slurm starts.
/// </summary>
[Collection(SlurmClusterCollection.Name)]
public class SlurmSweepTests(ExploredAlexNet explored) : IDisposable
{
    private readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    [SlurmFact]
    public void FourDesignsRunAsOneThrottledArrayAndEachIsRecordedOnce()
    {
        var sweep = Sweep("four");
        // A licence the cluster does not declare (slurm.conf has Licenses=quartus:2,vivado:2): sbatch refuses, nothing is submitted.
        var unknown = CliRunner.Run(SlurmCluster.Tools(), Submit(sweep, 4, "--licenses", "matlab:1"));
        Assert.Equal(2, unknown.Code);
        Assert.Contains("error: sbatch refused the sweep's array (sbatch: error: Batch job submission failed: Invalid license specification)", unknown.Err);
        Assert.Empty(Jobs(sweep));

        var run = CliRunner.Run(SlurmCluster.Tools(), Submit(sweep, 4, "--licenses", "quartus:1"));
        Assert.True(run.Code == 0, run.Out + run.Err);
        Assert.Contains("on Slurm, 2 at once, licences quartus:1 per task", run.Out);
        Assert.Contains("4 compiled (4 ok, 0 failed, 0 timed out), 0 skipped", run.Out);

        var job = Assert.Single(Jobs(sweep));
        Assert.Equal("1,2,3,4%2", job.Array);
        var records = ResultsLog.Read(Path.Combine(sweep, ResultsLog.FileName)).Records;
        Assert.Equal(4, records.Count);
        Assert.Equal(4, records.Select(r => r.Key).Distinct().Count());
        Assert.Equal([$"{job.JobId}_1", $"{job.JobId}_2", $"{job.JobId}_3", $"{job.JobId}_4"], records.Select(r => r.SlurmJob).Order());
        Assert.All(records, r => Assert.Equal("ok", r.Status));

        // Slurm's own accounting (slurmdbd) lists the four tasks of the array as completed.
        SlurmCluster.WaitUntil(() => SlurmCluster.Accounting(job.JobId) is { Count: 4 } a && a.Values.All(s => s == "COMPLETED"), "sacct shows 4 completed tasks");
        var script = File.ReadAllText(Path.Combine(sweep, "sweep", "slurm", BatchScript.FileName));
        Assert.Contains("#SBATCH --licenses=quartus:1", script);
        Assert.Contains("#SBATCH --no-requeue", script);
        Assert.Contains("sweep task \"$sweep\" --project \"$project\" --target report", script);

        var status = CliRunner.Run(SlurmCluster.Tools(), "sweep", "status", sweep);
        Assert.True(status.Code == 0, status.Err);
        Assert.Equal(4, status.Out.Split('\n').Count(l => l.Contains(" done ") && l.Contains("ok in")));
        var csv = CliRunner.Run(SlurmCluster.Tools(), "sweep", "status", sweep, "--format", "csv").Out.Trim().Split('\n');
        Assert.Equal("rank,design,state,job,slurm_state,node,seconds,result", csv[0]);
        Assert.Equal(4, csv.Count(l => l.Contains($",done,{job.JobId}_") && l.Contains(",COMPLETED,")));
    }

    [SlurmFact]
    public void TaskCancelledWithScancelIsShownAndResumeCompilesOnlyIt()
    {
        var sweep = Sweep("cancel");
        var second = Folder(sweep, 2);
        var hanging = SlurmCluster.Tools().WithPathFirst(SlurmCluster.Wrappers(dir, "hang", second, "FAKE_TOOL_HANG"));
        var run = CliRunner.Run(hanging, Submit(sweep, 2, "--no-wait"));
        Assert.True(run.Code == 0, run.Out + run.Err);
        Assert.Contains("not waiting: `fpgagen sweep status", run.Out);
        var job = Assert.Single(Jobs(sweep)).JobId;

        SlurmCluster.WaitUntil(() => States(sweep) is [("done", _), ("running", _)], "design 1 done, design 2 running");
        SlurmCluster.Run("scancel", $"{job}_2");
        SlurmCluster.WaitUntil(() => States(sweep) is [("done", _), ("stopped", "CANCELLED")], "design 2 stopped by scancel");
        var status = CliRunner.Run(SlurmCluster.Tools(), "sweep", "status", sweep);
        Assert.Matches($@"2 .* stopped +{job}_2 .*CANCELLED without a record; the next sweep run submits it again", status.Out);
        Assert.Single(ResultsLog.Read(Path.Combine(sweep, ResultsLog.FileName)).Records);

        var resume = CliRunner.Run(SlurmCluster.Tools(), Submit(sweep, 2));
        Assert.True(resume.Code == 0, resume.Out + resume.Err);
        Assert.Contains("skipping 1 of 2 designs already in", resume.Out);
        Assert.Contains("1 compiled (1 ok, 0 failed, 0 timed out), 1 skipped", resume.Out);
        var jobs = Jobs(sweep);
        Assert.Equal(2, jobs.Count);
        Assert.Equal([2], jobs[1].Designs.Select(d => d.Rank));
        var records = ResultsLog.Read(Path.Combine(sweep, ResultsLog.FileName)).Records;
        Assert.Equal(2, records.Count);
        Assert.Equal(2, records.Select(r => r.Key).Distinct().Count());
        Assert.Equal($"{jobs[1].JobId}_2", records.Single(r => r.Rank == 2).SlurmJob);
    }

    [SlurmFact]
    public void FailingToolIsRecordedWithItsFirstErrorAndNotRetriedUnlessAsked()
    {
        var sweep = Sweep("fail");
        var failing = SlurmCluster.Tools().WithPathFirst(SlurmCluster.Wrappers(dir, "fail", Folder(sweep, 2), "FAKE_TOOL_FAIL"));
        var run = CliRunner.Run(failing, Submit(sweep, 2));
        Assert.True(run.Code == 0, run.Out + run.Err);
        Assert.Contains("2 compiled (1 ok, 1 failed, 0 timed out)", run.Out);
        var failed = ResultsLog.Read(Path.Combine(sweep, ResultsLog.FileName)).Records.Single(r => r.Rank == 2);
        Assert.Equal("failed", failed.Status);
        Assert.Matches(@"^aoc failed with exit code 1: .*error: unknown type name 'kernal'", failed.Error);
        Assert.Matches(@"2 .* failed +\d+_2 .*failed after [0-9.]+ s: aoc failed with exit code 1: .*unknown type name 'kernal'", CliRunner.Run(SlurmCluster.Tools(), "sweep", "status", sweep).Out);
        // On an 80-column terminal each design keeps one line (columns left out as needed); the whole results follow,
        // wrapped (a path longer than the line stays whole).
        var narrow = CliRunner.Run(SlurmCluster.Tools(), 80, ["sweep", "status", sweep]);
        Assert.True(narrow.Code == 0, narrow.Err);
        Assert.All(narrow.Out.Split('\n').Where(l => l.Trim().Contains(' ')), l => Assert.True(l.Length <= 80, l));
        Assert.Matches(@"(?m)^ *2 +\S+ .* failed\b", narrow.Out);
        Assert.Contains("#2: failed after", narrow.Out);
        Assert.Contains("unknown type name", narrow.Out.Replace("\n", " "));

        var again = CliRunner.Run(SlurmCluster.Tools(), Submit(sweep, 2));
        Assert.True(again.Code == 0, again.Out + again.Err);
        Assert.Contains("skipping 2 of 2 designs already in", again.Out);
        Assert.Contains("nothing to submit", again.Out);
        Assert.Single(Jobs(sweep));

        var retried = CliRunner.Run(SlurmCluster.Tools(), Submit(sweep, 2, "--retry-failed"));
        Assert.True(retried.Code == 0, retried.Out + retried.Err);
        Assert.Contains("1 compiled (1 ok, 0 failed, 0 timed out), 1 skipped", retried.Out);
        Assert.Equal(2, Jobs(sweep).Count);
    }

    [SlurmFact]
    public void ResumeWhileTheArrayRunsSubmitsNothingLicencesLimitItAndCancelStopsOnlyTheSweepsJobs()
    {
        var sweep = Sweep("running");
        var hanging = SlurmCluster.Tools().WithPathFirst(SlurmCluster.Wrappers(dir, "hang", "/sweep/", "FAKE_TOOL_HANG"));
        // Each task holds both of the cluster's quartus licences (slurm.conf Licenses=quartus:2): one runs at a time.
        var run = CliRunner.Run(hanging, Submit(sweep, 2, "--no-wait", "--licenses", "quartus:2"));
        Assert.True(run.Code == 0, run.Out + run.Err);
        var job = Assert.Single(Jobs(sweep)).JobId;
        // Someone else's array with the sweep's task ids: `squeue --json` in 22.05 lists it whatever -j says, so only
        // FpgaGen's own filter by the sweep's job ids keeps it out of status and cancel. Held, so that it takes no CPU:
        // on a 2-CPU node a running task of it would make the sweep's second task wait on Resources instead of Licenses.
        var other = SlurmCluster.Run("sbatch", "--parsable", "--hold", "--job-name=not-the-sweep", "--output=/dev/null", "--array=1-2", "--wrap=sleep 60").Trim();
        try
        {
            SlurmCluster.WaitUntil(() => States(sweep).Select(s => s.State).Order().SequenceEqual(["queued", "running"]), "one design running, one queued");
            // The scheduler sets the pending task's reason on its next pass (every second here).
            var table = "";
            SlurmCluster.WaitUntil(() => (table = CliRunner.Run(SlurmCluster.Tools(), "sweep", "status", sweep).Out).Contains("waiting: Licenses"), "the queued design waiting on its licences", 30);
            Assert.Contains($"{job}_1", table);
            using (var listed = JsonDocument.Parse(SlurmCluster.Run("squeue", "--json", "--jobs=" + job)))
                Assert.Contains(listed.RootElement.GetProperty("jobs").EnumerateArray(), j => j.GetProperty("array_job_id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture) == other);
            Assert.DoesNotContain(other + "_", table);
            Assert.Contains($"job(s) {job}, target", table);
            Assert.Equal(2, States(sweep).Count);

            var resume = CliRunner.Run(SlurmCluster.Tools(), Submit(sweep, 2, "--no-wait"));
            Assert.True(resume.Code == 0, resume.Out + resume.Err);
            Assert.Contains($"skipping 2 designs already queued or running in Slurm: #1 ({job}_1), #2 ({job}_2)", resume.Out);
            Assert.Contains("not waiting", resume.Out);
            Assert.DoesNotContain("submitted job", resume.Out);
            Assert.Single(Jobs(sweep));

            var cancel = CliRunner.Run(SlurmCluster.Tools(), "sweep", "cancel", sweep);
            Assert.True(cancel.Code == 0, cancel.Err);
            Assert.Contains($"cancelled job(s) {job} with scancel", cancel.Out);
            SlurmCluster.WaitUntil(() => States(sweep).All(s => s is ("stopped", "CANCELLED")), "both designs cancelled");
            Assert.Empty(ResultsLog.Read(Path.Combine(sweep, ResultsLog.FileName)).Records);
            Assert.Equal(["PENDING", "PENDING"], SlurmCluster.Run("squeue", "-h", "-r", "-j", other, "-o", "%T").Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());
        }
        finally
        {
            SlurmCluster.Run("scancel", other, job.ToString(System.Globalization.CultureInfo.InvariantCulture));   // nothing left hanging when an assertion failed
        }
    }

    private string Sweep(string name) => Sweep(dir, explored, name);

    /// <summary>A fresh sweep folder with the fixture's designs.json.</summary>
    internal static string Sweep(TempDir dir, ExploredAlexNet explored, string name)
    {
        SlurmCluster.Require();
        var folder = Path.Combine(dir.Path, name);
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(explored.Folder, ExploredDesigns.FileName), Path.Combine(folder, ExploredDesigns.FileName));
        return folder;
    }

    internal static string[] Submit(string sweep, int top, params string[] more) =>
        ["compile", "--sweep", sweep, "--top", top.ToString(System.Globalization.CultureInfo.InvariantCulture), "--jobs", "2", "--executor", "slurm", .. more];

    internal static string Folder(string sweep, int rank) => ExploredDesigns.Read(sweep).Designs.Single(d => d.Rank == rank).FolderName(CompileTarget.Report);

    internal static IReadOnlyList<SubmittedArray> Jobs(string sweep) => JobsLog.Read(Path.Combine(sweep, "sweep", "slurm", JobsLog.FileName));

    /// <summary>(state, Slurm state) of each design by rank, from `fpgagen sweep status --format json`.</summary>
    internal static List<(string State, string? Slurm)> States(string sweep)
    {
        var status = CliRunner.Run(SlurmCluster.Tools(), "sweep", "status", sweep, "--format", "json");
        Assert.True(status.Code == 0, status.Err);
        using var doc = JsonDocument.Parse(status.Out);
        return doc.RootElement.GetProperty("designs").EnumerateArray().OrderBy(d => d.GetProperty("rank").GetInt32())
            .Select(d => (d.GetProperty("state").GetString()!, d.GetProperty("slurm_state").GetString())).ToList();
    }
}
