using System.CommandLine;
using System.Globalization;
using FpgaGen.Estimation;
using FpgaGen.Kernels.Kinds;
using FpgaGen.Exploration;
using FpgaGen.Exploration.Compiles;
using FpgaGen.Exploration.Report;
using FpgaGen.Hardware;
using FpgaGen.Cli.Tables;
using FpgaGen.Kernels;
using FpgaGen.Kernels.Lowering;

namespace FpgaGen.Cli.Commands;

/// <summary>`fpgagen explore`: search the kernels' design spaces for a network and device, rank, and write the Pareto set.</summary>
internal static class ExploreCommand
{
    public static Command Create(CliIo io)
    {
        var model = CommonOptions.Model();
        var device = CommonOptions.Device();
        var precision = new Option<string>("--precision") { Description = "Data type(s): fp32|fp16|int16|int8, a comma list, or all (every type the device supports)", DefaultValueFactory = _ => "fp32" };
        var batch = CommonOptions.Batch();
        var maxUtil = CommonOptions.MaxUtil();
        var layerNorm = CommonOptions.LayerNorm();
        var objective = new Option<string>("--objective") { Description = "Ranking: throughput|latency|efficiency", DefaultValueFactory = _ => "throughput" };
        objective.AcceptOnlyFromAmong("throughput", "latency", "efficiency");
        var top = new Option<int>("--top") { Description = "Designs shown in the table", DefaultValueFactory = _ => 10 }.Positive();
        var kernels = new Option<string?>("--kernel") { Description = $"Only these kernel kinds (comma list of {string.Join(", ", KernelKinds.Ids)})" };
        var seed = new Option<int>("--seed") { Description = "Seed of the annealing search (large spaces)", DefaultValueFactory = _ => 1 };
        var exhaustiveLimit = new Option<long>("--exhaustive-limit") { Description = "Search spaces larger than this by simulated annealing", DefaultValueFactory = _ => 200_000 }.Positive();
        var format = CommonOptions.Format(CliIo.Formats);
        var wide = CommonOptions.Wide();
        var outDir = new Option<string?>("--out") { Description = "Write designs.json/.csv, pareto.json/.csv/.svg and report.html (tables and plots, one self-contained page) to this folder" };
        var force = new Option<bool>("--force") { Description = "Replace an existing --out folder" };
        var calibrate = new Option<string?>("--calibrate") { Description = "Correct the models with factors fitted to real compiles in this sweep folder (results.jsonl)" };
        var cmd = new Command("explore", "Search the design spaces of the kernel architectures for a network on a device; rank the designs that fit and write the Pareto front. "
            + "On a device with SLRs and a --batch of 2 or more, designs of several compute units (one per SLR, sharing the batch) are searched too.")
        {
            model, device, precision, batch, layerNorm, maxUtil, objective, top, kernels, seed, exhaustiveLimit, format, wide, outDir, force, calibrate,
        };
        cmd.SetAction(r => io.Guard(() =>
        {
            var net = CommonOptions.WithLayerNorm(ModelFiles.Load(r.GetValue(model)!, io.Notes), r.GetValue(layerNorm));
            var dev = DeviceCatalog.Default.Get(r.GetValue(device)!);
            var options = new ExploreOptions
            {
                Device = dev,
                LayerNorm = r.GetValue(layerNorm),
                Precisions = ParsePrecisions(r.GetValue(precision)!, dev),
                Kernels = r.GetValue(kernels) is { } k ? k.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(id => KernelKinds.Get(id)).ToList() : null,
                Batch = r.GetValue(batch),
                MaxUtil = CommonOptions.CheckMaxUtil(r.GetValue(maxUtil)),
                Objective = Objectives.Parse(r.GetValue(objective)!),
                Seed = r.GetValue(seed),
                ExhaustiveLimit = r.GetValue(exhaustiveLimit),
                Calibration = r.GetValue(calibrate) is { } dir ? Calibrator.Fit(dir, dev, DeviceCatalog.Default) : CalibrationSet.None,
                // A model with its own layer types (quantized ONNX, design-file precision:) is explored at them unless
                // --precision is given; the layers without one take fp32.
                Layers = r.GetResult(precision) is { Implicit: false } ? null : LayerPrecisions.Of(net, Precision.Fp32),
            };
            if (options.Batch <= 0) throw new UsageException($"--batch must be a positive integer, got {options.Batch}");
            var outPath = r.GetValue(outDir);
            if (outPath is not null) OutputFolder.Check(outPath, r.GetValue(force));

            if (CommonOptions.MixedFiguresNote(options.Layers) is { } mixed) io.Notes.WriteLine(mixed);
            var result = RunWithProgress(io, net, options);
            if (outPath is not null)
                OutputFolder.Write(outPath, r.GetValue(force), dir =>
                {
                    ExploreReport.Write(dir, net.Name, dev.Id, options, result, net.Source);
                    AtomicFile.WriteAllText(Path.Combine(dir, HtmlReport.FileName), HtmlReport.Html(net, options, result));
                });

            if (result.Designs.Count == 0) return ExplainNoFit(io, net, options, result);
            var shown = Math.Min(r.GetValue(top), result.Designs.Count);
            switch (r.GetValue(format))
            {
                case "json":
                    io.WriteJson(ExploreReport.Summary(net.Name, dev.Id, options, result,
                        result.Designs.Take(shown).Select((d, i) => ExploreReport.DesignJson(d, i + 1, result.Pareto[i])), net.Source));
                    break;
                case "csv":
                    io.Out.Write(ExploreReport.Csv(result.Designs, result.Pareto, i => i < shown));
                    break;
                default:
                    WriteTable(io, net.Name, dev, options, result, shown, r.GetValue(wide));
                    if (outPath is not null) io.Prose.WriteLine($"wrote {Path.Combine(outPath, "designs.json")}, designs.csv, pareto.json, pareto.csv, pareto.svg, {HtmlReport.FileName}");
                    break;
            }
            return 0;
        }));
        return cmd;
    }

