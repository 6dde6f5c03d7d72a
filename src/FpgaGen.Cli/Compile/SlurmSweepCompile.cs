using System.Diagnostics;
using FpgaGen.Exploration.Compiles;
using FpgaGen.Toolchains.Projects;
using FpgaGen.Toolchains.Slurm;
using FpgaGen.Toolchains.Sweeps;

namespace FpgaGen.Cli.Compile;

/// <summary>
/// `fpgagen compile --sweep DIR --executor slurm`: plans the sweep as the local executor does (results.jsonl decides
/// what is done), leaves out designs whose Slurm task is still queued or running, generates the rest and submits them
/// as one job array; then, unless --no-wait, follows the array until every design has a record or Slurm ended it.
/// </summary>
internal static class SlurmSweepCompile
{
    public static async Task<int> RunAsync(CliIo io, SweepOptions options, CompileSettings settings, SlurmSettings slurm, bool wait, CancellationToken ct)
    {
        slurm.Validate();
        var explored = ExploredDesigns.Read(options.Directory);
        if (explored.Designs.Count == 0) throw new InputException($"{options.Directory}: designs.json lists no design (nothing fitted the device)");
        var target = CompileTargets.Resolve(options.Target, explored.Device.Toolchain.Kind);
        var tools = await ToolsHere(io, settings, explored, target, ct);
        var generator = new GeneratedProjects(SweepCompile.LoadModel(io, options, explored), explored);
        var sweep = new CompileSweep(explored, target, generator, settings);
        var client = new SlurmClient(settings.Tools.Environment);
        var cluster = new SlurmSweep(explored.Directory, client);
        using var held = sweep.Lock();
        // Resume: a design whose task Slurm still has queued or running is not submitted again. Slurm is asked before
        // the log is read: a task records before it ends, so one that ends in between is in the log by then.
        var (statuses, note) = await cluster.StatusAsync(ct);
        var plan = sweep.Plan(options.Top, options.RetryFailed);

        var best = plan.Best.Count;
        io.Prose.WriteLine($"sweep of the {best} best designs of {options.Directory} ({explored.Model} on {explored.Device.Id}), target {target.Name()}, " +
                         $"{tools}, on Slurm, {slurm.Jobs} at once" +
                         (slurm.Licenses is { } lic ? $", licences {lic} per task" : "") +
                         (settings.Timeout is { } limit ? $", timeout {Durations.Format(limit)}" : ""));
        if (held.Held.TookOver is { } stale)
            io.Notes.WriteLine($"note: took over the lock of an earlier sweep that no longer runs ({stale})");
        foreach (var (rank, sameAs) in plan.Duplicates)
            io.Notes.WriteLine($"note: design {rank} of designs.json is design {sameAs} again; compiled once");
        if (plan.UnreadableLines > 0)
            io.Notes.WriteLine($"note: {plan.UnreadableLines} unreadable line(s) in {ShownPath.Of(sweep.ResultsPath)} (a write cut off by a kill); their designs are compiled again");
        if (note is not null) io.Notes.WriteLine("note: " + note);
        if (plan.AlreadyDone > 0)
            io.Prose.WriteLine($"skipping {plan.AlreadyDone} of {best} designs already in {ShownPath.Of(sweep.ResultsPath)}");

        var active = statuses.Where(s => s.Active).ToDictionary(s => s.Design.Key, StringComparer.Ordinal);
        var inQueue = plan.ToCompile.Where(d => active.ContainsKey(d.Key(target))).ToList();
        if (inQueue.Count > 0)
            io.Prose.WriteLine($"skipping {inQueue.Count} designs already queued or running in Slurm: " +
                             string.Join(", ", inQueue.Select(d => $"#{d.Rank} ({active[d.Key(target)].TaskName})")));

        var outcomes = new List<SweepOutcome>();
        var submit = new List<SweepDesign>();
        foreach (var design in plan.ToCompile.Except(inQueue))
        {
            // A design the generator rejects is recorded as failed here, as in a local sweep, and not submitted.
            if (sweep.Prepare(design) is { } rejected)
            {
                outcomes.Add(rejected);
                io.Prose.WriteLine(SweepCompile.Line(rejected, outcomes.Count, plan.ToCompile.Count - inQueue.Count));
            }
            else submit.Add(design);
        }

        SubmittedArray? array = null;
        if (submit.Count > 0)
        {
            var projects = plan.Best.Where(d => Directory.Exists(sweep.ProjectDirectory(d)))
                .Select(d => (d.Rank, Path.GetRelativePath(explored.Directory, sweep.ProjectDirectory(d)).Replace('\\', '/'))).ToList();
            var title = $"{explored.Model} on {explored.Device.Id}, the {best} best designs of {explored.Directory}";
            var script = BatchScript.Render(title, explored.Directory, FpgagenCommand.Current(), target.Name(), slurm with { Timeout = settings.Timeout }, projects);
            var designs = submit.Select(d => new SubmittedDesign(d.Rank, d.Key(target), Path.GetRelativePath(explored.Directory, sweep.ProjectDirectory(d)))).ToList();
            array = await cluster.SubmitAsync(script, target.Name(), designs, slurm, ct);
            io.Prose.WriteLine($"submitted job {array.JobId}: {submit.Count} designs as array {array.Array}; script {ShownPath.Of(cluster.ScriptPath)}, " +
                             $"task logs {ShownPath.Of(cluster.LogsDirectory)}/{array.JobId}_<rank>.out");
        }
        else if (inQueue.Count == 0) io.Prose.WriteLine("nothing to submit");

        var waitFor = submit.Concat(inQueue).OrderBy(d => d.Rank).ToList();
        if (!wait || waitFor.Count == 0)
        {
            if (waitFor.Count > 0)
                io.Prose.WriteLine($"not waiting: `fpgagen sweep status {options.Directory}` shows their progress, `fpgagen sweep cancel {options.Directory}` cancels them");
            if (waitFor.Count == 0) Summarize(io, options, explored, sweep, outcomes, [], plan.AlreadyDone);
            return 0;
        }
        held.Dispose();
        var stopped = await WaitAsync(io, options, cluster, sweep, waitFor, outcomes, plan.ToCompile.Count, ct);
        Summarize(io, options, explored, sweep, outcomes, stopped, plan.AlreadyDone);
        return stopped.Count > 0 ? 1 : 0;
    }

