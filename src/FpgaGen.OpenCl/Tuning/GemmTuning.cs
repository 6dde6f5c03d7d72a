using FpgaGen.OpenCl.Kernels;

namespace FpgaGen.OpenCl.Tuning;

/// <summary>Tuning spaces, defaults and the tuning problem for <see cref="GemmKernel"/>.</summary>
public static class GemmTuning
{
    public const string KernelName = "gemm";

    // Rules shared by both spaces: the kernel's own tile rules, the device's work-group and local
    // memory limits, a register budget per work-item, and no tile much larger than the matrix
    // (a 128-row tile for M = 16 only computes zeros).
    private static readonly string[] CommonConstraints =
    [
        "MWG % MDIMC == 0",
        "NWG % (NDIMC * VWN) == 0",
        "KWG % KWI == 0",
        "MDIMC * NDIMC <= MAX_WG_SIZE",
        "4 * (SA * KWG * (MWG + 1) + SB * KWG * NWG) <= LOCAL_MEM_BYTES",
        "MWG <= max(M_P2, 8)",
        "NWG <= max(N_P2, 16)",
        "KWG <= max(K_P2, 8)",
    ];

    /// <summary>
    /// CPUs (PoCL, Intel/AMD CPU runtimes): a work-item runs as a loop iteration on one core, so
    /// few work-items with wide explicit vectors (VWN up to 16 = AVX-512) and large register tiles
    /// pay; local memory is ordinary cache and barriers are costly, which the search can confirm.
    /// </summary>
    public static ParameterSpace CpuSpace { get; } = new(KernelName,
    [
        new("MWG", [4, 8, 16, 32, 64]),
        new("NWG", [16, 32, 64, 128, 256]),
        new("KWG", [8, 16, 32, 64]),
        new("MDIMC", [1, 2, 4, 8]),
        new("NDIMC", [1, 2, 4, 8, 16]),
        new("VWN", [4, 8, 16]),
        new("KWI", [1, 2, 4]),
        new("SA", [0, 1]),
        new("SB", [0, 1]),
    ],
    [
        .. CommonConstraints,
        "(MWG / MDIMC) * (NWG / NDIMC / VWN) <= 32", // vector accumulators per work-item: AVX-512 has 32 registers
        "(MWG / MDIMC) * (NWG / NDIMC) >= 16",
    ]);

    /// <summary>
    /// GPUs and other devices: CLBlast-like ranges with work-groups of 64–1024 work-items and up
    /// to 64 accumulators per work-item.
    /// </summary>
    public static ParameterSpace GpuSpace { get; } = new(KernelName,
    [
        new("MWG", [16, 32, 64, 128]),
        new("NWG", [16, 32, 64, 128]),
        new("KWG", [8, 16, 32]),
        new("MDIMC", [8, 16, 32]),
        new("NDIMC", [8, 16, 32]),
        new("VWN", [1, 2, 4, 8]),
        new("KWI", [1, 2, 4]),
        new("SA", [0, 1]),
        new("SB", [0, 1]),
    ],
    [
        .. CommonConstraints,
        "MDIMC * NDIMC >= 64",
        "(MWG / MDIMC) * (NWG / NDIMC) <= 64",
    ]);

    /// <summary>Built-in parameters when the database has nothing for a device (the last lookup level).</summary>
    public static KernelParameters DefaultFor(ClDeviceType type) =>
        type.HasFlag(ClDeviceType.Cpu) ? CpuDefault : GemmKernel.DefaultParameters;

    /// <summary>
    /// CPU default: 8×64 tiles, one 2-work-item column, float16 vectors, no local memory. On PoCL
    /// (AVX-512, 2 cores) no 60 s random search beat it on the ViT-B shapes and on VGG FC7 at batch
    /// 16 (bench/OpenClGemm/results/README.md); elsewhere tuned sets were up to 2.5× faster (1024³,
    /// M = 1), so tuning per shape still pays.
    /// </summary>
    public static KernelParameters CpuDefault { get; } = KernelParameters.Parse("MWG=8,NWG=64,KWG=32,MDIMC=2,NDIMC=1,VWN=16,KWI=2,SA=0,SB=0");

    public static ParameterSpace SpaceFor(ClDevice device) => device.Type.HasFlag(ClDeviceType.Cpu) ? CpuSpace : GpuSpace;

    public static TuningShape ShapeOf(GemmShape shape) => new(KernelName, shape.ToString(),
        $"m{TuningShape.CeilPow2(shape.M)}-n{TuningShape.CeilPow2(shape.N)}-k{TuningShape.CeilPow2(shape.K)}",
        [Math.Log2(shape.M), Math.Log2(shape.N), Math.Log2(shape.K)]);

    /// <summary>Device limits plus M, N, K and their power-of-two ceilings M_P2, N_P2, K_P2.</summary>
    public static Dictionary<string, long> EnvironmentFor(ClDevice device, GemmShape shape)
    {
        var env = TuningEnvironment.ForDevice(device);
        env["M"] = shape.M;
        env["N"] = shape.N;
        env["K"] = shape.K;
        env["M_P2"] = TuningShape.CeilPow2(shape.M);
        env["N_P2"] = TuningShape.CeilPow2(shape.N);
        env["K_P2"] = TuningShape.CeilPow2(shape.K);
        return env;
    }

    /// <summary>Uploads integer-valued operands for <paramref name="shape"/> and computes the reference.</summary>
    public static ITuningProblem CreateProblem(OpenClSession session, GemmShape shape, ParameterSpace? space = null, int seed = 1)
    {
        if (shape.M <= 0 || shape.N <= 0 || shape.K <= 0) throw new InputException($"GEMM shape {shape} must be positive");
        var device = session.Device;
        var problem = new VerifiedProblem(session, ShapeOf(shape), space ?? SpaceFor(device), EnvironmentFor(device, shape),
            DefaultFor(device.Type), shape.Flops);
        try
        {
            var a = TuningData.SmallIntegers((long)shape.M * shape.K, seed);
            var b = TuningData.SmallIntegers((long)shape.K * shape.N, seed + 1);
            ClBuffer da = problem.Upload(a), db = problem.Upload(b), dc = problem.Output(Reference.Gemm(a, b, shape), shape.M, shape.N);
            return problem.Ready(p =>
            {
                var kernel = GemmKernel.Build(session, p);
                return (kernel, () => kernel.Enqueue(da, db, dc, shape));
            });
        }
        catch
        {
            problem.Dispose();
            throw;
        }
    }
}
