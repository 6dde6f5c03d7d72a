using FpgaGen.Exploration.Compiles;
using FpgaGen.Hardware;

namespace FpgaGen.Toolchains.Projects;

/// <summary>
/// A design's figures in the explorer's units: DSP blocks, blocks of the device's first RAM kind (M20K or BRAM18),
/// URAM blocks, logic (ALM or LUT), registers, clock and network latency. Null where a side does not give a figure.
/// </summary>
public sealed record DesignFigures
{
    public double? Dsp { get; init; }
    public double? Ram { get; init; }
    public double? Uram { get; init; }
    public double? Logic { get; init; }
    public double? Registers { get; init; }
    public double? FmaxMhz { get; init; }
    public double? LatencyMs { get; init; }

    /// <summary>The resources without (sign -1) or with (sign +1) the board's BSP/shell overhead.</summary>
    public DesignFigures WithPlatform(Device device, int sign)
    {
        var p = device.Platform;
        double? Shift(double? value, long overhead) => value is { } v ? v + sign * overhead : null;
        return this with
        {
            Dsp = Shift(Dsp, p.Dsp),
            Ram = Shift(Ram, p.Ram.GetValueOrDefault(device.Ram[0].Kind)),
            Uram = device.Ram.Count > 1 ? Shift(Uram, p.Ram.GetValueOrDefault(device.Ram[1].Kind)) : Uram,
            Logic = Shift(Logic, p.Logic),
            Registers = Shift(Registers, p.Registers),
        };
    }

    /// <summary>The figures a results-log record keeps (the ones calibration fits).</summary>
    public Figures ToRecord() => new()
    {
        Dsp = Dsp,
        Bram = Ram,
        Logic = Logic,
        Ff = Registers,
        FmaxMhz = FmaxMhz,
        LatencyMs = LatencyMs,
    };
}
