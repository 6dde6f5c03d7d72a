namespace FpgaGen.Model;

/// <summary>Max or average pooling over a kernel×kernel window with stride and zero padding (PyTorch semantics).</summary>
public sealed class PoolLayer : Layer
{
    public PoolLayer(string name, IReadOnlyList<string> inputs, bool max, int kernel, int stride, int pad = 0, bool ceilMode = false)
        : base(name, inputs)
    {
        if (kernel <= 0) throw new ShapeException($"pool kernel must be positive, got {kernel}");
        if (stride <= 0) throw new ShapeException($"pool stride must be positive, got {stride}");
        if (pad < 0 || pad > kernel / 2) throw new ShapeException($"pool padding must be between 0 and half the kernel ({kernel / 2}), got {pad}");
        (Max, Kernel, Stride, Pad, CeilMode) = (max, kernel, stride, pad, ceilMode);
    }

    public bool Max { get; }
    public int Kernel { get; }
    public int Stride { get; }
    public int Pad { get; }
    public bool CeilMode { get; }

    public override string Kind => Max ? "maxpool" : "avgpool";
    public override string Details => $"{Kernel}x{Kernel}/{Stride}" + (Pad > 0 ? $" p{Pad}" : "") + (CeilMode ? " ceil" : "");

    protected override Shape InferShape(IReadOnlyList<Shape> inputs)
    {
        var x = RequireRank(inputs[0], "a feature map (channels x height x width)", 3);
        return new Shape(x[0], OutSize(x[1]), OutSize(x[2]));
    }

    private int OutSize(int size)
    {
        var room = size + 2 * Pad - Kernel;
        if (room < 0) throw new ShapeException($"pool window {Kernel} is larger than the padded input {size}+2*{Pad}");
        var n = (CeilMode ? (room + Stride - 1) / Stride : room / Stride) + 1;
        // PyTorch drops a last window that would start inside the right padding only.
        if (CeilMode && (n - 1) * Stride >= size + Pad) n--;
        return n;
    }

}

/// <summary>Adaptive average pooling to a fixed OutH×OutW grid (identity when the input already has that size).</summary>
public sealed class AdaptiveAvgPoolLayer(string name, IReadOnlyList<string> inputs, int outH, int outW) : Layer(name, inputs)
{
    public int OutH { get; } = outH > 0 ? outH : throw new ShapeException($"output height must be positive, got {outH}");
    public int OutW { get; } = outW > 0 ? outW : throw new ShapeException($"output width must be positive, got {outW}");

    public override string Kind => OutH == 1 && OutW == 1 ? "global_avgpool" : "adaptive_avgpool";
    public override string Details => $"->{OutH}x{OutW}";

    protected override Shape InferShape(IReadOnlyList<Shape> inputs)
    {
        var x = RequireRank(inputs[0], "a feature map (channels x height x width)", 3);
        return new Shape(x[0], OutH, OutW);
    }

}
