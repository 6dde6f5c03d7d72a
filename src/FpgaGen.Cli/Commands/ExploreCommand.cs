using System.CommandLine;
using System.Globalization;
using FpgaGen.Estimation;
using FpgaGen.Kernels.Kinds;
using FpgaGen.Exploration;
using FpgaGen.Exploration.Compiles;
using FpgaGen.Exploration.Report;
using FpgaGen.Hardware;
using Spectre.Console;
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
        var outDir = new Option<string?>("--out") { Description = "Write designs.json/.csv, pareto.json/.csv/.svg and report.html (tables and plots, one self-contained page) to this folder" };
        var force = new Option<bool>("--force") { Description = "Replace an existing --out folder" };
        var calibrate = new Option<string?>("--calibrate") { Description = "Correct the models with factors fitted to real compiles in this sweep folder (results.jsonl)" };
        var cmd = new Command("explore", "Search the design spaces of the kernel architectures for a network on a device; rank the designs that fit and write the Pareto front.")
        {
            model, device, precision, batch, layerNorm, maxUtil, objective, top, kernels, seed, exhaustiveLimit, format, outDir, force, calibrate,
        };
        cmd.SetAction(r => io.Guard(() =>
        {
            var net = CommonOptions.WithLayerNorm(ModelFiles.Load(r.GetValue(model)!, io.Err), r.GetValue(layerNorm));
            var dev = DeviceCatalog.Default.Get(r.GetValue(device)!);
            var options = new ExploreOptions
            {
                Device = dev,
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
            if (options.Batch <= 0) throw new InputException($"batch must be a positive integer, got {options.Batch}");
            var outPath = r.GetValue(outDir);
            if (outPath is not null) OutputFolder.Check(outPath, r.GetValue(force));

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
                    WriteTable(io, net.Name, dev, options, result, shown);
                    if (outPath is not null) io.Out.WriteLine($"wrote {Path.Combine(outPath, "designs.json")}, designs.csv, pareto.json, pareto.csv, pareto.svg, {HtmlReport.FileName}");
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
        return list.Count > 0 ? list : throw new InputException("--precision: no data type given");
    }

    private static ExploreResult RunWithProgress(CliIo io, FpgaGen.Model.Network net, ExploreOptions options) =>
        ProgressBar.Run(io, $"exploring {net.Name} on {options.Device.Id}",
            report => Explorer.Run(net, options, new ProgressBar.Sync<(long Done, long Total)>(p => report(p.Done, p.Total))));

    private static int ExplainNoFit(CliIo io, FpgaGen.Model.Network net, ExploreOptions options, ExploreResult result)
    {
        io.Err.WriteLine($"no design fits {options.Device.Id} under --max-util {options.MaxUtil.ToString(CultureInfo.InvariantCulture)} ({result.Evaluated:N0} evaluated)");
        foreach (var s in result.Searches.Where(s => s.Closest is not null))
        {
            var kind = KernelKinds.Get(s.Kernel);
            var estimator = new Estimator(kind, Lowerer.Lower(net, kind.Lowering, s.Precision, options.Batch), new Target(options.Device, s.Precision));
            io.Err.WriteLine($"  {s.Kernel} {s.Precision.Id()}: smallest overshoot {s.Closest!.Config}: {FitAdvice.Explain(estimator, s.Closest, options.MaxUtil)}");
        }
        return 1;
    }

    private static void WriteTable(CliIo io, string model, Device dev, ExploreOptions o, ExploreResult r, int shown)
    {
        var table = new Table().Border(TableBorder.Simple)
            .Title($"{CliIo.Escape(model)} on {dev.Id} ({dev.Part}), batch {o.Batch}, ranked by {o.Objective.ToString().ToLowerInvariant()}");
        // One headed column per RAM kind (BRAM18 and URAM on UltraScale+), never two figures under one header.
        string[] ramColumns = [.. dev.Ram.Select(k => CliIo.Escape(k.Kind))];
        foreach (var c in new[] { "#", "kernel", "parameters", "type", "MHz", "images/s", "GOPS", "latency ms", "DSP eff.", "DSP" }.Concat(ramColumns).Concat(["logic", "Pareto"]))
            table.AddColumn(c);
        foreach (var c in table.Columns.Skip(4).Take(7 + ramColumns.Length)) c.RightAligned();
        for (var i = 0; i < shown; i++)
        {
            var d = r.Designs[i];
            var u = d.Resources;
            string[] cells = [(i + 1).ToString(CultureInfo.InvariantCulture), d.Kernel, d.Config.ToString(), d.PrecisionText, F($"{d.FreqMhz:0}"), F($"{d.ImagesPerSecond:#,0.0}"),
                F($"{d.Gops:#,0.0}"), F($"{d.LatencyMs:0.00}"), F($"{d.DspEfficiency:P0}"), F($"{u.DspUtil:P0}"),
                .. Enumerable.Range(0, u.Ram.Length).Select(k => F($"{u.RamUtil(k):P0}")), F($"{u.LogicUtil:P0}"), r.Pareto[i] ? "*" : ""];
            table.AddRow(cells);
        }
        io.Console.Write(table);
        io.Out.WriteLine(F($"{r.Evaluated:#,0} designs evaluated, {r.Feasible:#,0} fit under {o.MaxUtil:P0}, {r.Pareto.Count(p => p)} on the Pareto front (throughput vs DSP, RAM, logic); {r.Seconds:0.00} s"));
        io.Out.WriteLine("ties (scores within 0.05%) ranked by fewer DSPs, then less RAM");
        io.Out.WriteLine("utilization includes the board's platform overhead");
        foreach (var (line, i) in ExploreReport.CalibrationText(o.Calibration, r.Searches.Select(s => s.Kernel)).Select((l, i) => (l, i)))
            io.Out.WriteLine(i == 0 ? "figures: " + line : line);
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
