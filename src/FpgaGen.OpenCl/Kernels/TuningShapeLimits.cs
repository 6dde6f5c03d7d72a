using System.Globalization;

namespace FpgaGen.OpenCl.Kernels;

/// <summary>
/// The largest problems `fpgagen tune --shape` accepts. Each bound keeps a run possible and its check exact:
/// <list type="bullet">
/// <item>operands and output of at most 2^28 elements each (1 GiB as float32), which the host holds twice (data and
/// double reference) and the device allocates once;</item>
/// <item>a reduction (GEMM K, convolution c·kh·kw) of at most 2^22 terms: the test data are integers in [-2, 2]
/// (<see cref="Tuning.TuningData"/>), so every partial sum is below 4·2^22 = 2^24 and exact in float32 in any
/// order (IEEE 754 binary32 has a 24-bit significand), which lets a correct kernel match the reference bit for bit;</item>
/// <item>at most 2^40 multiply-accumulates: the double-precision CPU reference of a larger problem takes hours.</item>
/// </list>
/// </summary>
public static class TuningShapeLimits
{
    public const long MaxElements = 1L << 28, MaxReduction = 1L << 22, MaxMacs = 1L << 40;

    /// <summary>Throws an <see cref="InputException"/> naming <paramref name="shape"/> when one of its sizes is beyond the limits.</summary>
    public static void Check(string shape, double inputs, double weights, double outputs, double reduction)
    {
        static string N(double v) => v.ToString("#,0", CultureInfo.InvariantCulture);
        var largest = Math.Max(inputs, Math.Max(weights, outputs));
        if (largest > MaxElements)
            throw new InputException($"--shape {shape}: a matrix of {N(largest)} elements; at most {N(MaxElements)} (2^28, 1 GiB as float32) per operand");
        if (reduction > MaxReduction)
            throw new InputException($"--shape {shape}: sums of {N(reduction)} products; at most {N(MaxReduction)} (2^22), beyond which float32 sums of the test data are not exact");
        var macs = outputs * reduction;
        if (macs > MaxMacs)
            throw new InputException($"--shape {shape}: {N(macs)} multiply-accumulates; at most {N(MaxMacs)} (2^40), beyond which the CPU reference takes hours");
    }
}
