namespace FpgaGen.Kernels.Lowering;

/// <summary>
/// One launch of one kernel group of the accelerator: a MAC-engine operation or a vector-unit operation. Every
/// model layer maps to zero (fused, folded, view), one or several steps (attention: five). <see cref="Args"/> are
/// the values of the kernel arguments by name; <see cref="Pointers"/> say which buffer each pointer argument gets.
/// </summary>
public abstract class Step(string name, IReadOnlyList<string> layers)
{
    /// <summary>Unique, human-readable name: the model layer, or "layer/part" for attention parts.</summary>
    public string Name { get; } = name;

    /// <summary>The model layers this step computes (a convolution with its folded BN and fused ReLU).</summary>
    public IReadOnlyList<string> Layers { get; } = layers;

    public int Index { get; internal set; }

    /// <summary>What the lowering asked for in the weights blob, until <see cref="Weights.WeightsPlanner"/> places it.</summary>
    internal object? Pending { get; set; }

    public abstract IReadOnlyList<ActivationTensor> Reads { get; }
    public abstract ActivationTensor Output { get; }

    /// <summary>This step's entry in the weights layout: its blob sections and the tensors its scales come from.</summary>
    public Weights.StepRecord Record { get; internal set; } = null!;

    /// <summary>Integer argument values by kernel parameter name (offsets are in elements of the pointer's type).</summary>
    public abstract IReadOnlyDictionary<string, long> Args { get; }

    /// <summary>The buffer behind every pointer parameter of the group's kernels.</summary>
    public abstract IReadOnlyDictionary<string, BufferKind> Pointers { get; }

    /// <summary>Multiply-accumulates (MAC steps) or output elements (vector steps), to pick small test cases.</summary>
    public abstract long Work { get; }
}

/// <summary>
/// Strided addressing of an operand: element (b, g, c, y, x) is at base + Off + b·B + g·G + c·C + y·Y + x·X, where the
/// base is the offset of the tensor (or blob section) it lies in, known once tensors are placed.
/// </summary>
public sealed record Addressing(long Off, long B, long G, long C, long Y, long X);

/// <summary>
/// Loop bounds of a MAC operation: Batch × Groups independent products, each Mout output channels × OH × OW
/// outputs reducing Nin input channels × KH × KW taps (stride, zero padding, dilation). A matrix product is the
/// 1×1 case with OH = 1 and OW = rows.
/// </summary>
public sealed record MacShape(int Batch, int Groups, int MOut, int NIn, int IH, int IW, int OH, int OW, int KH, int KW,
    int Stride, int PadH, int PadW, int Dil)
{
    public long Macs => (long)Batch * Groups * MOut * NIn * OH * OW * KH * KW;
    public long Reduction => (long)NIn * KH * KW;

    /// <summary>Channels of each tap's zero-padded run for weights stored channels innermost; 0 when they are not.</summary>
    public int ChannelRun { get; init; }

    /// <summary>Static weights stored per engine tile (<see cref="Lowering.WeightTile"/>); null when they are not.</summary>
    public WeightTile? WeightTile { get; init; }

    /// <summary>
    /// The reduction as the weights store it: taps × the channel run (the GEMM engine reduces over the run, so a weight
    /// row is contiguous), else input channels × taps.
    /// </summary>
    public long StoredReduction => ChannelRun > 0 ? (long)KH * KW * ChannelRun : Reduction;
}

/// <summary>Fused activation of a MAC step's output stage (emitted as FG_ACT_*).</summary>
public enum FusedActivation { None = 0, Relu = 1, Relu6 = 2 }

