using System.Text.Json.Serialization;

namespace FpgaGen.Kernels.Weights;

/// <summary>
/// Element type of a blob section. <c>data</c> is the design's data type (weights, learned tokens), <c>bias</c> the
/// accumulator-side bias type (int32 for fixed point, float32 otherwise), <c>float</c> float32, <c>int</c> int32.
/// </summary>
public enum SectionType { Data, Bias, Float, Int }

/// <summary>
/// One region of weights.bin. Kernels get <see cref="ElementOffset"/> (in elements of its type) as an argument and a
/// pointer of that type to the whole blob. The packing recipe says what goes in: a model tensor
/// (<see cref="Source"/>, named "layer.param"), folded with a batch norm or a LayerNorm where given.
/// </summary>
/// <remarks>
/// <see cref="FoldStoredLayerNorm"/> names a LayerNorm with stored statistics (tensors ln.weight γ, ln.bias β,
/// ln.running_mean μ, ln.running_var σ²) that the step's input passes through: with s = γ/√(σ² + ε) and
/// t = β − s·μ per input feature k, the weights become W'[o][k] = W[o][k]·s[k] and the bias b'[o] = b[o] + Σ_k W[o][k]·t[k]
/// (the unfolded W), as W·LN(x) + b = W'·x + b'.
/// </remarks>
public sealed class WeightSection
{
    public required SectionType Type { get; init; }
    /// <summary>Byte offset in weights.bin, a multiple of <see cref="WeightsLayout.Alignment"/>.</summary>
    public required long Offset { get; init; }
    public required long Count { get; init; }
    public required int ElementBytes { get; init; }
    public int[]? Shape { get; init; }
    public string? Source { get; init; }
    public string? FoldBatchNorm { get; init; }
    public string? FoldLayerNorm { get; init; }
    /// <summary>
    /// 0: a weight tensor [O, I, KH, KW] in PyTorch's order. Otherwise stored channels innermost: element (o, i, ky, kx)
    /// at (o·KH·KW + ky·KW + kx)·ChannelRun + i, the I channels of each run followed by zeros up to ChannelRun (whole
    /// external-memory beats), so an engine's channel vector for one tap is one aligned read. A linear layer after a
    /// flatten of a map stored H×W×C has Shape [O, C, H, W] and ChannelRun = C: its features pixel by pixel.
    /// </summary>
    public int ChannelRun { get; init; }

    /// <summary>
    /// Stored per engine tile (<see cref="Lowering.WeightTile"/>) instead of channel runs: element (o, i, tap) of group g
    /// (o counted within the group) at g·⌈O/Outputs⌉·ot + (o / Outputs)·ot + ((i / Inputs)·taps + tap)·Block +
    /// (o mod Outputs)·Inputs + i mod Inputs, ot = ⌈I/Inputs⌉·taps·Block; zeros elsewhere. Written only where set.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public SectionTile? Tile { get; init; }

    /// <summary>Written only where set, so layouts without stored-statistics folds keep format 1's exact text.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? FoldStoredLayerNorm { get; init; }

    [JsonIgnore] public long ElementOffset => Offset / ElementBytes;
    /// <summary>Values of the model tensor the section holds (fewer than <see cref="Count"/> when runs are padded).</summary>
    [JsonIgnore] public long TensorCount => ChannelRun > 0 || Tile is not null ? Shape!.Aggregate(1L, (a, d) => a * d) : Count;

    /// <summary>The model tensor's values (PyTorch order) in the section's order, zeros in the padding.</summary>
    public double[] Arrange(double[] values)
    {
        if (Tile is { } tile) return tile.Arrange(values, Shape!, Count);
        if (ChannelRun == 0) return values;
        int outputs = Shape![0], channels = Shape[1], taps = Shape[2] * Shape[3];
        var stored = new double[Count];
        for (var o = 0; o < outputs; o++)
            for (var i = 0; i < channels; i++)
                for (var t = 0; t < taps; t++)
                    stored[((long)o * taps + t) * ChannelRun + i] = values[((long)o * channels + i) * taps + t];
        return stored;
    }
    [JsonIgnore] public long Bytes => Count * ElementBytes;
}

