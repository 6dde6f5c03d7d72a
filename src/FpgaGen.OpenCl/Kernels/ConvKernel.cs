using System.Globalization;

namespace FpgaGen.OpenCl.Kernels;

/// <summary>
/// The direct convolution of Kernels/conv.cl compiled for one layer shape and one tile parameter
/// set (the shape is compiled in, so a kernel serves one layer).
/// </summary>
public sealed class ConvKernel : IDisposable
{
    public static readonly string[] ParameterNames = ["WGX", "WGY", "XPT", "OPT", "LMEM", "CT"];

    /// <summary>A configuration that builds and runs on any OpenCL 1.2 device.</summary>
    public static KernelParameters DefaultParameters { get; } = KernelParameters.Parse("WGX=8,WGY=8,XPT=1,OPT=4,LMEM=0,CT=1");

    private readonly CompiledKernel _compiled;

    private ConvKernel(OpenClSession session, ConvShape shape, KernelParameters parameters, CompiledKernel compiled)
    {
        Session = session;
        Shape = shape;
        Parameters = parameters;
        _compiled = compiled;
    }

    public OpenClSession Session { get; }
    public ConvShape Shape { get; }
    public KernelParameters Parameters { get; }

    public static ConvKernel Build(OpenClSession session, ConvShape shape, KernelParameters parameters)
    {
        shape.Validate();
        Validate(parameters);
        var options = parameters.ToBuildOptions() + " " + ShapeDefines(shape, parameters["OPT"]);
        var compiled = CompiledKernel.Build(session, KernelSources.Conv, options, "conv", (long)parameters["WGX"] * parameters["WGY"]);
        return new ConvKernel(session, shape, parameters, compiled);
    }

    public static void Validate(KernelParameters p)
    {
        p.RequireExactly(ParameterNames, "convolution");
        if (p["WGX"] <= 0 || p["WGY"] <= 0 || p["XPT"] <= 0 || p["OPT"] <= 0 || p["CT"] <= 0)
            throw new ArgumentException($"convolution tile sizes must be positive: {p}");
        if (p["LMEM"] is not (0 or 1)) throw new ArgumentException("LMEM is a switch (0 or 1)");
    }

    /// <summary>Bytes of local memory the LMEM variant declares for <paramref name="shape"/>.</summary>
    public static long LocalMemoryBytes(ConvShape shape, KernelParameters p)
    {
        if (p["LMEM"] == 0) return 0;
        long th = (p["WGY"] - 1) * shape.StrideY + (shape.KernelHeight - 1) * shape.DilationY + 1;
        long tw = (p["WGX"] * p["XPT"] - 1) * shape.StrideX + (shape.KernelWidth - 1) * shape.DilationX + 1;
        return 4 * (p["CT"] * th * tw + (long)p["OPT"] * p["CT"] * shape.KernelHeight * shape.KernelWidth);
    }

    private static string ShapeDefines(ConvShape s, int opt)
    {
        var defines = new (string, int)[]
        {
            ("C_IN", s.InChannels), ("H_IN", s.Height), ("W_IN", s.Width), ("C_OUT", s.OutChannels),
            ("H_OUT", s.OutHeight), ("W_OUT", s.OutWidth), ("KH", s.KernelHeight), ("KW", s.KernelWidth),
            ("SY", s.StrideY), ("SX", s.StrideX), ("PY", s.PadY), ("PX", s.PadX), ("DY", s.DilationY), ("DX", s.DilationX),
            ("OGROUPS", (s.OutChannels + opt - 1) / opt),
        };
        return string.Join(" ", defines.Select(d => $"-D{d.Item1}={d.Item2.ToString(CultureInfo.InvariantCulture)}"));
    }

    public (long[] Global, long[] Local) Range()
    {
        int wgx = Parameters["WGX"], wgy = Parameters["WGY"], xpt = Parameters["XPT"], opt = Parameters["OPT"];
        long gx = (Shape.OutWidth + wgx * xpt - 1) / (wgx * xpt), gy = (Shape.OutHeight + wgy - 1) / wgy;
        long gz = (long)Shape.Batch * ((Shape.OutChannels + opt - 1) / opt);
        return ([gx * wgx, gy * wgy, gz], [wgx, wgy, 1]);
    }

    /// <summary>Enqueues out = conv(input, weights) + bias; <paramref name="bias"/> holds OutChannels floats.</summary>
    public ClEvent Enqueue(ClBuffer input, ClBuffer weights, ClBuffer bias, ClBuffer output)
    {
        CompiledKernel.CheckFloats("input", input, Shape.InputElements);
        CompiledKernel.CheckFloats("weights", weights, Shape.WeightElements);
        CompiledKernel.CheckFloats("bias", bias, Shape.OutChannels);
        CompiledKernel.CheckFloats("output", output, Shape.OutputElements);
        var kernel = _compiled.Kernel;
        kernel.SetArg(0, input).SetArg(1, weights).SetArg(2, bias).SetArg(3, output);
        var (global, local) = Range();
        return Session.Queue.EnqueueNDRange(kernel, global, local);
    }

    public void Dispose() => _compiled.Dispose();
}