/// <summary>
/// A convolution, linear layer or attention product on the MAC engine. X is read through <see cref="XAddr"/>, the
/// right-hand operand through <see cref="WAddr"/> from the weights blob (static weights) or from an activation
/// tensor (attention's K and V), and Y written through <see cref="YAddr"/>.
/// </summary>
public sealed class MacStep(string name, IReadOnlyList<string> layers, MacShape shape,
    ActivationTensor x, Addressing xAddr, ActivationTensor? wTensor, Addressing wAddr, ActivationTensor y, Addressing yAddr,
    FusedActivation activation, bool normalizes) : Step(name, layers)
{
    public MacShape Shape { get; internal set; } = shape;
    public ActivationTensor X { get; } = x;
    public Addressing XAddr { get; } = xAddr;

    /// <summary>The activation tensor used as right-hand operand, or null for static weights in the blob.</summary>
    public ActivationTensor? WTensor { get; } = wTensor;
    public Addressing WAddr { get; internal set; } = wAddr;
    public ActivationTensor Y { get; } = y;
    public Addressing YAddr { get; } = yAddr;
    public FusedActivation Activation { get; } = activation;

    /// <summary>LayerNorm of the input folded in (ln_linear): the engine normalizes each reduction row on the fly.</summary>
    public bool Normalizes { get; } = normalizes;

    /// <summary>
    /// Both operands hold int8 values whatever the design's data type (an int8 design, or a quantized model's int8
    /// layer on an int16 datapath): an engine with paired lanes then makes two products per multiplier (WP486).
    /// </summary>
    public bool Narrow { get; internal set; }

    /// <summary>Static weights (the base of <see cref="WAddr"/>) and bias in the blob; null for activation operands / no bias.</summary>
    public Weights.WeightSection? Weight { get; internal set; }
    public Weights.WeightSection? Bias { get; internal set; }

    /// <summary>Per-output correction of a fused LayerNorm: the pairs (Σ_k W'[n][k], b'[n]) (floats).</summary>
    public Weights.WeightSection? LayerNormVectors { get; internal set; }

    public override IReadOnlyList<ActivationTensor> Reads => WTensor is null ? [X] : [X, WTensor];
    public override ActivationTensor Output => Y;
    public override long Work => Shape.Macs;

    public override IReadOnlyDictionary<string, BufferKind> Pointers => new Dictionary<string, BufferKind>
    {
        ["x"] = BufferKind.Activations,
        ["w"] = WTensor is null ? BufferKind.Weights : BufferKind.Activations,
        ["bq"] = BufferKind.Weights,
        ["fq"] = BufferKind.Weights,
        ["iq"] = BufferKind.Weights,
        ["y"] = BufferKind.Activations,
    };

    public override IReadOnlyDictionary<string, long> Args
    {
        get
        {
            var s = Shape;
            var wBase = WTensor?.Offset ?? Weight!.ElementOffset;
            return new Dictionary<string, long>
            {
                ["batch"] = s.Batch, ["groups"] = s.Groups, ["m_out"] = s.MOut, ["n_in"] = s.NIn, ["ih"] = s.IH, ["iw"] = s.IW,
                ["oh"] = s.OH, ["ow"] = s.OW, ["kh"] = s.KH, ["kw"] = s.KW, ["stride"] = s.Stride, ["pad_h"] = s.PadH,
                ["pad_w"] = s.PadW, ["dil"] = s.Dil, ["run"] = s.ChannelRun,
                ["x_off"] = X.Offset + XAddr.Off, ["x_b"] = XAddr.B, ["x_g"] = XAddr.G, ["x_c"] = XAddr.C, ["x_y"] = XAddr.Y, ["x_x"] = XAddr.X,
                ["w_off"] = wBase + WAddr.Off, ["w_b"] = WAddr.B, ["w_g"] = WAddr.G, ["w_o"] = WAddr.C, ["w_i"] = WAddr.Y, ["w_t"] = WAddr.X,
                ["w_tm"] = s.WeightTile?.Outputs ?? 0, ["w_tn"] = s.WeightTile?.Inputs ?? 0,
                ["y_off"] = Y.Offset + YAddr.Off, ["y_b"] = YAddr.B, ["y_g"] = YAddr.G, ["y_c"] = YAddr.C, ["y_y"] = YAddr.Y, ["y_x"] = YAddr.X,
                ["b_off"] = Bias?.ElementOffset ?? -1,
                ["act"] = (long)Activation,
                ["norm"] = Normalizes ? 1 : 0,
                ["q_off"] = Record.Ints.ElementOffset,
                ["f_off"] = Record.Floats.ElementOffset,
                ["ln_off"] = LayerNormVectors?.ElementOffset ?? 0,
                ["narrow"] = Narrow ? 1 : 0,
            };
        }
    }
}

/// <summary>
/// Element-wise operations of the vector unit (values are the kernels' op codes, emitted as FG_MAP_*). Requantize is
/// a copy whose writer converts as ONNX's QuantizeLinear does at a fixed-point type (rounding half to even,
/// saturating to the output's stored range, see <see cref="Weights.StepRecord"/>). AddRelu is an add with the ReLU
/// after it fused (a residual block's output): max(a + s, 0) in one pass.
/// </summary>
public enum MapOp { Copy = 0, Relu = 1, Relu6 = 2, Gelu = 3, Sigmoid = 4, Add = 5, Requantize = 6, AddRelu = 7 }

/// <summary>Window operations of vu_pool (emitted as FG_POOL_*).</summary>
public enum PoolMode { Max = 0, Avg = 1, Lrn = 2 }

/// <summary>Row operations of vu_row (emitted as FG_ROW_*).</summary>
public enum RowOp { Softmax = 0, LayerNorm = 1 }

