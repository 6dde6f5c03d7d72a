using FpgaGen.OpenCl;
using FpgaGen.OpenCl.Kernels;
using FpgaGen.OpenCl.Tuning;

namespace FpgaGen.Simulation;

/// <summary>
/// The reference's linear layers and attention projections on the OpenCL device, with the GEMM parameters that
/// `fpgagen tune` stored for this device (looked up per shape with the database's fallback: same device, then same
/// vendor and type, then the built-in default). y = x·Wᵀ + b: A = x (rows×k), B = Wᵀ (k×n), float accumulation.
/// The tuned GEMM is verified against a double-precision reference for every candidate it stores, and it is a
/// different program from the FPGA kernels being checked, so the comparison stays independent.
/// </summary>
public sealed class TunedLinear(OpenClSession session, TuningDatabase database) : IDisposable
{
    private readonly Dictionary<string, GemmKernel> kernels = [];

    /// <summary>Which parameters each shape used and how they were found, for the report.</summary>
    public List<(string Shape, string Parameters, TuningMatch Match)> Used { get; } = [];

    public float[] Run(float[] x, int rows, int k, int n, float[] w, float[]? bias)
    {
        var shape = new GemmShape(rows, n, k);
        var tuned = KernelTuning.Lookup(database, "gemm", shape.ToString(), session.Device);
        Used.Add((shape.ToString(), tuned.Parameters.ToString(), tuned.Match));
        var key = tuned.Parameters.ToString();
        if (!kernels.TryGetValue(key, out var kernel)) kernels[key] = kernel = GemmKernel.Build(session, tuned.Parameters);

        var wt = new float[(long)k * n];
        for (var o = 0; o < n; o++)
            for (var i = 0; i < k; i++) wt[(long)i * n + o] = w[(long)o * k + i];
        using var a = session.Context.CreateBuffer<float>(x.AsSpan(0, rows * k));
        using var b = session.Context.CreateBuffer<float>(wt);
        using var c = session.Context.CreateBuffer((long)rows * n * sizeof(float));
        using (var e = kernel.Enqueue(a, b, c, shape)) e.Wait();
        var y = new float[(long)rows * n];
        session.Queue.Read<float>(c, y);
        if (bias is not null)
            for (var r = 0; r < rows; r++)
                for (var o = 0; o < n; o++) y[(long)r * n + o] += bias[o];
        return y;
    }

    public void Dispose()
    {
        foreach (var k in kernels.Values) k.Dispose();
    }
}
