using FpgaGen.Estimation;
using FpgaGen.Hardware;

namespace FpgaGen.Exploration.Plots;

/// <summary>
/// One cost objective of the Pareto front as a plot axis: what is counted, in which unit, and how much of it the
/// device has. The three together with throughput are the objectives of <see cref="Pareto.Front(IReadOnlyList{DesignEstimate})"/>.
/// </summary>
/// <param name="Id">"dsp", "ram" or "logic" (also the file and element id suffix).</param>
/// <param name="Label">The axis title.</param>
/// <param name="Unit">The unit in tooltips and line labels ("DSP", "M20K", "Mbit", "ALM").</param>
/// <param name="DeviceTotal">How much of it the device has, in that unit.</param>
/// <param name="Of">A design's use of it, platform included, in that unit.</param>
/// <param name="Format">.NET number format for values of this axis.</param>
public sealed record ResourceAxis(string Id, string Label, string Unit, double DeviceTotal, Func<DesignEstimate, double> Of, string Format)
{
    public static IReadOnlyList<ResourceAxis> For(Device device) => [Dsp(device), Ram(device), Logic(device)];

    public static ResourceAxis Dsp(Device device) =>
        new("dsp", "DSP blocks used (platform included)", "DSP", device.Dsp.Count, d => d.Resources.Dsp, "#,0");

    /// <summary>
    /// Blocks when the device has one RAM kind; with several (BRAM18 and URAM) their bits summed, in Mbit, as the
    /// Pareto front compares them. The limit a design must meet is per kind, so under it the sum is at most the
    /// limit's share of the device's total too.
    /// </summary>
    public static ResourceAxis Ram(Device device) => device.Ram.Count == 1
        ? new("ram", $"{device.Ram[0].Kind} blocks used (platform included)", device.Ram[0].Kind, device.Ram[0].Count, d => d.Resources.Ram[0], "#,0")
        : new("ram", $"on-chip RAM used, Mbit ({string.Join(" + ", device.Ram.Select(r => r.Kind))}, platform included)", "Mbit",
            device.RamBits / 1e6, d => d.Resources.RamBits / 1e6, "#,0.#");

    public static ResourceAxis Logic(Device device) =>
        new("logic", $"{device.Logic.Kind}s used (platform included)", device.Logic.Kind, device.Logic.Count, d => d.Resources.Logic, "#,0");
}
