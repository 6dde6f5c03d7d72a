using System.CommandLine;
using System.Globalization;
using FpgaGen.Cli.Compile;
using FpgaGen.Cli.Tables;
using FpgaGen.Toolchains.Projects;
using FpgaGen.Toolchains.Slurm;
using FpgaGen.Toolchains.Sweeps;

namespace FpgaGen.Cli.Commands;

/// <summary>
/// `fpgagen sweep status|cancel|task DIR`: a Slurm sweep's designs and jobs (see `fpgagen compile --sweep DIR
/// --executor slurm`). `task` is what each array task of sweep.sbatch runs.
/// </summary>
internal static class SweepCommand
{
    public static Command Create(CliIo io) => new("sweep", "Follow, cancel or run the Slurm jobs of a compile sweep (`fpgagen compile --sweep DIR --executor slurm`).")
    {
        Status(io), Cancel(io), Task(io),
    };

    private static Argument<string> Folder() => new("dir") { Description = "The sweep's `fpgagen explore --out` folder" };

    private static Command Status(CliIo io)
    {
        var dir = Folder();
        var format = CommonOptions.Format(CliIo.Formats);
        var cmd = new Command("status", "Each submitted design: queued, running on which node for how long, done with its figures, failed with its first error, or stopped by Slurm.")
        {
            dir, format,
        };
        cmd.SetAction((r, ct) => io.GuardAsync(async () =>
        {
            var folder = r.GetValue(dir)!;
            var cluster = Cluster(io, folder);
            var (designs, note) = await cluster.StatusAsync(ct);
            var names = DesignNames(folder, cluster);
            var now = DateTime.UtcNow;
            switch (r.GetValue(format))
            {
                case "json":
                    io.WriteJson(new { Sweep = folder, Jobs = cluster.Jobs().Select(j => j.JobId), Note = note, Designs = designs.Select(d => Row(d, names, now)) });
                    break;
                case "csv":
                    io.WriteCsv(["rank", "design", "state", "job", "slurm_state", "node", "seconds", "result"],
                        designs.Select(d => Row(d, names, now)).Select(x => (IReadOnlyList<object?>)[x.Rank, x.Design, x.State, x.Job, x.SlurmState, x.Node, x.Seconds, x.Result]));
                    break;
                default:
                    WriteTable(io, folder, cluster, designs, names, now);
                    if (note is not null) io.Notes.WriteLine("note: " + note);
                    break;
            }
            return 0;
        }, ct));
        return cmd;
    }

    private static Command Cancel(CliIo io)
    {
        var dir = Folder();
        var cmd = new Command("cancel", "scancel the sweep's queued and running jobs (those in sweep/slurm/jobs.jsonl, nothing else); their designs stay without a record, so the next sweep run submits them again.")
        {
            dir,
        };
        cmd.SetAction((r, ct) => io.GuardAsync(async () =>
        {
            var folder = r.GetValue(dir)!;
            var cancelled = await Cluster(io, folder).CancelAsync(ct);
            io.Prose.WriteLine(cancelled.Count == 0
                ? $"no queued or running job of the sweep in {folder}"
                : $"cancelled job(s) {string.Join(", ", cancelled)} with scancel; rerun `fpgagen compile --sweep {folder} ... --executor slurm` to submit their designs again");
            return 0;
        }, ct));
        return cmd;
    }

    private static Command Task(CliIo io)
    {
        var dir = Folder();
        var project = new Option<string>("--project") { Description = "The design's project folder in the sweep, e.g. sweep/1-gemm-0a1b2c3d", Required = true };
        var target = new Option<string?>("--target") { Description = "The sweep's compile target" };
        target.AcceptOnlyFromAmong([.. CompileTargets.Names]);
        var timeout = new Option<string?>("--timeout") { Description = "Limit for the compile, e.g. 90s, 30m, 2h" };
        var toolPath = new Option<string[]>("--tool-path") { Description = $"Folder searched for the vendor tools before PATH (repeatable; also {ToolSet.ToolPathVariable})" };
        var cmd = new Command("task", "One array task of sweep.sbatch: compile one generated project of the sweep and append its record to results.jsonl (exit 0 ok, 1 failed or timed out, 130 stopped).")
        {
            dir, project, target, timeout, toolPath,
        };
        cmd.SetAction((r, ct) => io.GuardAsync(async () =>
        {
            var explored = ExploredDesigns.Read(r.GetValue(dir)!);
            var compileTarget = CompileTargets.Resolve(r.GetValue(target), explored.Device.Toolchain.Kind);
            var name = r.GetValue(project)!;
            var design = explored.Designs.FirstOrDefault(d => "sweep/" + d.FolderName(compileTarget) == name.Replace('\\', '/').TrimEnd('/'))
                ?? throw new InputException($"{explored.File}: lists no design whose project is {name} for target {compileTarget.Name()}; was the folder explored again after the sweep was submitted?");
            var settings = new CompileSettings(new ToolSet(ToolSet.WithToolPath(io.Tools, r.GetValue(toolPath))))
            {
                Timeout = r.GetValue(timeout) is { } t ? Durations.Parse(t, "--timeout") : null,
            };
            var sweep = new CompileSweep(explored, compileTarget, null, settings);
            var slurmJob = Environment.GetEnvironmentVariable("SLURM_ARRAY_JOB_ID") is { Length: > 0 } job && Environment.GetEnvironmentVariable("SLURM_ARRAY_TASK_ID") is { Length: > 0 } task
                ? $"{job}_{task}" : null;
            // A task Slurm requeued (--requeue) after its record was written, but before it ended, does not compile again.
            if (slurmJob is not null && Exploration.Compiles.ResultsLog.Read(sweep.ResultsPath).Records.Any(rec => rec.SlurmJob == slurmJob && rec.Key == design.Key(compileTarget)))
            {
                io.Prose.WriteLine($"{name}: already recorded by task {slurmJob} in {sweep.ResultsPath} (requeued after it finished); nothing to do");
                return 0;
            }
            var outcome = await sweep.CompileGeneratedAsync(design, settings, slurmJob, ct);
            io.Prose.WriteLine(SweepCompile.Line(outcome, 1, 1));
            if (outcome.Record is null) return 130;
            io.Prose.WriteLine($"recorded in {sweep.ResultsPath}");
            return outcome.Record.Status == "ok" ? 0 : 1;
        }, ct));
        return cmd;
    }

