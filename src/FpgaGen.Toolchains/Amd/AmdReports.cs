using FpgaGen.Toolchains.Reports;

namespace FpgaGen.Toolchains.Amd;

/// <summary>Summaries of the AMD reports.</summary>
public static class AmdReports
{
    public static SynthesisReport FromCsynth(CsynthReport csynth, string source) => new(ReportKind.HlsSynthesis, source)
    {
        Design = csynth.Top,
        ToolVersion = csynth.Version,
        Resources = csynth.Resources,
        Available = csynth.Available,
        FmaxMhz = csynth.FmaxMhz,
        Latency = csynth.Latency,
        Interval = csynth.Interval,
        Kernels =
        [
            new KernelResult(csynth.Top)
            {
                Resources = csynth.Resources,
                FmaxMhz = csynth.FmaxMhz,
                Latency = csynth.Latency,
                Ii = csynth.Interval,
            },
        ],
    };

    /// <summary>
    /// One kernel per compute unit, from the rows whose module is the kernel itself; the design's fmax is the
    /// slowest compute unit's and its resources are the compute units' sum.
    /// </summary>
    public static SynthesisReport FromEstimate(SystemEstimate estimate, string source)
    {
        var kernels = estimate.ComputeUnits.Select(cu => new KernelResult(cu)
        {
            Resources = estimate.AreaOf(cu)?.Resources ?? new ResourceCounts(),
            FmaxMhz = estimate.TimingOf(cu)?.EstimatedMhz,
            Latency = estimate.LatencyOf(cu)?.Latency,
            Ii = estimate.LatencyOf(cu)?.StartInterval,
        }).ToList();
        return new SynthesisReport(ReportKind.VitisLinkEstimate, source)
        {
            Design = estimate.DesignName,
            Resources = kernels.Aggregate(new ResourceCounts(), (sum, k) => sum + k.Resources),
            FmaxMhz = kernels.Select(k => k.FmaxMhz).Where(f => f is not null).Min(),
            Kernels = kernels,
        };
    }
}