    internal static IReadOnlyList<Precision> ParsePrecisions(string text, Device dev)
    {
        if (text.Equals("all", StringComparison.OrdinalIgnoreCase)) return dev.Precisions.ToList();
        var list = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(PrecisionExtensions.Parse).Distinct().ToList();
        foreach (var p in list)
            if (!dev.Supports(p))
                throw new InputException($"device {dev.Id} does not support {p.Id()} (its data types: {string.Join(", ", dev.Precisions.Select(x => x.Id()))})");
        return list.Count > 0 ? list : throw new UsageException("--precision: no data type given");
    }

    private static ExploreResult RunWithProgress(CliIo io, FpgaGen.Model.Network net, ExploreOptions options) =>
        ProgressBar.Run(io, $"exploring {net.Name} on {options.Device.Id}",
            report => Explorer.Run(net, options, new ProgressBar.Sync<(long Done, long Total)>(p => report(p.Done, p.Total))));

    private static int ExplainNoFit(CliIo io, FpgaGen.Model.Network net, ExploreOptions options, ExploreResult result)
    {
        io.Notes.WriteLine($"no design fits {options.Device.Id} under --max-util {options.MaxUtil.ToString(CultureInfo.InvariantCulture)} ({result.Evaluated:N0} evaluated)");
        foreach (var s in result.Searches.Where(s => s.Closest is not null))
        {
            var kind = KernelKinds.Get(s.Kernel);
            var estimator = Estimator.For(kind, net, options.Device, s.Precision, options.Batch, s.ComputeUnits);
            io.Notes.WriteLine($"  {s.Kernel} {s.Precision.Id()}{(s.ComputeUnits > 1 ? $" x{s.ComputeUnits} units" : "")}: smallest overshoot {s.Closest!.Config}: {FitAdvice.Explain(estimator, s.Closest, options.MaxUtil)}");
        }
        return 1;
    }

