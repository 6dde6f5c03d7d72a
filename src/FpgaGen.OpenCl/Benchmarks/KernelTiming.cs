using System.Diagnostics;
using FpgaGen.OpenCl.Kernels;

namespace FpgaGen.OpenCl.Benchmarks;

/// <summary>Medians of repeated runs: device time (event profiling) and host wall time (enqueue → complete).</summary>
public sealed record TimingSummary(double MedianDeviceNs, double MedianWallNs, int Runs)
{
    public double DeviceGflops(double flops) => flops / MedianDeviceNs;
    public double WallGflops(double flops) => flops / MedianWallNs;
}

/// <summary>
/// Timing helpers shared by `fpgagen tune` reports and the CLBlast comparison
/// (bench/OpenClGemm/GemmVsClBlast.cs). Not unit tests: timings are only meaningful on an idle machine.
/// </summary>
public static class KernelTiming
{
    /// <summary>One warm-up run, then <paramref name="runs"/> timed runs of a compiled GEMM.</summary>
    public static TimingSummary Time(GemmKernel kernel, ClBuffer a, ClBuffer b, ClBuffer c, GemmShape shape, int runs)
    {
        using (var warm = kernel.Enqueue(a, b, c, shape)) warm.Wait();
        var device = new List<double>();
        var wall = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            using var evt = kernel.Enqueue(a, b, c, shape);
            evt.Wait();
            wall.Add(clock.Elapsed.TotalNanoseconds);
            device.Add(evt.EndNs - evt.StartNs);
        }
        return new TimingSummary(Median(device), Median(wall), runs);
    }

    /// <summary>
    /// Wall-clock median of <paramref name="runOnceAndFinish"/> (which must block until its work is
    /// done), after one warm-up call — for libraries whose routines enqueue several kernels.
    /// </summary>
    public static double MedianWallNs(Action runOnceAndFinish, int runs)
    {
        runOnceAndFinish();
        var wall = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            runOnceAndFinish();
            wall.Add(clock.Elapsed.TotalNanoseconds);
        }
        return Median(wall);
    }

    public static double Median(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0) throw new ArgumentException("no values", nameof(values));
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
