namespace FpgaGen.Model;

/// <summary>Per-layer figures for a batch size and data type, as `fpgagen analyze` reports them.</summary>
public sealed record LayerFigures(Layer Layer, long Macs, long Params, long WeightBytes, long ActivationBytes);

public sealed record NetworkFigures(Network Network, int Batch, Precision Precision, IReadOnlyList<LayerFigures> Layers)
{
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
    public static NetworkFigures Analyze(Network network, int batch, Precision precision)
    {
        if (batch <= 0) throw new InputException($"batch must be a positive integer, got {batch}");
        var bytes = precision.Bytes();
        try
        {
            var layers = new List<LayerFigures>();
            long total = 0;
            foreach (var l in network.Layers)
            {
                var f = new LayerFigures(l, checked(l.Macs * batch), l.Params, checked(l.Params * bytes), checked(l.Output.Elements * batch * bytes));
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
