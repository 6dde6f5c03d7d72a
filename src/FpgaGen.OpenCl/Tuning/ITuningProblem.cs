using FpgaGen.OpenCl.Kernels;

namespace FpgaGen.OpenCl.Tuning;

/// <summary>
/// How a problem is filed in the tuning database: the kernel, the exact shape text, a coarser
/// class (each dimension rounded up to a power of two) under which results are shared between
/// similar shapes, and numeric features (log2 of the dimensions) for nearest-class fallback.
/// </summary>
public sealed record TuningShape(string Kernel, string Text, string Class, IReadOnlyList<double> Features)
{
    /// <summary>L1 distance between feature vectors; infinite when they are not comparable.</summary>
    public double Distance(IReadOnlyList<double> other) =>
        other.Count != Features.Count ? double.PositiveInfinity : Features.Zip(other, (a, b) => Math.Abs(a - b)).Sum();

    /// <summary>Smallest power of two ≥ <paramref name="value"/> (and ≥ 1).</summary>
    public static long CeilPow2(long value)
    {
        long p = 1;
        while (p < value) p <<= 1;
        return p;
    }
}

/// <summary>
/// One kernel on one device with one shape, ready to tune: inputs uploaded, reference computed.
/// The tuner asks it to compile candidates and to run and verify them.
/// </summary>
public interface ITuningProblem : IDisposable
{
    OpenClSession Session { get; }
    TuningShape Shape { get; }
    ParameterSpace Space { get; }

    /// <summary>Operations of one run, for GFLOPS.</summary>
    double Flops { get; }

    /// <summary>A candidate tried first, so that even a tiny budget yields a verified result.</summary>
    KernelParameters Default { get; }

    /// <summary>Values constraints may read besides the parameters (device limits, shape constants).</summary>
    IReadOnlyDictionary<string, long> Environment { get; }

    /// <summary>Compiles a candidate; throws ArgumentException or OpenClException when it cannot.</summary>
    ITuningCandidate Compile(KernelParameters parameters);
}

/// <summary>A compiled candidate of an <see cref="ITuningProblem"/>.</summary>
public interface ITuningCandidate : IDisposable
{
    /// <summary>Enqueues one run on the problem's data.</summary>
    ClEvent Run();

    /// <summary>
    /// Poisons the output (NaN), runs once, reads the result back and compares it with the
    /// reference. Returns the comparison and the run's device time.
    /// </summary>
    (Verification Result, long DurationNs) RunAndVerify();
}