/// <summary>
/// y = f(a) or y = a + s over a strided Batch × D0 × D1 × D2 index space on the vector unit, lanes along D2.
/// Copies with strides implement class tokens, token selection and concatenation; the second operand of an add may
/// be a learned parameter in the weights blob (position embedding, batch stride 0).
/// </summary>
public sealed class MapStep(string name, IReadOnlyList<string> layers, MapOp op, int batch, int d0, int d1, int d2,
    ActivationTensor? a, Addressing aAddr, ActivationTensor? s, Addressing? sAddr, ActivationTensor y, Addressing yAddr)
    : Step(name, layers)
{
    public MapOp Op { get; } = op;
    public int Batch { get; } = batch;
    public int D0 { get; } = d0;
    public int D1 { get; } = d1;
    public int D2 { get; } = d2;

    /// <summary>First operand: an activation tensor, or null when it is <see cref="AParam"/> in the blob.</summary>
    public ActivationTensor? A { get; } = a;
    public Addressing AAddr { get; } = aAddr;
    public ActivationTensor? S { get; } = s;
    public Addressing? SAddr { get; } = sAddr;
    public ActivationTensor Y { get; } = y;
    public Addressing YAddr { get; } = yAddr;

    /// <summary>Learned parameters read as first or second operand (class token, position embedding).</summary>
    public Weights.WeightSection? AParam { get; internal set; }
    public Weights.WeightSection? SParam { get; internal set; }

    public bool Binary => Op is MapOp.Add or MapOp.AddRelu;

    /// <summary>
    /// The output is one run of consecutive elements that starts on a beat and whose last beat lies in the tensor's own
    /// padded storage: the writer may store whole beats (otherwise it stores element by element, never past the run).
    /// </summary>
    public bool WholeBeats => YAddr.X == 1 && (long)Batch * D0 * D1 == 1 && (Y.Offset + YAddr.Off) % ArenaAllocator.Alignment == 0
        && (YAddr.Off + D2 + ArenaAllocator.Alignment - 1) / ArenaAllocator.Alignment * ArenaAllocator.Alignment <= Y.Storage;

    public override IReadOnlyList<ActivationTensor> Reads => new[] { A, S }.OfType<ActivationTensor>().ToList();
    public override ActivationTensor Output => Y;
    public override long Work => (long)Batch * D0 * D1 * D2;

    public override IReadOnlyDictionary<string, BufferKind> Pointers => new Dictionary<string, BufferKind>
    {
        ["a"] = A is null ? BufferKind.Weights : BufferKind.Activations,
        ["s"] = S is null && SParam is not null ? BufferKind.Weights : BufferKind.Activations,
        ["fq"] = BufferKind.Weights,
        ["y"] = BufferKind.Activations,
    };

    public override IReadOnlyDictionary<string, long> Args
    {
        get
        {
            var a = AAddr with { Off = (A?.Offset ?? AParam!.ElementOffset) + AAddr.Off };
            // A unary op never reads s; it gets a's addressing so the argument is still a valid, bounded address.
            var s = SAddr is null ? a : SAddr with { Off = (S?.Offset ?? SParam!.ElementOffset) + SAddr.Off };
            return new Dictionary<string, long>
            {
                ["batch"] = Batch, ["d0"] = D0, ["d1"] = D1, ["d2"] = D2, ["op"] = (long)Op,
                ["a_off"] = a.Off, ["a_b"] = a.B, ["a_0"] = a.C, ["a_1"] = a.Y, ["a_2"] = a.X,
                ["s_off"] = s.Off, ["s_b"] = s.B, ["s_0"] = s.C, ["s_1"] = s.Y, ["s_2"] = s.X,
                ["y_off"] = Y.Offset + YAddr.Off, ["y_b"] = YAddr.B, ["y_0"] = YAddr.C, ["y_1"] = YAddr.Y, ["y_2"] = YAddr.X,
                ["y_whole"] = WholeBeats ? 1 : 0,
                ["f_off"] = Record.Floats.ElementOffset,
            };
        }
    }
}

