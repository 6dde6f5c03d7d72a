using FpgaGen.Kernels;

namespace FpgaGen.Estimation;

/// <summary>
/// Per-device correction factors learned from real compiles: predicted × factor ≈ reported. Applied to a design's
/// clock and resource totals. <see cref="None"/> changes nothing.
/// </summary>
public sealed record Calibration(double Fmax, double Dsp, double Ram, double Logic, int Samples, string Source)
{
    public static readonly Calibration None = new(1, 1, 1, 1, 0, "uncalibrated");

    public bool IsIdentity => Samples == 0;

    public void Apply(ResourceUse resources)
    {
        resources.Dsp *= Dsp;
        resources.Logic *= Logic;
        resources.Registers *= Logic;
        for (var k = 0; k < resources.Ram.Length; k++) resources.Ram[k] *= Ram;
    }
}