/// <summary>
/// How a section stores its weights per engine tile: <see cref="Outputs"/> × <see cref="Inputs"/> lanes, a tap's block of
/// <see cref="Block"/> elements, <see cref="Groups"/> groups (see <see cref="WeightSection.Tile"/>). A linear layer
/// reading a flattened H×W×C map (shape [O, C, H, W]) reduces its features pixel by pixel: <see cref="PixelMajor"/> is
/// then C, and the engine's input i is feature (i mod C, pixel i / C).
/// </summary>
public sealed record SectionTile(int Outputs, int Inputs, long Block, int Groups, int PixelMajor = 0)
{
    /// <summary>Values in PyTorch order ([O, I, KH, KW], or [O, I] for a linear layer) in the tiled order.</summary>
    public double[] Arrange(double[] values, int[] shape, long count)
    {
        int outputs = shape[0] / Groups, pixels = shape.Length == 4 ? shape[2] * shape[3] : 1;
        var (channels, taps) = PixelMajor > 0 ? (shape[1] * pixels, 1) : (shape[1], pixels);
        long oTile = (channels + Inputs - 1) / Inputs * taps * Block, gStride = (outputs + Outputs - 1) / Outputs * oTile;
        var stored = new double[count];
        for (var g = 0; g < Groups; g++)
            for (var o = 0; o < outputs; o++)
                for (var i = 0; i < channels; i++)
                    for (var t = 0; t < taps; t++)
                    {
                        long go = (long)g * outputs + o;
                        var source = PixelMajor > 0 ? (go * PixelMajor + i % PixelMajor) * pixels + i / PixelMajor : (go * channels + i) * taps + t;
                        stored[g * gStride + o / Outputs * oTile + ((long)(i / Inputs) * taps + t) * Block + o % Outputs * Inputs + i % Inputs] = values[source];
                    }
        return stored;
    }
}

/// <summary>
/// What the packer writes for one step. The scales come from calibration keys (<see cref="X"/>, <see cref="S"/>,
/// <see cref="W"/>, <see cref="Y"/>: model layer names, "input", or "attention/part"):
/// <list type="bullet">
/// <item>mac: <see cref="Ints"/> = [mult, shift] with mult·2^−shift = sx·sw/sy; <see cref="Floats"/> = [act_hi, sw,
/// eps_q, 1/sy] (act_hi = 6/(sx·sw) for ReLU6, eps_q = eps/sx² for a fused LayerNorm); weights quantized by
/// sw = max|W'|/qmax; bias as round(b'/(sx·sw)); LayerNorm vectors as pairs (Σ_k Wq[n][k], b'[n]) per output n.</item>
/// <item>mac of a quantized model's layer (<see cref="StepRecord.ModelQuantized"/>): values stored zero-centred (q − zp,
/// <see cref="Codegen"/>'s ModelQuantization), weights w − zw from the model's integers, bias round_half_even(b/(sx·sw[n]));
/// Ints = [0, −1, lo, hi, mult[0], shift[0], …] with [lo, hi] the output's stored range and mult[n]·2^−shift[n] =
/// sx·sw[n]/sy, requantized rounding half to even (fg_requant_even); act_hi = 2^62 (ReLU6 is in [lo, hi]).</item>
/// <item>map: Floats = [sa, ss, 1/sy, 0]; learned parameters (a_param, s_param) quantized with their own max|p|/qmax.
/// A requantization (map_op requantize) at fixed point: [sa, 0, 1/sy, sy, lo, hi] with [lo, hi] the output's stored
/// range (the model's, else the data type's): y = clamp(round_half_even(float32(a·sa) / sy), lo, hi).</item>
/// <item>pool: Floats = [sx, 0, 1/sy, 0]. row: Floats = [sx·input_factor, 0, 1/sy, eps]; LayerNorm γ then β in affine.</item>
/// </list>
/// Floating-point designs store sw = 1, scales 1, mult = 1, shift = 0 and unquantized values.
/// </summary>
public sealed class StepRecord
{
    public required string Name { get; init; }
    public required string Op { get; init; }
    public required IReadOnlyList<string> Layers { get; init; }
    public string? X { get; init; }
    public string? S { get; init; }
    public string? W { get; init; }
    public required string Y { get; init; }
    public string? Activation { get; init; }
    public string? MapOp { get; init; }
    public double InputFactor { get; init; } = 1;
    public WeightSection? Weight { get; internal set; }
    public WeightSection? Bias { get; internal set; }
    public WeightSection? LnVectors { get; internal set; }
    public WeightSection? Affine { get; internal set; }
    public WeightSection? AParam { get; internal set; }
    public WeightSection? SParam { get; internal set; }
    public WeightSection Ints { get; internal set; } = null!;
    public WeightSection Floats { get; internal set; } = null!;

