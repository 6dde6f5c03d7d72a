using FpgaGen.Estimation;
using FpgaGen.Exploration.Plots;
using FpgaGen.Kernels;
using FpgaGen.Kernels.Kinds;
using FpgaGen.Kernels.Lowering;
using FpgaGen.Model;

namespace FpgaGen.Exploration.Report;

/// <summary>What report.html's script draws, inlined as JSON: the device, the listed designs with their layers.</summary>
public sealed record ReportDocument(string Model, ReportDevice Device, string Objective, double MaxUtil, int Batch, long Evaluated, long Feasible,
    int ParetoDesigns, int TopDesigns, IReadOnlyList<string> Calibration, IReadOnlyDictionary<string, string> KindColors,
    IReadOnlyDictionary<string, string> PrecisionShapes, IReadOnlyList<ReportDesign> Designs);

/// <param name="Resources">The resources a design is measured against, in the order of every design's <see cref="ReportDesign.Resources"/>.</param>
public sealed record ReportDevice(string Id, string Part, string Board, double MemoryGbPerS, string MemoryKind, int MemoryBanks, IReadOnlyList<ReportResource> Resources);

/// <param name="Count">How many the device has.</param>
/// <param name="Platform">How many of them the board's platform (BSP or shell) takes before any kernel.</param>
public sealed record ReportResource(string Name, double Count, double Platform);

/// <param name="Resources">Amounts used, platform included, in <see cref="ReportDevice.Resources"/>' order.</param>
/// <param name="DevicePeakGops">Every DSP of the device doing MACs at this design's clock and data type: the roofline's compute roof.</param>
/// <param name="PeakGops">The engine's own peak (its lanes at its clock).</param>
/// <param name="ParetoX">Where the design sits on each Pareto plot's resource axis (<see cref="ResourceAxis"/> id → amount).</param>
/// <param name="BandwidthGbPerS">The external-memory bandwidth the design's buffers can draw where they are placed: the roofline's slope.</param>
public sealed record ReportDesign(int Rank, string Kernel, string Params, string Precision, double FreqMhz, double ImagesPerS, double Gops,
    double LatencyMs, double DspEfficiency, IReadOnlyList<double> Resources, double MaxUtilization, string Binding, bool Pareto,
    double DevicePeakGops, double PeakGops, double BandwidthGbPerS, IReadOnlyDictionary<string, double> ParetoX, string Summary, IReadOnlyList<ReportLayer> Layers);

/// <summary>
/// One layer that runs (fused, folded and view layers take no time and are left out): its time, the compute and
/// memory times that overlap in it (the longer binds; the rest of <paramref name="Ms"/> is launch and pipeline
/// fill), its external-memory traffic and operations (2 per MAC).
/// </summary>
public sealed record ReportLayer(string Name, string Kind, double Ms, double ComputeMs, double MemoryMs, double Bytes, double Ops, string Bound);

/// <summary>
/// Collects report.html's data from an exploration. Per-layer figures come from the estimator (<see
/// cref="Estimator.EvaluateLayers"/>), rebuilt exactly as the explorer built it, for the designs the table lists.
/// </summary>
public static class ReportData
{
    /// <summary>The table lists this many of the best designs, and also each kernel kind × data type's best.</summary>
    public const int TopDesigns = 100;