/// <summary>
/// Max or average pooling of a contiguous C×H×W (or H×W×C) map per sample, with PyTorch's window rules: regular windows
/// (kernel, stride, padding; average divides by the window clipped to the padded input) or adaptive windows
/// (⌊i·H/OH⌋ to ⌈(i+1)·H/OH⌉; KH×KW is then the largest window). With <see cref="Lrn"/> the window runs across
/// channels instead: local response normalization over KH channels (KW = 1, OH×OW = IH×IW), the vu_pool op 2.
/// </summary>
public sealed class PoolStep(string name, IReadOnlyList<string> layers, bool max, bool adaptive, int batch, int channels,
    int ih, int iw, int oh, int ow, int kh, int kw, int stride, int pad, ActivationTensor x, ActivationTensor y, bool lrn = false)
    : Step(name, layers)
{
    public bool Max { get; } = max;
    public bool Adaptive { get; } = adaptive;

    /// <summary>
    /// Local response normalization (PyTorch's LocalResponseNorm with α = 1e-4, β = 0.75, k = 1):
    /// b_c = a_c / (k + α/n · Σ a_c'²)^β over channels c − ⌊n/2⌋ … c + ⌊(n−1)/2⌋ that exist, n = KH.
    /// </summary>
    public bool Lrn { get; } = lrn;

    public PoolMode Mode => Lrn ? PoolMode.Lrn : Max ? PoolMode.Max : PoolMode.Avg;
    public int Batch { get; } = batch;
    public int Channels { get; } = channels;
    public int IH { get; } = ih;
    public int IW { get; } = iw;
    public int OH { get; } = oh;
    public int OW { get; } = ow;
    public int KH { get; } = kh;
    public int KW { get; } = kw;
    public int Stride { get; } = stride;
    public int Pad { get; } = pad;
    public ActivationTensor X { get; } = x;
    public ActivationTensor Y { get; } = y;

    /// <summary>Input and output maps stored H×W×C (<see cref="ActivationTensor.ChannelsInnermost"/>): the lanes run along channels.</summary>
    public bool ChannelsInnermost => X.ChannelsInnermost;

    /// <summary>The jobs the reader loads input rows for: output rows of one channel (C×H×W) or of all channels (H×W×C).</summary>
    public long Jobs => (long)Batch * OH * (ChannelsInnermost ? 1 : Channels);

    /// <summary>Elements of one input row a job loads: iw, or iw × channels for H×W×C maps.</summary>
    public long RowLength => (long)IW * (ChannelsInnermost ? Channels : 1);

    /// <summary>Input rows a job loads: the window's kh, or for LRN on H×W×C maps the one row its channels lie in.</summary>
    public int JobRows => ChannelsInnermost && Lrn ? 1 : KH;

    /// <summary>Vectors of vu outputs the datapath makes: along a channel's row, or along a pixel's channels.</summary>
    public long Vectors(int vu) => ChannelsInnermost
        ? (long)Batch * OH * OW * ((Channels + vu - 1) / vu)
        : (long)Batch * Channels * OH * ((OW + vu - 1) / vu);

    public override IReadOnlyList<ActivationTensor> Reads => [X];
    public override ActivationTensor Output => Y;
    public override long Work => (long)Batch * Channels * OH * OW * KH * KW;

    public override IReadOnlyDictionary<string, BufferKind> Pointers => new Dictionary<string, BufferKind>
    {
        ["x"] = BufferKind.Activations, ["fq"] = BufferKind.Weights, ["y"] = BufferKind.Activations,
    };

    public override IReadOnlyDictionary<string, long> Args => new Dictionary<string, long>
    {
        ["batch"] = Batch, ["chans"] = Channels, ["ih"] = IH, ["iw"] = IW, ["oh"] = OH, ["ow"] = OW, ["kh"] = KH, ["kw"] = KW,
        ["stride"] = Stride, ["pad"] = Pad, ["mode"] = (long)Mode, ["adaptive"] = Adaptive ? 1 : 0, ["hwc"] = ChannelsInnermost ? 1 : 0,
        ["x_off"] = X.Offset, ["y_off"] = Y.Offset, ["f_off"] = Record.Floats.ElementOffset,
    };
}

/// <summary>Row operations over Rows contiguous rows of Len values: softmax, or LayerNorm with γ and β.</summary>
public sealed class RowStep(string name, IReadOnlyList<string> layers, bool layerNorm, long rows, int len, double inputFactor,
    ActivationTensor x, ActivationTensor y) : Step(name, layers)
{
    public bool LayerNorm { get; } = layerNorm;
    public long Rows { get; } = rows;
    public int Len { get; } = len;

    /// <summary>A constant the input is multiplied by before the op: 1/√d for attention scores, else 1.</summary>
    public double InputFactor { get; } = inputFactor;
    public ActivationTensor X { get; } = x;
    public ActivationTensor Y { get; } = y;

    /// <summary>γ then β (floats), LayerNorm only.</summary>
    public Weights.WeightSection? Affine { get; internal set; }

    public override IReadOnlyList<ActivationTensor> Reads => [X];
    public override ActivationTensor Output => Y;
    public override long Work => Rows * Len;

    public override IReadOnlyDictionary<string, BufferKind> Pointers => new Dictionary<string, BufferKind>
    {
        ["x"] = BufferKind.Activations, ["fq"] = BufferKind.Weights, ["y"] = BufferKind.Activations,
    };

    public override IReadOnlyDictionary<string, long> Args => new Dictionary<string, long>
    {
        ["nrows"] = Rows, ["len"] = Len, ["op"] = (long)(LayerNorm ? RowOp.LayerNorm : RowOp.Softmax), ["x_off"] = X.Offset, ["y_off"] = Y.Offset,
        ["f_off"] = Record.Floats.ElementOffset, ["g_off"] = Affine?.ElementOffset ?? 0,
    };
}
