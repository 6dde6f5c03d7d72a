using FpgaGen.Kernels.Weights;
using FpgaGen.Model;

namespace FpgaGen.Kernels.Lowering;

/// <summary>
/// A network turned into what the accelerator executes: steps in order (each one launch of a kernel group), the
/// activation tensors placed in one arena, and the layout of the weights blob. Independent of the kernel kind (but
/// for <see cref="Options"/>) and of the vendor flavor; the estimator and the generator both work from it.
/// </summary>
public sealed class LoweredNetwork
{
    internal LoweredNetwork(Network network, LoweringOptions options, IReadOnlyList<Execution> execution, Precision precision, int batch,
        IReadOnlyList<Step> steps, IReadOnlyList<ActivationTensor> tensors, ActivationTensor input, ActivationTensor output, long arenaElements,
        WeightsLayout weights)
    {
        Network = network;
        Options = options;
        Execution = execution;
        Precision = precision;
        Batch = batch;
        Steps = steps;
        Tensors = tensors;
        Input = input;
        Output = output;
        ArenaElements = arenaElements;
        Weights = weights;
        MacSteps = steps.OfType<MacStep>().ToList();
        Extents = new NetworkExtents(this);
    }

    public Network Network { get; }
    public LoweringOptions Options { get; }

    /// <summary>How each layer of <see cref="Network"/> runs (same order as its layers).</summary>
    public IReadOnlyList<Execution> Execution { get; }
    public Precision Precision { get; }
    public int Batch { get; }
    public IReadOnlyList<Step> Steps { get; }
    public IReadOnlyList<ActivationTensor> Tensors { get; }
    public ActivationTensor Input { get; }
    public ActivationTensor Output { get; }

    /// <summary>Size of the activation arena in elements of the data type.</summary>
    public long ArenaElements { get; }
    public WeightsLayout Weights { get; }

    public IReadOnlyList<MacStep> MacSteps { get; }

    /// <summary>The largest shapes the hardware must hold, computed once.</summary>
    public NetworkExtents Extents { get; }
}

/// <summary>The largest shapes of a lowered network that plans size their buffers for (1 where a network has none).</summary>
public sealed class NetworkExtents
{
    internal NetworkExtents(LoweredNetwork net)
    {
        var macs = net.MacSteps.Select(s => s.Shape).ToList();
        int Max(IEnumerable<int> values) => Math.Max(1, values.DefaultIfEmpty(1).Max());
        Kernel = Max(macs.Select(s => Math.Max(s.KH, s.KW)));
        Stride = Max(macs.Select(s => s.Stride));
        Dilation = Max(macs.Select(s => s.Dil));
        InChannels = Max(macs.Select(s => s.NIn));
        var convs = macs.Where(s => s.KH * s.KW > 1).ToList();
        ConvInChannels = convs.Count > 0 ? convs.Max(s => s.NIn) : 0;
        Reduction = Math.Max(1, macs.Select(s => s.StoredReduction).DefaultIfEmpty(1).Max());
        var rows = net.Steps.OfType<RowStep>().ToList();
        RowLength = rows.Count > 0 ? rows.Max(r => r.Len) : 0;
        Maps = net.Steps.Any(s => s is MapStep);
        var pools = net.Steps.OfType<PoolStep>().ToList();
        Pools = pools.Count > 0;
        PoolRows = Max(pools.Select(p => p.KH));
        PoolWidth = Max(pools.Select(p => (int)p.RowLength));
        // Neighbouring lanes' windows start this many inputs apart (an adaptive window's step rounds up; LRN's are one
        // apart; on H×W×C maps the lanes are consecutive channels).
        PoolStride = Max(pools.Select(p => p.Lrn || p.ChannelsInnermost ? 1 : p.Adaptive ? (p.IW + p.OW - 1) / p.OW : p.Stride));
        Requantizes = net.Precision.IsFixedPoint() && net.Steps.Any(s => s is MapStep { Op: MapOp.Requantize });
        AdaptivePools = pools.Any(p => p.Adaptive);
    }

    /// <summary>A pooling step has adaptive windows (dividers per lane in vu_pool).</summary>
    public bool AdaptivePools { get; }

    public int Kernel { get; }
    public int Stride { get; }
    public int Dilation { get; }
    public int InChannels { get; }

    /// <summary>Input channels of the widest convolution with a kernel above 1×1; 0 when there is none.</summary>
    public int ConvInChannels { get; }
    /// <summary>Longest reduction as the weights store it (<see cref="MacShape.StoredReduction"/>).</summary>
    public long Reduction { get; }

    /// <summary>Longest softmax / LayerNorm row; 0 when the network has none.</summary>
    public int RowLength { get; }
    public bool Maps { get; }
    public bool Pools { get; }

    /// <summary>Input rows one pooling job reads (the window's rows; the channel window of LRN), and the longest input row it loads (iw, or iw × C for H×W×C maps).</summary>
    public int PoolRows { get; }
    public int PoolWidth { get; }

    /// <summary>The largest distance, in inputs, between the windows of neighbouring pooling outputs.</summary>
    public int PoolStride { get; }

    /// <summary>
    /// A fixed-point design with a quantized model's requantization: the map writer divides by the output scale in
    /// float32, as ONNX's QuantizeLinear does (a divider per lane, counted as a special function).
    /// </summary>
    public bool Requantizes { get; }

    public bool AnyVectorStep => Maps || Pools || RowLength > 0;
}
