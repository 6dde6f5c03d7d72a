using System.Globalization;
using FpgaGen.Toolchains.Projects;
using FpgaGen.Toolchains.Sweeps;

namespace FpgaGen.Cli.Compile;

/// <summary>What `fpgagen compile --sweep DIR --top N` was asked for.</summary>
internal sealed record SweepOptions(string Directory, int Top, string? Target, string? Model)
{
    /// <summary>--retry-failed: designs recorded "failed" or "timeout" are compiled again.</summary>
    public bool RetryFailed { get; init; }
}

/// <summary>
/// `fpgagen compile --sweep`: a progress bar over the designs, one line per finished design, and a summary that
/// says how many were skipped because results.jsonl already had them.
/// </summary>
internal static class SweepCompile
{
    public static async Task<int> RunAsync(CliIo io, SweepOptions options, CompileSettings settings, CancellationToken ct)
    {
        var explored = ExploredDesigns.Read(options.Directory);
        if (explored.Designs.Count == 0) throw new InputException($"{options.Directory}: designs.json lists no design (nothing fitted the device)");
        var target = CompileTargets.Resolve(options.Target, explored.Device.Toolchain.Kind);
        // Every tool must be there before the first design is generated, and a missing one is an input error.
        var tools = await settings.Tools.RequireAsync(explored.Device.Toolchain.Kind, target, ct);
        var generator = new GeneratedProjects(LoadModel(io, options, explored), explored);
        var sweep = new CompileSweep(explored, target, generator, settings);
        // Before anything is printed: a second sweep of this folder, or a folder that cannot be written, stops here.
        using var held = sweep.Lock();
        var plan = sweep.Plan(options.Top, options.RetryFailed);

        var best = Math.Min(options.Top, explored.Designs.Count);
        io.Prose.WriteLine($"sweep of the {best} best designs of {options.Directory} ({explored.Model} on {explored.Device.Id}), target {target.Name()}, " +
                         $"{string.Join(", ", tools.Select(t => $"{t.Name} {t.Version}"))}, {settings.Jobs} at once" +
                         (settings.Timeout is { } limit ? $", timeout {Durations.Format(limit)}" : ""));
        if (held.Held.TookOver is { } stale)
            io.Notes.WriteLine($"note: took over the lock of an earlier sweep that no longer runs ({stale})");
        if (held.LeftoversRemoved > 0)
            io.Notes.WriteLine($"note: removed {held.LeftoversRemoved} temporary project folder(s) a killed sweep left in {ShownPath.Of(sweep.SweepDirectory)}");
        foreach (var (rank, sameAs) in plan.Duplicates)
            io.Notes.WriteLine($"note: design {rank} of designs.json is design {sameAs} again; compiled once");
        if (plan.AlreadyDone > 0)
            io.Prose.WriteLine($"skipping {plan.AlreadyDone} of {best} designs already in {ShownPath.Of(sweep.ResultsPath)}");
        if (File.Exists(Path.Combine(sweep.SweepDirectory, "slurm", Toolchains.Slurm.JobsLog.FileName)))
            io.Notes.WriteLine($"note: this sweep was also submitted to Slurm; a design still queued or running there compiles twice (`fpgagen sweep status {options.Directory}`)");
        if (explored.Calibrated)
            io.Notes.WriteLine("note: designs.json was explored with --calibrate; the results log keeps the models' own (uncalibrated) predictions, which calibration needs");
        if (plan.UnreadableLines > 0)
            io.Notes.WriteLine($"note: {plan.UnreadableLines} unreadable line(s) in {ShownPath.Of(sweep.ResultsPath)} (a write cut off by a kill); their designs are compiled again");

        var outcomes = new List<SweepOutcome>();
        var gate = new object();
        await LiveStatus.RunAsync(io, $"compiling {plan.ToCompile.Count} designs", plan.ToCompile.Count, async status =>
        {
            await sweep.RunAsync(plan, d => status?.Describe($"started #{d.Rank} {d.Kernel}"), outcome =>
            {
                lock (gate)
                {
                    outcomes.Add(outcome);
                    io.Prose.WriteLine(Line(outcome, outcomes.Count, plan.ToCompile.Count));
                    status?.Advance();
                    status?.Describe($"{outcomes.Count}/{plan.ToCompile.Count} done, last #{outcome.Design.Rank}: {outcome.Record?.Status ?? "cancelled"}");
                }
            }, ct);
            return 0;
        });

        var counts = outcomes.Where(o => o.Record is not null).GroupBy(o => o.Record!.Status).ToDictionary(g => g.Key, g => g.Count());
        io.Prose.WriteLine($"{outcomes.Count} compiled ({counts.GetValueOrDefault("ok")} ok, {counts.GetValueOrDefault("failed")} failed, " +
                         $"{counts.GetValueOrDefault("timeout")} timed out), {plan.AlreadyDone} skipped; results in {ShownPath.Of(sweep.ResultsPath)}");
        io.Prose.WriteLine($"calibrate: fpgagen explore {ShownPath.Of(options.Model ?? explored.ModelFile ?? explored.Model)} --device {explored.Device.Id} --calibrate {options.Directory}");
        return 0;
    }

    /// <summary>
    /// --model, else the file designs.json names, else its model name as a bundled design; with the --layernorm choice
    /// explore recorded, so each project is the explored network.
    /// </summary>
    internal static Model.Network LoadModel(CliIo io, SweepOptions options, ExploredDesigns explored)
    {
        if (options.Model is { } given) return Commands.CommonOptions.WithLayerNorm(ModelFiles.Load(given, io.Notes), explored.LayerNorm);
        try
        {
            return Commands.CommonOptions.WithLayerNorm(ModelFiles.Load(explored.ModelFile ?? explored.Model, io.Notes), explored.LayerNorm);
        }
        catch (InputException e)
        {
            throw new InputException($"{explored.File}: cannot load the explored model {explored.Model} ({e.Message}); pass --model FILE");
        }
    }

    internal static string Line(SweepOutcome o, int done, int total)
    {
        var d = o.Design;
        var head = $"[{done}/{total}] #{d.Rank} {d.Kernel} {d.ParameterText} {d.Precision}: ";
        if (o.Record is not { } r) return head + "cancelled";
        var seconds = r.Seconds.ToString("0.0", CultureInfo.InvariantCulture);
        return r.Status switch
        {
            "ok" => head + $"ok in {seconds} s" + Figures(r),
            _ => head + $"{r.Status} after {seconds} s: {InputException.OneLine(r.Error ?? "")}",
        };
    }

    internal static string Figures(Exploration.Compiles.CompileRecord r)
    {
        if (r.Reported is not { } rep) return "";
        string Pair(string name, double? predicted, double? reported) =>
            reported is { } x ? string.Create(CultureInfo.InvariantCulture, $"{name} {x:#,0} (predicted {predicted:#,0})") : "";
        var parts = new[] { Pair("DSP", r.Predicted.Dsp, rep.Dsp), Pair("RAM", r.Predicted.Bram, rep.Bram), Pair("logic", r.Predicted.Logic, rep.Logic) }.Where(p => p != "");
        return "; " + string.Join(", ", parts) + ", whole device";
    }
}
