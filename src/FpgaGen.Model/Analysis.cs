namespace FpgaGen.Model;

/// <summary>Per-layer figures for a batch size and data type, as `fpgagen analyze` reports them.</summary>
/// <param name="Precision">The data type the layer's figures are counted at: its own (mixed-precision models) or the network's.</param>
public sealed record LayerFigures(Layer Layer, long Macs, long Params, long WeightBytes, long ActivationBytes, Precision Precision);

public sealed record NetworkFigures(Network Network, int Batch, Precision Precision, IReadOnlyList<LayerFigures> Layers)
{
    /// <summary>Layers run at more than one data type (a mixed-precision model analyzed at its own precisions).</summary>
    public bool Mixed => Layers.Select(l => l.Precision).Distinct().Count() > 1;

    public long Macs => Layers.Sum(l => l.Macs);
    public long Params => Layers.Sum(l => l.Params);
    public long WeightBytes => Layers.Sum(l => l.WeightBytes);

    /// <summary>Sum of all layers' output tensors (what a layer-by-layer accelerator writes to external memory).</summary>
    public long ActivationBytes => Layers.Sum(l => l.ActivationBytes);

    /// <summary>Largest single output tensor, the minimum a ping-pong activation buffer must hold.</summary>
    public long PeakActivationBytes => Layers.Max(l => l.ActivationBytes);
}

public static class Analysis
{
    /// <summary>
    /// MACs and activations scale with the batch; parameters do not. Weight bytes count every parameter at the
    /// chosen data type's width (batch-norm parameters included, although inference folds them into the convolution).
    /// </summary>
    public static NetworkFigures Analyze(Network network, int batch, Precision precision) => Analyze(network, batch, precision, layerPrecisions: false);

    /// <param name="layerPrecisions">Count each layer at its own <see cref="Layer.Precision"/> where it has one
    /// (<paramref name="precision"/> for the others); false: every layer at <paramref name="precision"/>.</param>
    public static NetworkFigures Analyze(Network network, int batch, Precision precision, bool layerPrecisions)
    {
        if (batch <= 0) throw new InputException($"batch must be a positive integer, got {batch}");
        try
        {
            var layers = new List<LayerFigures>();
            long total = 0;
            foreach (var l in network.Layers)
            {
                var type = layerPrecisions ? l.Precision ?? precision : precision;
                var bytes = type.Bytes();
                var f = new LayerFigures(l, checked(l.Macs * batch), l.Params, checked(l.Params * bytes), checked(l.Output.Elements * batch * bytes), type);
                total = checked(total + f.Macs + f.WeightBytes + f.ActivationBytes);
                layers.Add(f);
            }
            return new NetworkFigures(network, batch, precision, layers);
        }
        catch (OverflowException)
        {
            throw new InputException($"batch {batch}: counts overflow 64-bit integers; use a smaller batch");
        }
    }
}
