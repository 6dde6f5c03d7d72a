using FpgaGen.Model;

namespace FpgaGen.Estimation;

public enum OpKind : byte { Conv, Gemm, Stream, Row }

/// <summary>How a layer is executed: on a kernel, merged into its producer, or not at all.</summary>
public enum Execution : byte
{
    /// <summary>Runs on the engine or the vector unit.</summary>
    Kernel,
    /// <summary>ReLU/ReLU6 applied in the producing engine's output stage.</summary>
    Fused,
    /// <summary>Batch norm folded into the preceding convolution's weights and bias.</summary>
    Folded,
    /// <summary>LayerNorm folded into the next linear layer (only on engines that fuse it).</summary>
    FusedLayerNorm,
    /// <summary>A reinterpretation of memory (flatten, token select): no data moves.</summary>
    View,
}

/// <summary>
/// One workload of one layer for one sample, flattened into a struct for the estimator's hot loop.
/// Conv: G groups of (M out, N in) channels, R×C outputs from IH×IW inputs, KH×KW kernel, stride S.
/// Gemm: Count products of M×K by K×N. Stream: E outputs, ReadFactor inputs per output, Inputs tensors.
/// Row: Rows rows of Cols values (softmax or LayerNorm).
/// </summary>
public struct Op
{
    public OpKind Kind;
    public int Layer;
    public int G, M, N, R, C, IH, IW, KH, KW, S;
    public long GM, GN, GK, Count;
    public bool StaticWeights;
    public long E;
    public double ReadFactor;
    public int Inputs;
    public long Rows, Cols;
    public bool IsLayerNorm;
    /// <summary>A weight GEMM whose input LayerNorm is folded into it (only in <see cref="NetworkProfile.OpsWithFusedLayerNorm"/>).</summary>
    public bool NormalizesInput;
    public long Macs;
}

/// <summary>
/// A network prepared for estimation: each layer's execution mode, its workloads as <see cref="Op"/>s, and the
/// largest shapes the hardware buffers must hold.
/// </summary>
public sealed class NetworkProfile
{
    public Network Network { get; }
    public IReadOnlyList<Execution> Execution { get; }
    public Op[] Ops { get; }

    /// <summary>Ops when LayerNorm is not fused, and when it is (layers feeding only linear layers skip theirs).</summary>
    public Op[] OpsWithFusedLayerNorm { get; }

    public bool HasFusableLayerNorm { get; }

    /// <summary>Indices of LayerNorm layers whose every consumer is a linear or attention layer.</summary>
    public IReadOnlySet<int> FusableLayerNorms { get; }
    public int MaxKernel { get; }
    public int MaxStride { get; }
    public int MaxConvInChannels { get; }
    public int MaxInputWidth { get; }

    /// <summary>Largest input row a convolution reads, padding included: (C−1)·S + KW.</summary>
    public int MaxPaddedWidth { get; }
    public int MaxOutputWidth { get; }

    /// <summary>Largest reduction length of any GEMM (including convolutions lowered to GEMM: N·KH·KW).</summary>
    public long MaxReduction { get; }
    public long MaxRowLength { get; }

    /// <summary>Largest pooling line buffer: (kernel − 1) input rows of width × channels words.</summary>
    public long MaxPoolLineWords { get; }
    public long Macs => Network.Macs;
    public bool NeedsSpecialFunctions { get; }

