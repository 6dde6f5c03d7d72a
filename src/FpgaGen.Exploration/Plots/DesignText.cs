using FpgaGen.Estimation;

namespace FpgaGen.Exploration.Plots;

/// <summary>A design's key figures in one line, for tooltips: the same text in pareto.svg and report.html.</summary>
public static class DesignText
{
    public static string Summary(DesignEstimate d, int rank)
    {
        var u = d.Resources;
        var ram = string.Join(", ", u.Device.Ram.Select((k, i) => PlotStyle.F($"{k.Kind} {u.RamUtil(i):P0}")));
        var (_, binding) = u.Binding();
        return PlotStyle.F($"#{rank} {d.Kernel} {d.Config} {d.Precision.Id()}: {d.ImagesPerSecond:#,0.0} images/s, {d.Gops:#,0.0} GOPS, latency {d.LatencyMs:#,0.00} ms; DSP {u.DspUtil:P0}, {ram}, {u.Device.Logic.Kind} {u.LogicUtil:P0} (binding: {binding})");
    }
}
