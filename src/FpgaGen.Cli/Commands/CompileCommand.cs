using System.CommandLine;
using FpgaGen.Cli.Compile;
using FpgaGen.Toolchains.Projects;

namespace FpgaGen.Cli.Commands;

/// <summary>
/// `fpgagen compile`: runs the vendor tools on a generated project (aoc, v++, vitis_hls), or with --sweep generates
/// and compiles the best designs of an exploration, logging every result for calibration.
/// </summary>
internal static class CompileCommand
{
    public static Command Create(CliIo io)
    {
        var project = new Argument<string?>("project") { Description = "Project folder written by `fpgagen generate` (has design.json)", Arity = ArgumentArity.ZeroOrOne };
        var target = new Option<string?>("--target")
        {
            Description = "aoc: report|emu|hw; Vitis: csynth|csim|sw_emu|hw_emu|hw; Vivado HLS: csynth|csim (default: report for aoc, csynth for HLS)",
        };
        target.AcceptOnlyFromAmong([.. CompileTargets.Names]);
        var timeout = new Option<string?>("--timeout") { Description = "Limit for each compile, e.g. 90s, 30m, 2h; the tool's whole process tree is killed when it passes" };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Tools running at once: designs of a sweep, or HLS kernels of one project", DefaultValueFactory = _ => 1 }.Positive();
        var sweep = new Option<string?>("--sweep") { Description = "Generate and compile the best designs of this `fpgagen explore --out` folder; results go to its results.jsonl" };
        var top = new Option<int>("--top") { Description = "With --sweep: how many of the best designs", DefaultValueFactory = _ => 3 }.Positive();
        var model = new Option<string?>("--model") { Description = "With --sweep: the explored network (default: the model named in designs.json)" };
        var toolPath = new Option<string[]>("--tool-path") { Description = $"Folder searched for aoc, v++ and vitis_hls before PATH (repeatable; also {ToolSet.ToolPathVariable})" };
        var retryFailed = new Option<bool>("--retry-failed") { Description = "With --sweep: compile designs recorded as failed or timed out again (by default only designs without a record run)" };
        var executor = new Option<string>("--executor") { Description = "With --sweep: local (here, --jobs at once) or slurm (one job array, --jobs tasks at once)", DefaultValueFactory = _ => "local" };
        executor.AcceptOnlyFromAmong("local", "slurm");
        var slurm = new SlurmOptions();
        var cmd = new Command("compile", "Run the vendor compiler on a generated project and read its reports; or, with --sweep, generate and compile the best designs of an exploration, here or on a Slurm cluster.")
        {
            project, target, timeout, jobs, sweep, top, model, toolPath, retryFailed, executor,
        };
        foreach (var o in slurm.All) cmd.Options.Add(o);
        cmd.SetAction((r, ct) => io.GuardAsync(async () =>
        {
            var j = r.GetValue(jobs);
            var settings = new CompileSettings(new ToolSet(ToolSet.WithToolPath(io.Tools, r.GetValue(toolPath))))
            {
                Timeout = r.GetValue(timeout) is { } t ? Durations.Parse(t, "--timeout") : null,
                Jobs = j,
            };
            var dir = r.GetValue(project);
            var sweepDir = r.GetValue(sweep);
            if (sweepDir is not null)
            {
                if (dir is not null) throw new UsageException("give either a project folder or --sweep DIR, not both");
                var options = new SweepOptions(sweepDir, r.GetValue(top), r.GetValue(target), r.GetValue(model)) { RetryFailed = r.GetValue(retryFailed) };
                if (r.GetValue(executor) == "slurm")
                    return await SlurmSweepCompile.RunAsync(io, options, settings, slurm.Settings(r, j), !r.GetValue(slurm.NoWait), ct);
                foreach (var slurmOnly in slurm.All)
                    if (r.GetResult(slurmOnly) is { Implicit: false })
                        throw new UsageException($"{slurmOnly.Name} goes with --executor slurm");
                return await SweepCompile.RunAsync(io, options, settings, ct);
            }
            if (dir is null) throw new UsageException("compile needs a project folder (from `fpgagen generate`) or --sweep DIR (from `fpgagen explore --out`)");
            foreach (var sweepOnly in slurm.All.Prepend(executor).Prepend(retryFailed).Prepend(top).Prepend(model))
                if (r.GetResult(sweepOnly) is { Implicit: false })
                    throw new UsageException($"{sweepOnly.Name} goes with --sweep DIR; a project folder is compiled as it is");
            return await SingleCompile.RunAsync(io, dir, r.GetValue(target), settings, ct);
        }, ct));
        return cmd;
    }
}

/// <summary>The options of `compile --sweep DIR --executor slurm`: what each array task asks Slurm for (sbatch(1)).</summary>
internal sealed class SlurmOptions
{
    public Option<string?> Partition { get; } = new("--partition") { Description = "With --executor slurm: the partition (sbatch --partition)" };
    public Option<string?> Account { get; } = new("--account") { Description = "With --executor slurm: the account charged (sbatch --account)" };
    public Option<string?> Qos { get; } = new("--qos") { Description = "With --executor slurm: the quality of service (sbatch --qos)" };
    public Option<string?> Memory { get; } = new("--mem") { Description = "With --executor slurm: memory per compile, e.g. 64G (aoc/v++ hardware builds need 32-64G)" };
    public Option<int?> Cpus { get; } = new("--cpus") { Description = "With --executor slurm: CPUs per compile (sbatch --cpus-per-task)" };
    public Option<string?> Licenses { get; } = new("--licenses") { Description = "With --executor slurm: floating licences each compile holds, e.g. quartus:1; Slurm starts no more compiles than slurm.conf Licenses= has" };
    public Option<string[]> SbatchArgs { get; } = new("--sbatch-arg") { Description = "With --executor slurm: a further sbatch option, e.g. --sbatch-arg=--constraint=fpga (repeatable)" };
    public Option<bool> Requeue { get; } = new("--requeue") { Description = "With --executor slurm: Slurm requeues a compile whose node failed or that was preempted (default: --no-requeue; the next sweep run submits it)" };
    public Option<bool> NoWait { get; } = new("--no-wait") { Description = "With --executor slurm: return after submitting; `fpgagen sweep status DIR` follows the jobs" };

    public IEnumerable<Option> All => [Partition, Account, Qos, Memory, Cpus, Licenses, SbatchArgs, Requeue, NoWait];

    public Toolchains.Slurm.SlurmSettings Settings(ParseResult r, int jobs) => new()
    {
        Jobs = jobs,
        Partition = r.GetValue(Partition),
        Account = r.GetValue(Account),
        Qos = r.GetValue(Qos),
        Memory = r.GetValue(Memory),
        Cpus = r.GetValue(Cpus),
        Licenses = r.GetValue(Licenses),
        SbatchArguments = r.GetValue(SbatchArgs) ?? [],
        Requeue = r.GetValue(Requeue),
    };
}