    public NetworkProfile(Network network)
    {
        Network = network;
        var modes = network.Layers.Select(l => Classify(network, l)).ToList();
        Execution = modes;
        var fusableLn = new HashSet<int>();
        for (var i = 0; i < network.Layers.Count; i++)
            if (network.Layers[i] is LayerNormLayer ln && IsFusableLayerNorm(network, ln)) fusableLn.Add(i);
        HasFusableLayerNorm = fusableLn.Count > 0;
        FusableLayerNorms = fusableLn;

        var ops = new List<Op>();
        var fusedOps = new List<Op>();
        var fedByFusedLnDone = new HashSet<int>();
        for (var i = 0; i < network.Layers.Count; i++)
        {
            if (modes[i] != Estimation.Execution.Kernel) continue;
            foreach (var w in network.Layers[i].Lower())
            {
                var op = ToOp(w, i);
                ops.Add(op);
                if (fusableLn.Contains(i)) continue;
                var fedByFusedLn = network.Layers[i].Inputs.Any(n => n != Network.InputName && fusableLn.Contains(IndexOf(network, n)));
                if (fedByFusedLn && op.Kind == OpKind.Gemm && op.StaticWeights && !fedByFusedLnDone.Contains(i))
                {
                    op.NormalizesInput = true;
                    fedByFusedLnDone.Add(i);
                }
                fusedOps.Add(op);
            }
        }
        Ops = ops.ToArray();
        OpsWithFusedLayerNorm = fusedOps.ToArray();

        var convs = Ops.Where(o => o.Kind == OpKind.Conv).ToList();
        MaxKernel = convs.Count > 0 ? convs.Max(o => Math.Max(o.KH, o.KW)) : 1;
        MaxStride = convs.Count > 0 ? convs.Max(o => o.S) : 1;
        MaxConvInChannels = convs.Count > 0 ? convs.Max(o => o.N) : 1;
        MaxInputWidth = convs.Count > 0 ? convs.Max(o => o.IW) : 1;
        MaxOutputWidth = convs.Count > 0 ? convs.Max(o => o.C) : 1;
        MaxPaddedWidth = convs.Count > 0 ? convs.Max(o => (o.C - 1) * o.S + o.KW) : 1;
        MaxReduction = Ops.Select(o => o.Kind switch
        {
            OpKind.Conv => (long)o.N * o.KH * o.KW,
            OpKind.Gemm => o.GK,
            _ => 0,
        }).DefaultIfEmpty(1).Max();
        MaxPoolLineWords = network.Layers.OfType<PoolLayer>()
            .Select(l => (long)(l.Kernel - 1) * l.InputShapes[0][2] * l.InputShapes[0][0]).DefaultIfEmpty(0).Max();
        MaxRowLength = Ops.Where(o => o.Kind == OpKind.Row).Select(o => o.Cols).DefaultIfEmpty(1).Max();
        NeedsSpecialFunctions = network.Layers.Any(l => l is SoftmaxLayer or AttentionLayer or LayerNormLayer
            || l is ActivationLayer { Function: ActivationKind.Gelu or ActivationKind.Sigmoid });
    }

    private static Execution Classify(Network net, Layer layer)
    {
        switch (layer)
        {
            case FlattenLayer or SelectTokenLayer:
                return Estimation.Execution.View;
            case BatchNormLayer when ProducerIs(net, layer, l => l is ConvLayer):
                return Estimation.Execution.Folded;
            case ActivationLayer { Function: ActivationKind.Relu or ActivationKind.Relu6 }
                when ProducerIs(net, layer, l => l is ConvLayer or LinearLayer or PatchEmbedLayer
                    || (l is BatchNormLayer && ProducerIs(net, l, p => p is ConvLayer))):
                return Estimation.Execution.Fused;
            default:
                return Estimation.Execution.Kernel;
        }
    }

    /// <summary>True when the layer's only input comes from a layer that matches and that nobody else reads.</summary>
    private static bool ProducerIs(Network net, Layer layer, Func<Layer, bool> match)
    {
        if (layer.Inputs.Count != 1 || layer.Inputs[0] == Network.InputName) return false;
        var producer = net[layer.Inputs[0]];
        return match(producer) && net.Consumers(producer).Count() == 1;
    }

    private static int IndexOf(Network net, string name)
    {
        for (var i = 0; i < net.Layers.Count; i++)
            if (net.Layers[i].Name == name) return i;
        return -1;
    }

    private static bool IsFusableLayerNorm(Network net, LayerNormLayer ln)
    {
        var consumers = net.Consumers(ln).ToList();
        return consumers.Count > 0 && consumers.All(c => c is LinearLayer or AttentionLayer);
    }

    private static Op ToOp(Workload w, int layer) => w switch
    {
        ConvWork c => new Op
        {
            Kind = OpKind.Conv, Layer = layer, G = c.Groups, M = c.OutC / c.Groups, N = c.InC / c.Groups, R = c.OutH, C = c.OutW,
            IH = c.InH, IW = c.InW, KH = c.KH, KW = c.KW, S = c.Stride, Macs = c.Macs,
        },
        GemmWork g => new Op
        {
            Kind = OpKind.Gemm, Layer = layer, GM = g.M, GN = g.N, GK = g.K, Count = g.Count, StaticWeights = g.StaticWeights, Macs = g.Macs,
        },
        StreamWork s => new Op { Kind = OpKind.Stream, Layer = layer, E = s.Elements, ReadFactor = s.ReadFactor, Inputs = s.Inputs },
        RowWork r => new Op { Kind = OpKind.Row, Layer = layer, Rows = r.Rows, Cols = r.Cols, IsLayerNorm = r.Op == "layernorm" },
        _ => throw new InvalidOperationException($"no estimator for workload {w.GetType().Name}"),
    };
}
