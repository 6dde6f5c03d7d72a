using FpgaGen.Model;

namespace FpgaGen.Kernels.Lowering;

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

/// <summary>What a kernel kind asks of the lowering (the one thing that differs between kinds today).</summary>
public readonly record struct LoweringOptions(bool FuseLayerNorm);

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

    /// <summary>Indices of LayerNorm layers whose every consumer is a linear or attention layer (ln_linear folds them).</summary>
    public static IReadOnlyList<int> FusableLayerNorms(Network net) =>
        net.Layers.Select((l, i) => (l, i)).Where(x => x.l is LayerNormLayer ln && IsFusable(net, ln)).Select(x => x.i).ToList();

    private static Execution Classify(Network net, Layer layer)
    {
        switch (layer)
        {
            case FlattenLayer:
                return Execution.View;
            case BatchNormLayer when ProducerIs(net, layer, l => l is ConvLayer):
                return Execution.Folded;
            case ActivationLayer { Function: ActivationKind.Relu or ActivationKind.Relu6 }
                when ProducerIs(net, layer, l => l is ConvLayer or LinearLayer or PatchEmbedLayer
                    || (l is BatchNormLayer && ProducerIs(net, l, p => p is ConvLayer))):
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