    /// <summary>
    /// The ranked designs, one per line. Narrow terminals keep the compact set (rank, kernel, parameters, images/s,
    /// GOPS, latency, DSP, the binding resource) as far as it fits; --wide shows every column. With
    /// <paramref name="valuesOnly"/>, a design's parameters are its values alone ("64,32,28,28,32") and the title
    /// names them once per kind, in the same order.
    /// </summary>
    internal static TextTable Table(string model, Device dev, ExploreOptions o, ExploreResult r, int shown, bool valuesOnly = false)
    {
        // A kernel kind or data type that every shown design shares is said in the title, and its column is the first
        // to leave a narrow terminal; when they differ, they name the design and always stay.
        var kinds = r.Designs.Take(shown).Select(d => d.Kernel).Distinct().ToList();
        var types = r.Designs.Take(shown).Select(d => d.PrecisionText).Distinct().ToList();
        var shared = string.Join(", ", (kinds.Count == 1 ? kinds : []).Concat(types.Count == 1 ? types : []));
        var table = new TextTable($"{model} on {dev.Id} ({dev.Part}), batch {o.Batch}, ranked by {o.Objective.ToString().ToLowerInvariant()}"
            + (shared.Length > 0 ? $"\nall shown: {shared}" : "")
            + (valuesOnly ? "\nparameters: " + string.Join("; ", r.Designs.Take(shown).Select(d => d.Config.Space).DistinctBy(s => s.Kernel)
                .Select(s => (kinds.Count > 1 ? s.Kernel + " " : "") + string.Join(",", s.Parameters.Select(p => p.Name)))) : ""));
        table.Column("#", right: true).Column("kernel", priority: kinds.Count == 1 ? 10 : 0).Column("parameters").Column("type", priority: types.Count == 1 ? 9 : 0)
            .Column("images/s", right: true).Column("GOPS", right: true, priority: 4).Column("latency ms", right: true, priority: 3)
            .Column("DSP", right: true, priority: 2).Column("binds", priority: 1)
            .Column("MHz", right: true, priority: 7).Column("DSP eff.", right: true, priority: 8);
        // One headed column per RAM kind (BRAM18 and URAM on UltraScale+), never two figures under one header.
        foreach (var k in dev.Ram) table.Column(k.Kind, right: true, priority: 6);
        table.Column("logic", right: true, priority: 6).Column("Pareto", priority: 5);
        for (var i = 0; i < shown; i++)
        {
            var d = r.Designs[i];
            var u = d.Resources;
            var (util, resource) = u.Binding();
            var parameters = (valuesOnly ? string.Join(",", d.Config.Values.Select(v => v.ToString(CultureInfo.InvariantCulture))) : d.Config.ToString())
                + (d.ComputeUnits > 1 ? $" ({d.ComputeUnits} units)" : "");
            table.Row([(i + 1).ToString(CultureInfo.InvariantCulture), d.Kernel, parameters, d.PrecisionText,
                F($"{d.ImagesPerSecond:#,0.0}"), F($"{d.Gops:#,0.0}"), F($"{d.LatencyMs:#,0.00}"), Pct(u.DspUtil), $"{resource} {Pct(util)}",
                F($"{d.FreqMhz:0}"), Pct(d.DspEfficiency),
                .. Enumerable.Range(0, u.Ram.Length).Select(k => Pct(u.RamUtil(k))), Pct(u.LogicUtil), r.Pareto[i] ? "*" : ""]);
        }
        return table;
    }

    private static void WriteTable(CliIo io, string model, Device dev, ExploreOptions o, ExploreResult r, int shown, bool wide)
    {
        // GOPS is part of the compact set: when whole parameter sets ("Tm=64,Tn=32,…") leave no room for it, the
        // table shows their values under names given once, which saves about a third of the column.
        var table = Table(model, dev, o, r, shown);
        if (!wide && !table.Layout(io.Width, wide).Contains(GopsColumn)) table = Table(model, dev, o, r, shown, valuesOnly: true);
        table.Write(io, wide);
        io.Prose.WriteLine(F($"{r.Evaluated:#,0} designs evaluated, {r.Feasible:#,0} fit under {o.MaxUtil:P0}, {r.Pareto.Count(p => p)} on the Pareto front (throughput vs DSP, RAM, logic); {r.Seconds:0.00} s"));
        io.Prose.WriteLine(Explorer.TieBreakText);
        io.Prose.WriteLine("utilization includes the board's platform overhead; binds: the most used resource");
        foreach (var (line, i) in ExploreReport.CalibrationText(o.Calibration, r.Searches.Select(s => s.Kernel)).Select((l, i) => (l, i)))
            io.Prose.WriteLine(i == 0 ? "figures: " + line : line);
    }

    /// <summary>The index of the GOPS column in <see cref="Table"/>.</summary>
    private const int GopsColumn = 5;

    /// <summary>"83%": the narrowest form that keeps one figure per column.</summary>
    private static string Pct(double fraction) => F($"{Math.Round(fraction * 100):0}%");

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
