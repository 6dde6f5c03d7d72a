using System.CommandLine;
using System.Globalization;
using FpgaGen.Estimation;
using FpgaGen.Kernels.Kinds;
using FpgaGen.Exploration;
using FpgaGen.Hardware;
using FpgaGen.Cli.Tables;
using FpgaGen.Kernels;
using FpgaGen.Kernels.Lowering;

namespace FpgaGen.Cli.Commands;

/// <summary>`fpgagen estimate`: one explicit design, layer by layer.</summary>
internal static class EstimateCommand
{
    public static Command Create(CliIo io)
    {
        var model = CommonOptions.Model();
        var device = CommonOptions.Device();
        var kernel = new Option<string>("--kernel") { Description = $"Kernel kind: {string.Join("|", KernelKinds.Ids)}", Required = true };
        var set = new Option<string>("--set") { Description = "Parameters, e.g. Tm=64,Tn=7,Tr=13,Tc=13,vu=16", Required = true };
        var freq = new Option<double?>("--freq") { Description = $"Clock in MHz, {ClockRange.Text} (default: the device's typical fmax, derated for large designs)" };
        var precision = CommonOptions.Precision();
        var batch = CommonOptions.Batch();
        var units = CommonOptions.ComputeUnits();
        var maxUtil = CommonOptions.MaxUtil();
        var layerNorm = CommonOptions.LayerNorm();
        var format = CommonOptions.Format(CliIo.Formats);
        var wide = CommonOptions.Wide();
        var cmd = new Command("estimate", "Estimate one explicit accelerator configuration: per-layer cycles, time, bound and GOPS, and its resources.")
        {
            model, device, kernel, set, freq, precision, batch, units, layerNorm, maxUtil, format, wide,
        };
        cmd.SetAction(r => io.Guard(() =>
        {
            var net = CommonOptions.WithLayerNorm(ModelFiles.Load(r.GetValue(model)!, io.Notes), r.GetValue(layerNorm));
            var dev = DeviceCatalog.Default.Get(r.GetValue(device)!);
            // The model's own layer types (mixed precision) unless --precision is given: the datapath at the widest.
            var types = r.GetResult(precision) is { Implicit: false } ? null : LayerPrecisions.Of(net, PrecisionExtensions.Parse(r.GetValue(precision)!));
            types?.Check(dev, net);
            if (CommonOptions.MixedFiguresNote(types) is { } mixed) io.Notes.WriteLine(mixed);
            var computeUnits = r.GetValue(units);
            if (Target.Problem(dev, computeUnits) is { } unitProblem) throw new UsageException($"--units: {unitProblem}");
            if (r.GetValue(batch) % computeUnits != 0)
                throw new UsageException($"--units {computeUnits}: the units share the batch equally; give a --batch that is a multiple of {computeUnits}");
            var type = types?.Widest ?? PrecisionExtensions.Parse(r.GetValue(precision)!);
            var km = KernelKinds.Get(r.GetValue(kernel)!);
            var config = km.Space.Parse(r.GetValue(set)!);
            var f = r.GetValue(freq);
            if (f is { } mhz && !ClockRange.Contains(mhz)) throw new UsageException($"--freq: {ClockRange.Problem(mhz)}");
            var util = CommonOptions.CheckMaxUtil(r.GetValue(maxUtil));
            var estimator = Estimator.For(km, net, dev, type, r.GetValue(batch), computeUnits, f, layers: types);
            var (design, layers) = estimator.EvaluateLayers(config);
            var fit = FitAdvice.Explain(estimator, design, util);
            var binding = design.Resources.Binding();
            var (slrs, slrNote) = CommonOptions.Slrs(design.Plan, estimator.Network, estimator.Target);
            if (slrNote is not null && r.GetValue(format) == "table") io.Notes.WriteLine(slrNote);
            if (r.GetValue(format) == "json")
                io.WriteJson(new
                {
                    Model = net.Name,
                    Device = dev.Id,
                    Kernel = km.Id,
                    Params = config.AsDictionary(),
                    Precision = design.PrecisionText,
                    design.Batch,
                    design.ComputeUnits,
                    FreqMhz = design.FreqMhz,
                    Layers = layers.Select(l => LayerFields(l, estimator)).Select(f => f.ToDictionary(kv => kv.Key, kv => kv.Value)),
                    Totals = new { design.Cycles, LatencyMs = design.LatencyMs, design.Gops, ImagesPerS = design.ImagesPerSecond, design.DspEfficiency, design.PeakGops, design.DevicePeakGops },
                    Resources = design.Resources.Amounts(),
                    RamKinds = dev.Ram.Select((k, i) => new { Key = ResourceUse.RamKey(dev, i), k.Kind }),
                    Utilization = design.Resources.Utilization(),
                    Fits = fit is null,
                    // What the figures are: "estimated", or "hypothetical" for a design that does not fit.
                    Figures = fit is null ? "estimated" : "hypothetical",
                    Binding = new { Resource = binding.Resource, Util = binding.Util },
                    OverDevice = design.OverDevice,
                    Advice = fit,
                    // Devices with SLRs: the engine's most used resource as a share of one SLR, and each compute unit's SLR (null: v++ decides).
                    Slrs = slrs is null ? null : new { slrs.EngineShare, Units = slrs.Units },
                    design.Plan,
                });
            else if (r.GetValue(format) == "csv")
                io.WriteRecords(layers.Select(l => LayerFields(l, estimator)));
            else
                WriteTable(io, net.Name, dev, design, layers, fit, r.GetValue(wide));
            return 0;
        }));
        return cmd;
    }

