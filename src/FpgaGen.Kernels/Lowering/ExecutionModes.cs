using FpgaGen.Model;

namespace FpgaGen.Kernels.Lowering;

/// <summary>How a layer is executed: on a kernel, merged into its producer, or not at all.</summary>
public enum Execution : byte
{
    /// <summary>Runs on the engine or the vector unit.</summary>
    Kernel,
    /// <summary>ReLU/ReLU6 applied in the producing engine's output stage.</summary>
    Fused,
    /// <summary>
    /// Batch norm folded into the preceding convolution's weights and bias, or a LayerNorm with stored statistics
    /// into the linear layers after it (weights and biases transformed when packed; no step, no statistics hardware).
    /// </summary>
    Folded,
    /// <summary>LayerNorm folded into the next linear layer (only on engines that fuse it).</summary>
    FusedLayerNorm,
    /// <summary>A reinterpretation of memory (flatten, token select): no data moves.</summary>
    View,
}

/// <summary>What a kernel kind asks of the lowering.</summary>
/// <param name="FuseLayerNorm">LayerNorm runs inside the next linear layer (ln_linear).</param>
/// <param name="ChannelsInnermost">Feature maps between steps are stored H×W×C (a pixel's channels consecutive) rather
/// than C×H×W: the layout an engine that takes a pixel's channel vector per cycle reads and writes in whole beats
/// (conv_systolic, as Vitis AI's DPU and PipeCNN keep them). The network input and output stay C×H×W.</param>
/// <param name="WeightTile">Static weights stored per engine tile (<see cref="WeightTile"/>): the layout of one
/// configuration (conv_tiled's Tm × Tn), asked for only when a design is built; null keeps the channel-run layout.</param>
public readonly record struct LoweringOptions(bool FuseLayerNorm, bool ChannelsInnermost = false, WeightTile? WeightTile = null);

/// <summary>
/// Static weights stored in the order an engine of <paramref name="Outputs"/> output × <paramref name="Inputs"/> input
/// lanes consumes them (PipeCNN's packing): per group, output-channel tile, input-channel tile and tap, one block of
/// the Outputs·Inputs weights, lane by lane, zero padded to whole beats. A tile's weights are then one contiguous burst,
/// each beat filling a fixed set of the engine's weight banks. Element (o, i, tap) of group g is at
/// g·w_g + (o / Outputs)·w_o + ((i / Inputs)·taps + tap)·w_t + (o mod Outputs)·Inputs + i mod Inputs, with w_t the
/// block (<see cref="Block"/>), w_o = ⌈N/Inputs⌉·taps·w_t and w_g = ⌈M/Outputs⌉·w_o.
/// </summary>
public readonly record struct WeightTile(int Outputs, int Inputs)
{
    /// <summary>Elements of one tap's block: Outputs·Inputs rounded up to whole beats of <paramref name="beat"/> elements.</summary>
    public long Block(long beat) => ((long)Outputs * Inputs + beat - 1) / beat * beat;

    /// <summary>
    /// Whether the weights are stored so: when the padding at most doubles them. An engine with fewer lanes' weights
    /// than half a beat keeps the channel-run layout, whose weights take no more memory than the model's.
    /// </summary>
    public bool Pays(long beat) => Block(beat) <= 2L * Outputs * Inputs;
}

/// <summary>
/// Where a LayerNorm with stored statistics goes: the linear layers (or attention QKV projections) whose weights and
/// biases absorb it, directly or through a token selection; or, when it cannot fold, why not.
/// </summary>
public sealed record LayerNormFold(LayerNormLayer LayerNorm, IReadOnlyList<Layer> Into, string? Problem)
{
    public bool Folds => Problem is null;

    /// <summary>Token selections the fold passes through on its way to <see cref="Into"/> (ViT's class token).</summary>
    public IReadOnlyList<Layer> Through { get; init; } = [];
}

/// <summary>Decides each layer's <see cref="Execution"/>: fusions, folds and views, before any step is made.</summary>
public static class ExecutionModes
{
    public static Execution[] Classify(Network net, LoweringOptions options)
    {
        var modes = net.Layers.Select(l => Classify(net, l)).ToArray();
        if (options.FuseLayerNorm)
            foreach (var i in FusableLayerNorms(net)) modes[i] = Execution.FusedLayerNorm;
        return modes;
    }

