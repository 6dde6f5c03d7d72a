namespace FpgaGen.Estimation;

/// <summary>
/// The clock a design reaches. Below 70% utilization of its most used resource a design closes timing near the
/// device's typical kernel fmax; above it, routing congestion costs clock speed roughly linearly, down to
/// (1 − derating) × fmax at 100%. Reported compiles show this: Arria 10 OpenCL CNN engines that fill the DSPs close
/// at 200-240 MHz against ~300 MHz for small kernels (Zhang 2015/2016, Wei 2017, PipeCNN). derating is 0.2 for
/// broadcast-style engines and 0.1 for systolic arrays (see each KernelModel).
/// </summary>
public static class ClockModel
{
    public const double Knee = 0.7;

    public static double FrequencyMhz(double fmaxMhz, double utilization, double derating)
    {
        var over = Math.Clamp((utilization - Knee) / (1 - Knee), 0, 1);
        return fmaxMhz * (1 - derating * over);
    }
}
