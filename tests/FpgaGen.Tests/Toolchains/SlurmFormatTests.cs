using FpgaGen.Tests.Cli;
using FpgaGen.Toolchains.Slurm;

namespace FpgaGen.Tests.Toolchains;

/// <summary>The Slurm executor's parts that need no cluster: reading squeue/sacct JSON, the batch script, option checks.</summary>
public class SlurmFormatTests
{
    [Fact]
    public void ArrayTaskListsAndBitmapsExpand()
    {
        Assert.Equal([1, 3, 5, 6, 7], SlurmJson.ExpandRanges("1,3,5-7%2"));
        Assert.Equal([2, 4, 6], SlurmJson.ExpandRanges("2-6:2"));
        Assert.Equal([3, 4, 5, 6], SlurmJson.ExpandBitmap("0x78"));
        Assert.Empty(SlurmJson.ExpandBitmap("0xZZ"));
    }

    // Trimmed from real Slurm 22.05 output on the test cluster: two running tasks and the pending rest of array 4.
    private const string Squeue = """
        {"meta": {}, "errors": [], "jobs": [
          {"job_id": 5, "array_job_id": 4, "array_task_id": 1, "array_task_string": "", "job_state": "RUNNING", "state_reason": "None", "nodes": "vm", "start_time": 1796304228, "end_time": 1827840228, "exit_code": 0},
          {"job_id": 4, "array_job_id": 4, "array_task_id": null, "array_task_string": "3-6%2", "job_state": "PENDING", "state_reason": "JobArrayTaskLimit", "nodes": "", "start_time": 0, "end_time": 0, "exit_code": 0},
          {"job_id": 9, "array_job_id": 0, "array_task_id": null, "array_task_string": "", "job_state": "RUNNING", "state_reason": "None", "nodes": "vm", "start_time": 1796304228}
        ]}
        """;

    private const string Sacct = """
        {"meta": {}, "errors": [], "jobs": [
          {"job_id": 6, "array": {"job_id": 4, "task": null, "task_id": 2}, "state": {"current": "CANCELLED", "reason": "None"}, "nodes": "vm",
           "time": {"start": 1796304228, "end": 1796304230}, "exit_code": {"status": "SIGNALED", "return_code": 0}},
          {"job_id": 4, "array": {"job_id": 4, "task": "0x78", "task_id": null}, "state": {"current": "PENDING", "reason": "JobArrayTaskLimit"}, "nodes": "None assigned",
           "time": {"start": 0, "end": 0}, "exit_code": {"status": "SUCCESS", "return_code": 0}}
        ]}
        """;

    [Fact]
    public void SqueueAndSacctJsonGiveOneStatePerTaskOfTheSweepsArraysOnly()
    {
        var live = SlurmJson.ParseSqueue(Squeue, new HashSet<long> { 4 });
        Assert.Equal([1, 3, 4, 5, 6], live.Select(t => t.TaskId));
        Assert.Equal("vm", live[0].Node);
        Assert.True(live[0].Active);
        Assert.False(live[0].Queued);
        Assert.All(live.Skip(1), t => Assert.Equal(("PENDING", "JobArrayTaskLimit", true), (t.State, t.Reason, t.Queued)));

        var accounted = SlurmJson.ParseSacct(Sacct, new HashSet<long> { 4 });
        Assert.Equal([2, 3, 4, 5, 6], accounted.Select(t => t.TaskId));
        Assert.False(accounted[0].Active);
        Assert.Equal(TimeSpan.FromSeconds(2), accounted[0].EndedUtc - accounted[0].StartedUtc);
        Assert.Null(accounted[1].Node);
        Assert.Throws<OutputException>(() => SlurmJson.ParseSqueue("not json", new HashSet<long> { 4 }));
    }

    [Fact]
    public void BatchScriptQuotesPathsAndListsTheDirectives()
    {
        var settings = new SlurmSettings { Jobs = 3, Partition = "fpga", Memory = "64G", Cpus = 8, Licenses = "quartus:1", Timeout = TimeSpan.FromHours(2), SbatchArguments = ["--constraint=big"] };
        var script = BatchScript.Render("AlexNet\non a10", "/data/it's here", ["/opt/fpgagen/fpgagen"], "hw", settings, [(1, "sweep/1-gemm-0123abcd"), (4, "sweep/4-conv_tiled-89abcdef")]);
        Assert.Contains("# FpgaGen compile sweep: AlexNet?on a10, target hw.", script);
        Assert.Contains("sbatch --array=1,4%3 sweep.sbatch", script);
        foreach (var line in new[] { "--no-requeue", "--partition=fpga", "--mem=64G", "--cpus-per-task=8", "--licenses=quartus:1", "--time=142", "--constraint=big" })
            Assert.Contains("\n#SBATCH " + line + "\n", script);
        Assert.Contains("sweep='/data/it'\\''s here'", script);
        Assert.Contains("  4) project=sweep/4-conv_tiled-89abcdef ;;", script);
        Assert.Contains("--target hw --timeout 7200s", script);
        Assert.Throws<InputException>(() => BatchScript.Render("t", "/a\nb", ["fpgagen"], "hw", settings, []));
        Assert.Contains("\n#SBATCH --requeue\n", BatchScript.Render("t", "/a", ["fpgagen"], "hw", settings with { Requeue = true }, []));
    }

    [Theory]
    [InlineData("--partition", "a b", "--partition 'a b': expected a partition name")]
    [InlineData("--mem", "lots", "--mem 'lots': expected a size as sbatch --mem takes it")]
    [InlineData("--licenses", "quartus:x", "--licenses 'quartus:x': expected licences as NAME:COUNT")]
    [InlineData("--sbatch-arg", "--wrap=rm -rf", "--sbatch-arg '--wrap=rm -rf': expected one sbatch option")]
    public void BadSlurmOptionsAreExitTwoBeforeAnythingRuns(string option, string value, string message)
    {
        var run = CliRunner.Run("compile", "--sweep", "/nonexistent", "--executor", "slurm", option, value);
        Assert.Equal(2, run.Code);
        Assert.Contains("error: " + message, run.Err);
    }

    [Fact]
    public void SlurmOptionsNeedTheSlurmExecutor()
    {
        var run = CliRunner.Run("compile", "--sweep", "/nonexistent", "--partition", "fpga");
        Assert.Equal(2, run.Code);
        Assert.Contains("--partition goes with --executor slurm", run.Err);
    }
}