    private static SlurmSweep Cluster(CliIo io, string folder)
    {
        var cluster = new SlurmSweep(Path.GetFullPath(folder), new SlurmClient(ToolSet.WithToolPath(io.Tools)));
        if (!File.Exists(cluster.JobsPath))
            throw new InputException($"{folder}: no Slurm jobs recorded ({Path.Combine(folder, "sweep", "slurm", JobsLog.FileName)} is missing); submit with `fpgagen compile --sweep {folder} --executor slurm`");
        return cluster;
    }

    /// <summary>"gemm Tm=32,Tn=16 fp32" for each submitted key, from designs.json; the key itself when the folder was explored again.</summary>
    private static Dictionary<string, string> DesignNames(string folder, SlurmSweep cluster)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        ExploredDesigns explored;
        try
        {
            explored = ExploredDesigns.Read(folder);
        }
        catch (InputException)
        {
            return names;
        }
        foreach (var targetName in cluster.Jobs().Select(j => j.Target).Distinct())
        {
            var index = CompileTargets.Names.ToList().IndexOf(targetName);
            if (index < 0) continue;
            foreach (var d in explored.Designs) names.TryAdd(d.Key((CompileTarget)index), $"{d.Kernel} {d.ParameterText} {d.Precision}");
        }
        return names;
    }

    private sealed record StatusRow(int Rank, string Design, string State, string Job, string? SlurmState, string? Node, double? Seconds, string? Reason, string? Result,
        Exploration.Compiles.CompileRecord? Record);

    private static StatusRow Row(DesignStatus d, Dictionary<string, string> names, DateTime now)
    {
        var t = d.Task;
        double? seconds = t?.StartedUtc is { } start ? Math.Round(((t.EndedUtc ?? now) - start).TotalSeconds) : null;
        if (d.Phase == DesignPhase.Queued) seconds = null;
        var result = d.Record is { } rec
            ? rec.Status == "ok"
                ? string.Create(CultureInfo.InvariantCulture, $"ok in {rec.Seconds:0.0} s") + SweepCompile.Figures(rec)
                : string.Create(CultureInfo.InvariantCulture, $"{rec.Status} after {rec.Seconds:0.0} s: {rec.Error}")
            : d.Phase switch
            {
                DesignPhase.Stopped => $"{t!.State} without a record{(t.Reason is { } why ? $" ({why})" : "")}; the next sweep run submits it again",
                DesignPhase.Unknown => "no record, and Slurm no longer lists the job; the next sweep run submits it again",
                DesignPhase.Queued => t?.Reason is { } why ? $"waiting: {why}" : null,
                _ => null,
            };
        return new StatusRow(d.Design.Rank, names.GetValueOrDefault(d.Design.Key, d.Design.Key), d.Phase.ToString().ToLowerInvariant(), d.TaskName, t?.State, t?.Node, seconds,
            t?.Reason, result, d.Record);
    }

    private static void WriteTable(CliIo io, string folder, SlurmSweep cluster, IReadOnlyList<DesignStatus> designs, Dictionary<string, string> names, DateTime now)
    {
        var jobs = cluster.Jobs();
        var counts = string.Join(", ", designs.GroupBy(d => d.Phase).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}"));
        io.Prose.WriteLine($"sweep {folder}: {designs.Count} designs in Slurm job(s) {string.Join(", ", jobs.Select(j => j.JobId))}, target {string.Join(", ", jobs.Select(j => j.Target).Distinct())}: {counts}");
        var rows = designs.Select(d => Row(d, names, now)).ToList();
        TextTable Table(bool results)
        {
            var table = new TextTable().Column("rank", right: true).Column("design").Column("state").Column("job", priority: 1)
                .Column("node", priority: 2).Column("time", right: true, priority: 1);
            if (results) table.Column("result");
            foreach (var x in rows)
            {
                string?[] cells = [x.Rank.ToString(CultureInfo.InvariantCulture), x.Design, x.State, x.Job, x.Node ?? "-",
                    x.Seconds is { } s ? SlurmSweepCompile.Elapsed(TimeSpan.FromSeconds(s)) : "-"];
                table.Row(results ? [.. cells, x.Result ?? ""] : cells);
            }
            return table;
        }
        // One design a line: when the results do not fit the terminal beside the rest, they follow the table, wrapped,
        // one per design.
        var full = Table(results: true);
        if (full.Render(io.Width, wide: false).All(l => l.Length <= io.Width))
        {
            full.Write(io, wide: false);
            return;
        }
        Table(results: false).Write(io, wide: false);
        foreach (var x in rows.Where(x => x.Result is not null)) io.Prose.WriteLine($"#{x.Rank}: {x.Result}");
    }
}