    public static ReportDocument Build(Network network, ExploreOptions o, ExploreResult r)
    {
        var device = o.Device;
        var resources = new List<ReportResource> { new("DSP", device.Dsp.Count, device.Platform.Dsp) };
        resources.AddRange(device.Ram.Select(k => new ReportResource(k.Kind, k.Count, device.Platform.Ram.GetValueOrDefault(k.Kind))));
        resources.Add(new(device.Logic.Kind, device.Logic.Count, device.Platform.Logic));
        resources.Add(new("registers", device.Registers, device.Platform.Registers));
        var reportDevice = new ReportDevice(device.Id, device.Part, device.Board, device.Memory.GBps, device.Memory.Kind, device.Memory.Banks, resources);

        var estimators = new Dictionary<(string, Precision, int), Estimator>();
        var lowered = new Dictionary<(LoweringOptions, Precision, int), LoweredNetwork>();
        Estimator EstimatorOf(DesignEstimate d)
        {
            var units = d.ComputeUnits;
            if (estimators.TryGetValue((d.Kernel, d.Precision, units), out var e)) return e;
            // As Explorer.Run builds it: the kind's lowering at this data type and each unit's batch, the kind's calibration.
            var kind = (o.Kernels ?? KernelKinds.All()).First(k => k.Id == d.Kernel);
            if (!lowered.TryGetValue((kind.Lowering, d.Precision, units), out var net))
                lowered[(kind.Lowering, d.Precision, units)] = net = Lowerer.Lower(network, kind.Lowering, d.Precision, o.Batch / units);
            return estimators[(d.Kernel, d.Precision, units)] = new Estimator(kind, net, new Target(device, d.Precision, units), calibration: o.Calibration.For(kind.Id), layers: o.Layers);
        }

        var listed = Listed(r.Designs);
        var designs = listed.Select(i => Design(r.Designs[i], i + 1, r.Pareto[i], EstimatorOf(r.Designs[i]))).ToList();
        var kinds = KernelKinds.Ids.Concat(r.Designs.Select(d => d.Kernel)).Distinct().ToDictionary(k => k, PlotStyle.KindColor);
        var shapes = PrecisionExtensions.All.ToDictionary(p => p.Id(), PlotStyle.Shape);
        return new ReportDocument(network.Name, reportDevice, o.Objective.ToString().ToLowerInvariant(), o.MaxUtil, o.Batch, r.Evaluated, r.Feasible,
            r.Pareto.Count(p => p), TopDesigns, ExploreReport.CalibrationText(o.Calibration, r.Searches.Select(s => s.Kernel)).ToList(), kinds, shapes, designs);
    }

    /// <summary>Indices of the listed designs, best first: the top <see cref="TopDesigns"/> and each kind × data type's best.</summary>
    public static IReadOnlyList<int> Listed(IReadOnlyList<DesignEstimate> ranked)
    {
        var best = Enumerable.Range(0, ranked.Count).GroupBy(i => (ranked[i].Kernel, ranked[i].Precision)).Select(g => g.Min());
        return Enumerable.Range(0, Math.Min(TopDesigns, ranked.Count)).Union(best).Order().ToList();
    }

    private static ReportDesign Design(DesignEstimate d, int rank, bool pareto, Estimator estimator)
    {
        var (again, layers) = estimator.EvaluateLayers(d.Config);
        // The per-layer figures must be those of the ranked design, or the report would show another design.
        if (Math.Abs(again.Cycles - d.Cycles) > 1e-6 * d.Cycles)
            throw new InvalidOperationException($"{d.Kernel} {d.Config}: per-layer estimate gives {again.Cycles} cycles, the ranked design {d.Cycles}");
        var u = d.Resources;
        var amounts = new List<double> { u.Dsp };
        amounts.AddRange(u.Ram);
        amounts.Add(u.Logic);
        amounts.Add(u.Registers);
        var (util, binding) = u.Binding();
        double Ms(double cycles) => cycles / (d.FreqMhz * 1e3);
        var rows = layers.Where(l => l.Execution == Execution.Kernel && l.Cycles > 0)
            .Select(l => new ReportLayer(l.Layer.Name, l.Layer.Kind, l.Ms, Ms(l.ComputeCycles), Ms(l.MemoryCycles), l.Bytes, 2.0 * l.Macs, l.Bound))
            .ToList();
        var bandwidth = estimator.PeakBytesPerCycle(d.Config) * d.FreqMhz * 1e6 / 1e9;
        return new ReportDesign(rank, d.Kernel, d.Config.ToString(), d.Precision.Id(), d.FreqMhz, d.ImagesPerSecond, d.Gops, d.LatencyMs,
            d.DspEfficiency, amounts, util, binding, pareto, d.DevicePeakGops, d.PeakGops, bandwidth,
            ResourceAxis.For(u.Device).ToDictionary(a => a.Id, a => a.Of(d)), DesignText.Summary(d, rank), rows);
    }
}
