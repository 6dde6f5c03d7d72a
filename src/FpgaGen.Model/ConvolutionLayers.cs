namespace FpgaGen.Model;

/// <summary>2-D convolution (cross-correlation) with stride, zero padding, dilation and channel groups.</summary>
public sealed class ConvLayer(string name, IReadOnlyList<string> inputs, int outChannels, int kh, int kw,
    int stride = 1, int padH = 0, int padW = 0, int dilation = 1, int groups = 1, bool bias = true) : Layer(name, inputs)
{
    public int OutChannels { get; } = Positive(outChannels, "output channels");
    public int KH { get; } = Positive(kh, "kernel height");
    public int KW { get; } = Positive(kw, "kernel width");
    public int Stride { get; } = Positive(stride, "stride");
    public int PadH { get; } = NonNegative(padH, "padding");
    public int PadW { get; } = NonNegative(padW, "padding");
    public int Dilation { get; } = Positive(dilation, "dilation");
    public int Groups { get; } = Positive(groups, "groups");
    public bool Bias { get; } = bias;

    public override string Kind => "conv";

    public override string Details =>
        $"{KH}x{KW}/{Stride}" + (PadH == PadW ? (PadH > 0 ? $" p{PadH}" : "") : $" p{PadH},{PadW}")
        + (Dilation > 1 ? $" d{Dilation}" : "") + (Groups > 1 ? $" g{Groups}" : "");

    protected override Shape InferShape(IReadOnlyList<Shape> inputs)
    {
        var x = RequireRank(inputs[0], "a feature map (channels x height x width)", 3);
        if (x[0] % Groups != 0) throw new ShapeException($"input channels {x[0]} are not divisible by groups {Groups}");
        if (OutChannels % Groups != 0) throw new ShapeException($"output channels {OutChannels} are not divisible by groups {Groups}");
        return new Shape(OutChannels, OutSize(x[1], KH, PadH), OutSize(x[2], KW, PadW));
    }

    private int OutSize(int size, int k, int pad)
    {
        var span = (long)Dilation * (k - 1) + 1;
        var padded = size + 2L * pad;
        if (span > padded) throw new ShapeException($"kernel {KH}x{KW} (dilation {Dilation}) is larger than the padded input {In} + {pad}");
        return (int)((padded - span) / Stride + 1);
    }

    /// <summary>Weights of one output channel's filter: (in channels / groups) × KH × KW.</summary>
    private long FilterSize => (long)(In[0] / Groups) * KH * KW;

    protected override long CountMacs() => (long)OutChannels * Output[1] * Output[2] * FilterSize;
    protected override long CountParams() => OutChannels * FilterSize + (Bias ? OutChannels : 0);

    private static int Positive(int v, string what) => v > 0 ? v : throw new ShapeException($"{what} must be positive, got {v}");
    private static int NonNegative(int v, string what) => v >= 0 ? v : throw new ShapeException($"{what} must be zero or more, got {v}");
}

/// <summary>
/// Fully connected layer. On a feature vector it is y = Wx + b; on a token sequence it applies to every token
/// (the linear layers of a transformer).
/// </summary>
public sealed class LinearLayer(string name, IReadOnlyList<string> inputs, int outFeatures, bool bias = true) : Layer(name, inputs)
{
    public int OutFeatures { get; } = outFeatures > 0 ? outFeatures : throw new ShapeException($"output features must be positive, got {outFeatures}");
    public bool Bias { get; } = bias;

    public override string Kind => "linear";
    public override string Details => $"{(InputShapes.Count > 0 ? In[^1] : 0)}->{OutFeatures}";

    private long Rows => In.Rank == 2 ? In[0] : 1;

    protected override Shape InferShape(IReadOnlyList<Shape> inputs)
    {
        var x = RequireRank(inputs[0], "a feature vector or a token sequence (flatten a feature map first)", 1, 2);
        return x.Rank == 2 ? new Shape(x[0], OutFeatures) : new Shape(OutFeatures);
    }

    protected override long CountMacs() => Rows * In[^1] * OutFeatures;
    protected override long CountParams() => (long)In[^1] * OutFeatures + (Bias ? OutFeatures : 0);

}

/// <summary>ViT patch embedding: a patch×patch convolution with stride patch, then the spatial grid flattened to tokens.</summary>
public sealed class PatchEmbedLayer(string name, IReadOnlyList<string> inputs, int patch, int dim, bool bias = true) : Layer(name, inputs)
{
    public int Patch { get; } = patch > 0 ? patch : throw new ShapeException($"patch size must be positive, got {patch}");
    public int Dim { get; } = dim > 0 ? dim : throw new ShapeException($"embedding size must be positive, got {dim}");
    public bool Bias { get; } = bias;

    public override string Kind => "patch_embed";
    public override string Details => $"{Patch}x{Patch}/{Patch} ->{Dim}";

    protected override Shape InferShape(IReadOnlyList<Shape> inputs)
    {
        var x = RequireRank(inputs[0], "an image (channels x height x width)", 3);
        if (x[1] % Patch != 0 || x[2] % Patch != 0)
            throw new ShapeException($"image {x[1]}x{x[2]} is not divisible into {Patch}x{Patch} patches");
        return new Shape(x[1] / Patch * (x[2] / Patch), Dim);
    }

    private long FilterSize => (long)In[0] * Patch * Patch;

    protected override long CountMacs() => (long)Dim * Output[0] * FilterSize;
    protected override long CountParams() => Dim * FilterSize + (Bias ? Dim : 0);
}