    /// <summary>One layer's row: the fields of --format csv and of each entry of the JSON's "layers", under the same names.</summary>
    private static IReadOnlyList<KeyValuePair<string, object?>> LayerFields(LayerEstimate l, Estimator estimator) =>
    [
        new("name", l.Layer.Name), new("kind", l.Layer.Kind), new("precision", (estimator.Layers?.Of(l.Layer.Name) ?? estimator.Target.Precision).Id()), new("cycles", l.Cycles), new("latency_ms", l.Ms), new("bound", l.Bound),
        new("gops", l.Gops), new("bytes", l.Bytes),
    ];

    private static void WriteTable(CliIo io, string model, Device dev, DesignEstimate d, IReadOnlyList<LayerEstimate> layers, string? fit, bool wide)
    {
        // A design that does not fit is still estimated, its figures marked so nobody reads them as achievable.
        var mark = fit is null ? "" : " (does not fit: hypothetical figures)";
        var table = new TextTable(string.Create(CultureInfo.InvariantCulture, $"{model} on {dev.Id}: {d.Kernel} {d.Config}, {d.PrecisionText}, batch {d.Batch}, {d.FreqMhz:0} MHz{mark}"))
            .Column("layer").Column("kind", priority: 3).Column("cycles", right: true, priority: 1).Column("ms", right: true).Column("bound")
            .Column("GOPS", right: true, priority: 2).Column("MB moved", right: true, priority: 4);
        foreach (var l in layers)
            table.Row(l.Layer.Name, l.Layer.Kind, l.Cycles.ToString("#,0", CultureInfo.InvariantCulture), l.Ms.ToString("0.000", CultureInfo.InvariantCulture),
                l.Bound, l.Gops > 0 ? l.Gops.ToString("0.0", CultureInfo.InvariantCulture) : "", l.Bytes > 0 ? (l.Bytes / 1e6).ToString("0.00", CultureInfo.InvariantCulture) : "");
        table.Write(io, wide);
        io.Prose.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"total{(fit is null ? "" : " (hypothetical, does not fit)")}: {d.Cycles:#,0} cycles, {d.LatencyMs:0.000} ms, {d.ImagesPerSecond:0.0} images/s, {d.Gops:0.0} GOPS of {d.PeakGops:0.0} peak (DSP efficiency {d.DspEfficiency:P1}; device peak {d.DevicePeakGops:0.0})"));
        if (d.OverDevice)
            io.Prose.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"the engine's {d.Lanes:#,0} MAC lanes exceed the {d.DeviceMacs:#,0} the device's DSPs hold: costed on {d.Capacity:P0} of them"));
        io.Prose.WriteLine("resources: " + ResourceText.Describe(d.Resources));
        if (fit is not null) io.Prose.WriteLine(fit);
    }
}