    /// <summary>
    /// Indices of LayerNorm layers with run-time statistics whose every consumer is a linear or attention layer
    /// (ln_linear fuses them); those with stored statistics fold into their consumers whatever the kind.
    /// </summary>
    public static IReadOnlyList<int> FusableLayerNorms(Network net) =>
        net.Layers.Select((l, i) => (l, i)).Where(x => x.l is LayerNormLayer { Stats: LayerNormStats.Runtime } ln && IsFusable(net, ln)).Select(x => x.i).ToList();

    /// <summary>Every LayerNorm with stored statistics, in network order, with the layers it folds into.</summary>
    public static IReadOnlyList<LayerNormFold> StoredLayerNormFolds(Network net) =>
        net.Layers.OfType<LayerNormLayer>().Where(ln => ln.Stats == LayerNormStats.Stored).Select(ln => FoldOf(net, ln)).ToList();

    /// <summary>
    /// With stored μ and σ², LN(x) = s ⊙ x + t per feature (s = γ/√(σ²+ε), t = β − s ⊙ μ), so W·LN(x) + b =
    /// (W·diag(s))·x + (b + W·t): it folds into every consumer that is a linear map of the features. A token selection
    /// commutes with a per-feature map, so ViT's final LayerNorm folds through the class-token selection into the head.
    /// </summary>
    public static LayerNormFold FoldOf(Network net, LayerNormLayer ln)
    {
        var into = new List<Layer>();
        var through = new List<Layer>();
        var consumers = net.Consumers(ln).ToList();
        if (consumers.Count == 0) return new LayerNormFold(ln, into, "it is the network's output; no linear layer follows to fold it into");
        foreach (var c in consumers)
        {
            if (c is LinearLayer or AttentionLayer)
            {
                into.Add(c);
                continue;
            }
            if (c is SelectTokenLayer select)
            {
                var after = net.Consumers(select).ToList();
                var other = after.FirstOrDefault(a => a is not (LinearLayer or AttentionLayer));
                if (after.Count > 0 && other is null)
                {
                    into.AddRange(after);
                    through.Add(select);
                    continue;
                }
                return new LayerNormFold(ln, into, other is null
                    ? $"token selection '{select.Name}' after it is the network's output"
                    : $"'{other.Name}' ({other.Kind}) reads it through token selection '{select.Name}' and is not a linear layer");
            }
            return new LayerNormFold(ln, into, $"'{c.Name}' ({c.Kind}) reads it and is not a linear or attention layer");
        }
        return new LayerNormFold(ln, into, null) { Through = through };
    }

    private static Execution Classify(Network net, Layer layer)
    {
        switch (layer)
        {
            case LayerNormLayer { Stats: LayerNormStats.Stored } ln when FoldOf(net, ln).Folds:
                return Execution.Folded;
            case FlattenLayer:
                return Execution.View;
            case BatchNormLayer when ProducerIs(net, layer, l => l is ConvLayer):
                return Execution.Folded;
            case ActivationLayer { Function: ActivationKind.Relu or ActivationKind.Relu6 }
                when ProducerIs(net, layer, l => l is ConvLayer or LinearLayer or PatchEmbedLayer
                    || (l is BatchNormLayer && ProducerIs(net, l, p => p is ConvLayer))):
                return Execution.Fused;
            // A residual block's ReLU after its add: the vector unit's add applies it in the same pass.
            case ActivationLayer { Function: ActivationKind.Relu } when ProducerIs(net, layer, l => l is AddLayer):
                return Execution.Fused;
            default:
                return Execution.Kernel;
        }
    }

    /// <summary>True when the layer's only input comes from a layer that matches and that nobody else reads.</summary>
    private static bool ProducerIs(Network net, Layer layer, Func<Layer, bool> match)
    {
        if (layer.Inputs.Count != 1 || layer.Inputs[0] == Network.InputName) return false;
        var producer = net[layer.Inputs[0]];
        return match(producer) && net.Consumers(producer).Count() == 1;
    }

    private static bool IsFusable(Network net, LayerNormLayer ln)
    {
        var consumers = net.Consumers(ln).ToList();
        return consumers.Count > 0 && consumers.All(c => c is LinearLayer or AttentionLayer);
    }
}
