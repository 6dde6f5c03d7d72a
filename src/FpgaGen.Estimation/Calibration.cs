using FpgaGen.Kernels;

namespace FpgaGen.Estimation;

/// <summary>One correction factor (reported ÷ predicted) and how many compiles it rests on; none: 1 from 0 compiles.</summary>
public readonly record struct CalibrationFactor(double Value, int Samples)
{
    public static readonly CalibrationFactor None = new(1, 0);

    public bool Calibrated => Samples > 0;
}

/// <summary>
/// Correction factors of one kernel kind on one vendor family, learned from real compiles of that kind on devices
/// of that family: predicted × factor ≈ reported. Applied to a design's clock and resource totals. A factor with no
/// compiles behind it is 1 (see <see cref="CalibrationFactor.None"/>); <see cref="None"/> changes nothing.
/// </summary>
public sealed record Calibration(string Kernel, CalibrationFactor Fmax, CalibrationFactor Dsp, CalibrationFactor Ram, CalibrationFactor Logic, int Compiles)
{
    public static readonly Calibration None = Uncalibrated("");

    public static Calibration Uncalibrated(string kernel) =>
        new(kernel, CalibrationFactor.None, CalibrationFactor.None, CalibrationFactor.None, CalibrationFactor.None, 0);

    public bool IsIdentity => !(Fmax.Calibrated || Dsp.Calibrated || Ram.Calibrated || Logic.Calibrated);

    public void Apply(ResourceUse resources)
    {
        resources.Dsp *= Dsp.Value;
        resources.Logic *= Logic.Value;
        resources.Registers *= Logic.Value;
        for (var k = 0; k < resources.Ram.Length; k++) resources.Ram[k] *= Ram.Value;
    }
}

/// <summary>
/// The calibrations of every kernel kind that has compiles on one vendor family (e.g. "intel Arria 10 GX"): a kind's
/// factors come only from compiles of that kind, so compiling gemm designs never moves conv_systolic's figures.
/// </summary>
public sealed record CalibrationSet(string Family, IReadOnlyDictionary<string, Calibration> Kinds, string Source)
{
    public static readonly CalibrationSet None = new("", new Dictionary<string, Calibration>(), "uncalibrated");

    public bool IsIdentity => Kinds.Values.All(c => c.IsIdentity);

    /// <summary>Compiles behind the whole set.</summary>
    public int Compiles => Kinds.Values.Sum(c => c.Compiles);

    /// <summary>The kind's calibration, or an uncalibrated one if no compile of it was found.</summary>
    public Calibration For(string kernel) => Kinds.TryGetValue(kernel, out var c) ? c : Calibration.Uncalibrated(kernel);
}
