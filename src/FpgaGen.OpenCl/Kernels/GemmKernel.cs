using System.Globalization;

namespace FpgaGen.OpenCl.Kernels;

/// <summary>A GEMM problem size: C[M×N] = A[M×K] · B[K×N].</summary>
public readonly record struct GemmShape(int M, int N, int K)
{
    /// <summary>Floating-point operations of one multiply (a multiply and an add per MAC).</summary>
    public double Flops => 2.0 * M * N * K;

    public override string ToString() => $"{M}x{N}x{K}";

    /// <summary>Parses "MxNxK" (the `--shape` syntax).</summary>
    public static GemmShape Parse(string text)
    {
        var parts = text.Split('x', 'X', '×');
        if (parts.Length != 3 || !parts.All(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0))
            throw new InputException($"GEMM shape '{InputException.OneLine(text)}' is not MxNxK with positive integers of at most {int.MaxValue:N0} (e.g. 197x2304x768)");
        var shape = new GemmShape(int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture), int.Parse(parts[2], CultureInfo.InvariantCulture));
        // In doubles: 99999999x99999999 overflows a long product's sign, not a double's.
        TuningShapeLimits.Check(shape.ToString(), (double)shape.M * shape.K, (double)shape.K * shape.N, (double)shape.M * shape.N, shape.K);
        return shape;
    }
}

/// <summary>
/// The tiled GEMM of Kernels/gemm.cl compiled for one parameter set. Row-major operands with
/// leading dimensions; see the kernel's header for the meaning of each parameter. Not thread-safe:
/// <see cref="Enqueue"/> sets the kernel's arguments before launching.
/// </summary>
public sealed class GemmKernel : IDisposable
{
    /// <summary>Parameter names the kernel understands.</summary>
    public static readonly string[] ParameterNames = ["MWG", "NWG", "KWG", "MDIMC", "NDIMC", "VWN", "KWI", "SA", "SB"];

    /// <summary>A conservative configuration that builds and runs on any OpenCL 1.2 device.</summary>
    public static KernelParameters DefaultParameters { get; } = KernelParameters.Parse("MWG=32,NWG=32,KWG=16,MDIMC=8,NDIMC=8,VWN=1,KWI=1,SA=1,SB=1");

    private readonly CompiledKernel _compiled;

    private GemmKernel(OpenClSession session, KernelParameters parameters, CompiledKernel compiled)
    {
        Session = session;
        Parameters = parameters;
        _compiled = compiled;
    }

    public OpenClSession Session { get; }
    public KernelParameters Parameters { get; }

    /// <summary>Work-items per work-group (MDIMC · NDIMC).</summary>
    public int WorkGroupSize => Parameters["MDIMC"] * Parameters["NDIMC"];

    /// <summary>
    /// Validates <paramref name="parameters"/> and compiles the kernel. Throws ArgumentException for
    /// inconsistent tiles and OpenClException for compile errors or a work-group the compiled
    /// kernel cannot launch (CL_INVALID_WORK_GROUP_SIZE, e.g. too many registers on a GPU).
    /// </summary>
    public static GemmKernel Build(OpenClSession session, KernelParameters parameters)
    {
        Validate(parameters);
        var compiled = CompiledKernel.Build(session, KernelSources.Gemm, parameters.ToBuildOptions(), "gemm", (long)parameters["MDIMC"] * parameters["NDIMC"]);
        return new GemmKernel(session, parameters, compiled);
    }

    /// <summary>The tile rules of gemm.cl, checked before compiling so the message names them.</summary>
    public static void Validate(KernelParameters p)
    {
        p.RequireExactly(ParameterNames, "GEMM");
        if (p.Values.Any(v => v < 0)) throw new ArgumentException($"GEMM parameters must not be negative: {p}");
        int mwg = p["MWG"], nwg = p["NWG"], kwg = p["KWG"], mdimc = p["MDIMC"], ndimc = p["NDIMC"], vwn = p["VWN"], kwi = p["KWI"];
        if (mwg == 0 || nwg == 0 || kwg == 0 || mdimc == 0 || ndimc == 0 || kwi == 0) throw new ArgumentException($"GEMM tile sizes must be positive: {p}");
        if (vwn is not (1 or 2 or 4 or 8 or 16)) throw new ArgumentException($"VWN must be 1, 2, 4, 8 or 16, not {vwn}");
        if (mwg % mdimc != 0) throw new ArgumentException($"MWG ({mwg}) must be a multiple of MDIMC ({mdimc})");
        if (nwg % (ndimc * vwn) != 0) throw new ArgumentException($"NWG ({nwg}) must be a multiple of NDIMC·VWN ({ndimc * vwn})");
        if (kwg % kwi != 0) throw new ArgumentException($"KWG ({kwg}) must be a multiple of KWI ({kwi})");
        if (p["SA"] > 1 || p["SB"] > 1) throw new ArgumentException("SA and SB are switches (0 or 1)");
    }

    /// <summary>NDRange for <paramref name="shape"/>: dim 0 along N, dim 1 along M, rounded up to whole tiles.</summary>
    public (long[] Global, long[] Local) Range(GemmShape shape)
    {
        int mwg = Parameters["MWG"], nwg = Parameters["NWG"], mdimc = Parameters["MDIMC"], ndimc = Parameters["NDIMC"];
        long groupsN = (shape.N + nwg - 1) / nwg, groupsM = (shape.M + mwg - 1) / mwg;
        return ([groupsN * ndimc, groupsM * mdimc], [ndimc, mdimc]);
    }

    /// <summary>
    /// Enqueues C = alpha·A·B + beta·C. Leading dimensions default to packed rows (K, N, N). With
    /// beta = 0, C is write-only (its old contents, even NaN, do not matter).
    /// </summary>
    public ClEvent Enqueue(ClBuffer a, ClBuffer b, ClBuffer c, GemmShape shape, float alpha = 1, float beta = 0,
        int lda = 0, int ldb = 0, int ldc = 0)
    {
        var (m, n, k) = shape;
        if (m <= 0 || n <= 0 || k <= 0) throw new ArgumentException($"GEMM shape {shape} must be positive");
        lda = lda == 0 ? k : lda;
        ldb = ldb == 0 ? n : ldb;
        ldc = ldc == 0 ? n : ldc;
        if (lda < k || ldb < n || ldc < n) throw new ArgumentException($"leading dimensions ({lda}, {ldb}, {ldc}) are smaller than the rows ({k}, {n}, {n})");
        CheckFits("A", a, m, lda, k);
        CheckFits("B", b, k, ldb, n);
        CheckFits("C", c, m, ldc, n);
        var kernel = _compiled.Kernel;
        kernel.SetArg(0, m).SetArg(1, n).SetArg(2, k).SetArg(3, alpha).SetArg(4, beta)
            .SetArg(5, a).SetArg(6, lda).SetArg(7, b).SetArg(8, ldb).SetArg(9, c).SetArg(10, ldc);
        var (global, local) = Range(shape);
        return Session.Queue.EnqueueNDRange(kernel, global, local);
    }

    private static void CheckFits(string name, ClBuffer buffer, int rows, int ld, int cols)
    {
        var elements = (long)(rows - 1) * ld + cols;
        if ((long)rows * ld > int.MaxValue) throw new ArgumentException($"{name} ({rows} rows × {ld}) exceeds the kernel's 32-bit indexing");
        CompiledKernel.CheckFloats(name, buffer, elements);
    }

    public void Dispose() => _compiled.Dispose();
}
