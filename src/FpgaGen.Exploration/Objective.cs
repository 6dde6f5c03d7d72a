using FpgaGen.Estimation;
using FpgaGen.Kernels;

namespace FpgaGen.Exploration;

public enum Objective { Throughput, Latency, Efficiency }

public static class Objectives
{
    public static Objective Parse(string text) => text.ToLowerInvariant() switch
    {
        "throughput" => Objective.Throughput,
        "latency" => Objective.Latency,
        "efficiency" => Objective.Efficiency,
        _ => throw new InputException($"unknown objective '{text}' (expected throughput, latency or efficiency)"),
    };

    /// <summary>Higher is better: images/s, inverse latency, or DSP efficiency (ties broken by throughput).</summary>
    public static double Score(this Objective objective, DesignEstimate d) => objective switch
    {
        Objective.Throughput => d.ImagesPerSecond,
        Objective.Latency => 1e3 / d.LatencyMs,
        _ => d.DspEfficiency + d.ImagesPerSecond * 1e-12,
    };
}