    /// <summary>A MAC step of a layer with the model's own quantization (scales and zero points from a quantized ONNX model).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public bool ModelQuantized { get; internal set; }
}

/// <summary>An activation tensor as weights.json lists it: where it lives and which calibration key scales it.</summary>
public sealed record TensorRecord(string Name, string Calibration, IReadOnlyList<int> Shape, long Offset, long Elements);

/// <summary>
/// The layout of weights.bin for one generated design: every section with its byte offset, and the recipe the packers
/// (<see cref="WeightPacker"/> and the project's tools/pack_weights.py) follow. Serialized as weights.json.
/// </summary>
public sealed class WeightsLayout
{
    public const string FormatId = "fpgagen-weights-1";

    /// <summary>
    /// Format 1 plus sections with <see cref="WeightSection.FoldStoredLayerNorm"/>: a packer that knows only format 1
    /// refuses such a layout instead of silently packing the weights unfolded.
    /// </summary>
    public const string StoredLayerNormFormatId = "fpgagen-weights-2";
    /// <summary>
    /// A layout with steps of a quantized model (<see cref="StepRecord.ModelQuantized"/>): their scales are the model's,
    /// which only FpgaGen's own packer reads (the project's pack_weights.py refuses it rather than calibrating them).
    /// </summary>
    public const string ModelQuantizedFormatId = "fpgagen-weights-3";
    public const int Alignment = 64;

    /// <summary>Batch norm ε (PyTorch's default) and LayerNorm ε (torchvision's ViT uses 1e-6).</summary>
    public const double BatchNormEps = 1e-5, LayerNormEps = FpgaGen.Model.LayerNormLayer.Epsilon;

    public string Format { get; init; } = FormatId;
    public required string Precision { get; init; }
    public required string DataType { get; init; }
    public required string BiasType { get; init; }
    public int AlignmentBytes => Alignment;
    public double BnEps => BatchNormEps;
    public double LnEps => LayerNormEps;
    public required long TotalBytes { get; init; }

    /// <summary>Floats [input scale, output scale] at offset 0: the host quantizes its input and dequantizes its output with them.</summary>
    public required WeightSection Header { get; init; }
    public required IReadOnlyList<TensorRecord> Tensors { get; init; }
    public required IReadOnlyList<StepRecord> Steps { get; init; }
    public required string InputKey { get; init; }
    public required string OutputKey { get; init; }
}

/// <summary>Hands out aligned sections of the blob in order.</summary>
internal sealed class SectionAllocator(int dataBytes, int biasBytes)
{
    private long next;

    public long Total => next;

    public WeightSection Add(SectionType type, long count, int[]? shape = null, string? source = null, string? foldBn = null, string? foldLn = null,
        string? foldStoredLn = null, int channelRun = 0, SectionTile? tile = null)
    {
        var bytes = type switch { SectionType.Data => dataBytes, SectionType.Bias => biasBytes, _ => 4 };
        var section = new WeightSection
        {
            Type = type, Offset = next, Count = count, ElementBytes = bytes, Shape = shape, Source = source,
            FoldBatchNorm = foldBn, FoldLayerNorm = foldLn, FoldStoredLayerNorm = foldStoredLn, ChannelRun = channelRun, Tile = tile,
        };
        next = checked((next + count * bytes + WeightsLayout.Alignment - 1) / WeightsLayout.Alignment * WeightsLayout.Alignment);
        return section;
    }
}