    /// <summary>The tool versions on this host; the tasks run the tools on their nodes, where a login node may have none.</summary>
    private static async Task<string> ToolsHere(CliIo io, CompileSettings settings, ExploredDesigns explored, CompileTarget target, CancellationToken ct)
    {
        try
        {
            var tools = await settings.Tools.RequireAsync(explored.Device.Toolchain.Kind, target, ct);
            return string.Join(", ", tools.Select(t => $"{t.Name} {t.Version}"));
        }
        catch (InputException e)
        {
            io.Notes.WriteLine($"note: {InputException.OneLine(e.Message)}; the tasks look for the tools on their nodes, in the environment of this shell");
            return "tools from the nodes";
        }
    }

    /// <summary>
    /// Polls Slurm and results.jsonl until every design has a record or Slurm ended its task without one (returned),
    /// printing a line per finished design, and the counts with the last finished design as they change: on a
    /// terminal as the live line (with the elapsed time), otherwise as a line "[h:mm:ss] counts" per change.
    /// Ctrl-C stops the waiting, not the jobs.
    /// </summary>
    private static async Task<IReadOnlyList<DesignStatus>> WaitAsync(CliIo io, SweepOptions options, SlurmSweep cluster, CompileSweep sweep,
        IReadOnlyList<SweepDesign> waitFor, List<SweepOutcome> outcomes, int total, CancellationToken ct)
    {
        var keys = waitFor.ToDictionary(d => d.Key(sweep.Target), StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        var reported = new HashSet<string>(StringComparer.Ordinal);
        IReadOnlyList<DesignStatus> stopped = [];
        var lastCounts = "";
        var lastFinished = "";
        try
        {
            await LiveStatus.RunAsync(io, $"waiting for {waitFor.Count} designs on Slurm", waitFor.Count, async status =>
            {
                while (true)
                {
                    var (all, _) = await cluster.StatusAsync(ct);
                    var mine = all.Where(s => keys.ContainsKey(s.Design.Key)).ToList();
                    foreach (var s in mine.Where(s => s.Record is not null && reported.Add(s.Design.Key)).OrderBy(s => s.Record!.FinishedUtc))
                    {
                        var outcome = new SweepOutcome(keys[s.Design.Key], Path.Combine(sweep.Explored.Directory, s.Design.Project), s.Record, null);
                        outcomes.Add(outcome);
                        io.Prose.WriteLine(SweepCompile.Line(outcome, outcomes.Count, total) + (s.Task?.Node is { } node ? $" (job {s.TaskName} on {node})" : ""));
                        lastFinished = $"#{s.Design.Rank} {s.Record!.Status}";
                        status?.Advance();
                    }
                    var counts = Counts(mine) + (lastFinished.Length > 0 ? $"; last {lastFinished}" : "");
                    status?.Describe(counts);
                    if (status is null && counts != lastCounts) io.Prose.WriteLine($"[{Elapsed(clock.Elapsed)}] {counts}");
                    lastCounts = counts;
                    // Unknown (no record, Slurm no longer lists it) counts as ended: nothing will record it any more.
                    if (mine.Count == keys.Count && mine.All(s => !s.Active))
                    {
                        stopped = mine.Where(s => s.Record is null).ToList();
                        return 0;
                    }
                    await Task.Delay(PollInterval(clock.Elapsed), ct);
                }
            });
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            io.Notes.WriteLine($"stopped waiting; the jobs keep running: `fpgagen sweep status {options.Directory}`, `fpgagen sweep cancel {options.Directory}`");
            throw;
        }
        return stopped;
    }

    /// <summary>"1 queued, 2 running, 3 done, 0 failed", then timed out and stopped ones when there are any; the summary's words.</summary>
    internal static string Counts(IReadOnlyList<DesignStatus> designs)
    {
        int Count(params DesignPhase[] phases) => designs.Count(s => phases.Contains(s.Phase));
        // A timeout is recorded (phase Failed, not submitted again) but is not the tool's failure: counted apart, as the summary does.
        var timedOut = designs.Count(s => s.Record?.Status == "timeout");
        var ended = Count(DesignPhase.Stopped, DesignPhase.Unknown);
        return $"{Count(DesignPhase.Queued)} queued, {Count(DesignPhase.Running)} running, {Count(DesignPhase.Done)} done, {Count(DesignPhase.Failed) - timedOut} failed" +
               (timedOut > 0 ? $", {timedOut} timed out" : "") + (ended > 0 ? $", {ended} stopped by Slurm" : "");
    }

    /// <summary>Every second at first, then a twentieth of the time waited (compiles take hours), at most every 30 s.</summary>
    private static TimeSpan PollInterval(TimeSpan waited) => TimeSpan.FromSeconds(Math.Clamp(waited.TotalSeconds / 20, 1, 30));

    internal static string Elapsed(TimeSpan t) => $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}";

    private static void Summarize(CliIo io, SweepOptions options, ExploredDesigns explored, CompileSweep sweep, List<SweepOutcome> outcomes,
        IReadOnlyList<DesignStatus> stopped, int skipped)
    {
        var counts = outcomes.Where(o => o.Record is not null).GroupBy(o => o.Record!.Status).ToDictionary(g => g.Key, g => g.Count());
        io.Prose.WriteLine($"{outcomes.Count} compiled ({counts.GetValueOrDefault("ok")} ok, {counts.GetValueOrDefault("failed")} failed, " +
                         $"{counts.GetValueOrDefault("timeout")} timed out), {skipped} skipped; results in {ShownPath.Of(sweep.ResultsPath)}");
        if (stopped.Count > 0)
            io.Notes.WriteLine($"{stopped.Count} design(s) ended in Slurm without a result ({string.Join(", ", stopped.Select(s => $"#{s.Design.Rank}: {s.Task?.State ?? "no longer known to Slurm"}"))}); " +
                             "rerun the same command to submit them again");
        io.Prose.WriteLine($"calibrate: fpgagen explore {ShownPath.Of(options.Model ?? explored.ModelFile ?? explored.Model)} --device {explored.Device.Id} --calibrate {options.Directory}");
    }
}
