using FpgaGen.OpenCl.Kernels;

namespace FpgaGen.OpenCl.Tuning;

/// <summary>Tuning space, defaults and the tuning problem for <see cref="ConvKernel"/>.</summary>
public static class ConvTuning
{
    public const string KernelName = "conv";

    /// <summary>
    /// One space for all devices; IS_GPU keeps GPU work-groups at ≥ 32 work-items (a warp).
    /// The local-memory rule repeats ConvKernel.LocalMemoryBytes over the shape constants.
    /// </summary>
    public static ParameterSpace Space { get; } = new(KernelName,
    [
        new("WGX", [1, 2, 4, 8, 16, 32]),
        new("WGY", [1, 2, 4, 8]),
        new("XPT", [1, 2, 4, 8]),
        new("OPT", [1, 2, 4, 8, 16]),
        new("LMEM", [0, 1]),
        new("CT", [1, 2, 4, 8]),
    ],
    [
        "WGX * WGY <= MAX_WG_SIZE",
        "IS_GPU == 0 || WGX * WGY >= 32",
        "LMEM == 1 || CT == 1",
        "CT <= max(C_IN_P2, 1)",
        "OPT <= C_OUT_P2",
        "WGX * XPT <= max(W_OUT_P2, 4)",
        "WGY <= H_OUT_P2",
        "OPT * XPT <= 64",
        "OPT * XPT >= 2",
        "4 * LMEM * (CT * ((WGY - 1) * SY + (KH - 1) * DY + 1) * ((WGX * XPT - 1) * SX + (KW - 1) * DX + 1) + OPT * CT * KH * KW) <= LOCAL_MEM_BYTES",
    ]);

    public static TuningShape ShapeOf(ConvShape s) => new(KernelName, s.ToString(),
        $"c{TuningShape.CeilPow2(s.InChannels)}-hw{TuningShape.CeilPow2(Math.Max(s.OutHeight, s.OutWidth))}-o{TuningShape.CeilPow2(s.OutChannels)}" +
        $"-k{s.KernelHeight}x{s.KernelWidth}-s{s.StrideY}x{s.StrideX}",
        [Math.Log2(s.InChannels), Math.Log2(Math.Max(s.OutHeight, s.OutWidth)), Math.Log2(s.OutChannels),
         4.0 * s.KernelHeight, 4.0 * s.KernelWidth, 4.0 * s.StrideY, 4.0 * s.StrideX]); // window and stride weigh more than size

    public static Dictionary<string, long> EnvironmentFor(ClDevice device, ConvShape s)
    {
        var env = TuningEnvironment.ForDevice(device);
        foreach (var (name, value) in new (string, long)[]
                 {
                     ("C_IN", s.InChannels), ("H_IN", s.Height), ("W_IN", s.Width), ("C_OUT", s.OutChannels),
                     ("H_OUT", s.OutHeight), ("W_OUT", s.OutWidth), ("KH", s.KernelHeight), ("KW", s.KernelWidth),
                     ("SY", s.StrideY), ("SX", s.StrideX), ("DY", s.DilationY), ("DX", s.DilationX),
                 })
        {
            env[name] = value;
        }
        env["C_IN_P2"] = TuningShape.CeilPow2(s.InChannels);
        env["C_OUT_P2"] = TuningShape.CeilPow2(s.OutChannels);
        env["H_OUT_P2"] = TuningShape.CeilPow2(s.OutHeight);
        env["W_OUT_P2"] = TuningShape.CeilPow2(s.OutWidth);
        return env;
    }

    public static KernelParameters DefaultFor(ClDeviceType type) => ConvKernel.DefaultParameters;

    /// <summary>Uploads integer-valued input, weights and bias for <paramref name="shape"/> and computes the reference.</summary>
    public static ITuningProblem CreateProblem(OpenClSession session, ConvShape shape, ParameterSpace? space = null, int seed = 1)
    {
        shape.Validate();
        var device = session.Device;
        var problem = new VerifiedProblem(session, ShapeOf(shape), space ?? Space, EnvironmentFor(device, shape), DefaultFor(device.Type), shape.Flops);
        try
        {
            var input = TuningData.SmallIntegers(shape.InputElements, seed);
            var weights = TuningData.SmallIntegers(shape.WeightElements, seed + 1);
            var bias = TuningData.SmallIntegers(shape.OutChannels, seed + 2);
            var reference = Reference.Conv(input, weights, bias, shape);
            ClBuffer di = problem.Upload(input), dw = problem.Upload(weights), db = problem.Upload(bias);
            var output = problem.Output(reference, 1, checked((int)shape.OutputElements));
            return problem.Ready(p =>
            {
                var kernel = ConvKernel.Build(session, shape, p);
                return (kernel, () => kernel.Enqueue(di, dw, db, output));
            });
        }
        catch
        {
            problem.Dispose();
            throw;
        }
    }
}
