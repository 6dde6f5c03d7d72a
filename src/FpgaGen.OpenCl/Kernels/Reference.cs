namespace FpgaGen.OpenCl.Kernels;

/// <summary>
/// A CPU reference result in double precision together with, per element, the magnitude
/// Σ|terms| of the sum that produced it. The magnitude scales the tolerance: a float32 sum of n
/// terms in any order is off by at most ≈ n·u·Σ|terms| (u = 2⁻²⁴), so the error bound follows the
/// data rather than a fixed epsilon.
/// </summary>
public sealed class ReferenceResult(double[] values, double[] magnitudes, int terms)
{
    public double[] Values { get; } = values;
    public double[] Magnitudes { get; } = magnitudes;

    /// <summary>Number of products summed into each element (K for GEMM, C·KH·KW for convolution).</summary>
    public int Terms { get; } = terms;

    /// <summary>Unit roundoff of float32.</summary>
    public const double FloatUnitRoundoff = 1.0 / (1 << 24);

    /// <summary>The worst-case float32 bound for this result, Terms·u (plus one u for the final rounding).</summary>
    public double WorstCaseRelativeTolerance => (Terms + 1) * FloatUnitRoundoff;

    /// <summary>
    /// Compares a device result (row-major, <paramref name="cols"/> used of each <paramref name="ld"/>
    /// stride) with element-wise tolerance relTol·magnitude. NaN or infinity always fails.
    /// </summary>
    public Verification Compare(ReadOnlySpan<float> actual, int rows, int cols, int ld, double relativeTolerance)
    {
        var mismatches = 0;
        var worst = 0.0;
        (int Row, int Col, double Expected, float Actual)? first = null;
        for (var r = 0; r < rows; r++)
        for (var c = 0; c < cols; c++)
        {
            var i = r * cols + c;
            var got = actual[r * ld + c];
            var err = Math.Abs(got - Values[i]);
            var ok = err <= relativeTolerance * Magnitudes[i] && float.IsFinite(got); // false for NaN
            if (!ok)
            {
                mismatches++;
                first ??= (r, c, Values[i], got);
            }
            if (double.IsFinite(err)) worst = Math.Max(worst, err);
            else worst = double.PositiveInfinity;
        }
        return new Verification(mismatches == 0, mismatches, worst,
            first is { } f ? $"first mismatch at ({f.Row},{f.Col}): expected {f.Expected}, got {f.Actual}" : null);
    }
}

/// <summary>Outcome of <see cref="ReferenceResult.Compare"/>.</summary>
public sealed record Verification(bool Passed, int Mismatches, double MaxAbsError, string? FirstMismatch)
{
    public override string ToString() =>
        Passed ? $"ok (max |error| {MaxAbsError:g3})" : $"{Mismatches} mismatching element(s); {FirstMismatch}";
}

/// <summary>CPU references, double accumulation, parallel over output rows.</summary>
public static class Reference
{
    /// <summary>A·B for row-major A (lda) and B (ldb); result packed M×N.</summary>
    public static ReferenceResult Gemm(float[] a, float[] b, GemmShape shape, int lda = 0, int ldb = 0)
    {
        var (m, n, k) = shape;
        lda = lda == 0 ? k : lda;
        ldb = ldb == 0 ? n : ldb;
        var values = new double[(long)m * n];
        var magnitudes = new double[(long)m * n];
        Parallel.For(0, m, i =>
        {
            var row = values.AsSpan(i * n, n);
            var mag = magnitudes.AsSpan(i * n, n);
            for (var p = 0; p < k; p++)
            {
                double aip = a[i * lda + p];
                if (aip == 0) continue;
                var absA = Math.Abs(aip);
                var bRow = b.AsSpan(p * ldb, n);
                for (var j = 0; j < n; j++)
                {
                    double bpj = bRow[j];
                    row[j] += aip * bpj;
                    mag[j] += absA * Math.Abs(bpj);
                }
            }
        });
        return new ReferenceResult(values, magnitudes, k);
    }

    /// <summary>Direct convolution, NCHW input, OIHW weights, optional bias; result NCHW packed.</summary>
    public static ReferenceResult Conv(float[] input, float[] weights, float[]? bias, ConvShape s)
    {
        var values = new double[(long)s.Batch * s.OutChannels * s.OutHeight * s.OutWidth];
        var magnitudes = new double[values.Length];
        Parallel.For(0, s.Batch * s.OutChannels, no =>
        {
            int n = no / s.OutChannels, o = no % s.OutChannels;
            for (var y = 0; y < s.OutHeight; y++)
            for (var x = 0; x < s.OutWidth; x++)
            {
                double sum = bias?[o] ?? 0, mag = Math.Abs(sum);
                for (var c = 0; c < s.InChannels; c++)
                for (var ky = 0; ky < s.KernelHeight; ky++)
                {
                    var iy = y * s.StrideY - s.PadY + ky * s.DilationY;
                    if (iy < 0 || iy >= s.Height) continue;
                    for (var kx = 0; kx < s.KernelWidth; kx++)
                    {
                        var ix = x * s.StrideX - s.PadX + kx * s.DilationX;
                        if (ix < 0 || ix >= s.Width) continue;
                        double v = input[((n * s.InChannels + c) * s.Height + iy) * s.Width + ix];
                        double w = weights[((o * s.InChannels + c) * s.KernelHeight + ky) * s.KernelWidth + kx];
                        sum += v * w;
                        mag += Math.Abs(v * w);
                    }
                }
                var i = ((n * s.OutChannels + o) * s.OutHeight + y) * s.OutWidth + x;
                values[i] = sum;
                magnitudes[i] = mag;
            }
        });
        return new ReferenceResult(values, magnitudes, s.InChannels * s.KernelHeight * s.KernelWidth + (bias is null ? 0 : 1));
    }
}
