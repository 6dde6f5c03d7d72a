namespace FpgaGen.Model;

/// <summary>
/// The storage type each layer of a quantized model needs. Quantized activations are stored zero-centred, q − zero
/// point (Codegen's ModelQuantization: the MAC then needs no zero-point terms), so a uint8 tensor with zero point z
/// holds [−z, 255 − z]: 8 bits only when z = 128, or after a ReLU when z ≥ 128 ([0, 255 − z]); otherwise 9 bits,
/// which int8 does not hold and int16 does. A layer the importer made int8 becomes int16 when a tensor it reads or
/// stores needs 9 bits, so that <c>analyze</c> shows it and the estimator and explorer size the design for it (the
/// datapath is the widest layer type) instead of ranking int8 designs that cannot run the model.
/// </summary>
public static class QuantizedStorage
{
    private static readonly (long Lo, long Hi) Int8 = (sbyte.MinValue, sbyte.MaxValue);

    /// <summary>Widens to int16 the int8 layers whose tensors need 9 bits; returns their names.</summary>
    public static IReadOnlyList<string> Apply(Network net)
    {
        // Stored range of each quantized tensor, by the name of the layer that writes it ("input": the network input).
        var stored = new Dictionary<string, (long Lo, long Hi)>();
        if (net.Layers.FirstOrDefault(l => l.Quantization is not null && l.Inputs.Contains(Network.InputName)) is { Quantization: { } first })
            stored[Network.InputName] = first.Input.StoredRange;
        var widened = new List<string>();
        foreach (var l in net.Layers)
        {
            if (l.Precision != Precision.Int8) continue;
            var read = l.Inputs.Where(stored.ContainsKey).Select(i => stored[i]).ToList();
            if (l.Quantization is { } q) read.Add(q.Input.StoredRange);
            if (l is RequantizeLayer rq) read.Add(rq.From.StoredRange);
            if (Written(net, l, read) is { } w) stored[l.Name] = w;
            var need = stored.TryGetValue(l.Name, out var own) ? read.Append(own) : read;
            if (need.Any(r => r.Lo < Int8.Lo || r.Hi > Int8.Hi))
            {
                l.Precision = Precision.Int16;
                widened.Add(l.Name);
            }
        }
        return widened;
    }

    /// <summary>The range of what the layer stores, if known: its model quantization, else that of what it reads.</summary>
    private static (long Lo, long Hi)? Written(Network net, Layer l, IReadOnlyList<(long Lo, long Hi)> read)
    {
        if (l.Quantization is { } q)
        {
            if (q.Output is null) return null;
            var r = q.Output.StoredRange;
            // A ReLU that is the MAC layer's only reader runs in its output stage (Kernels' ExecutionModes), so what
            // is stored is already rectified.
            return FusedRelu(net, l) ? (Math.Max(r.Lo, 0), r.Hi) : r;
        }
        if (l is RequantizeLayer rq) return rq.To.StoredRange;
        if (l.Macs > 0 || read.Count == 0) return null;
        var (lo, hi) = (read.Min(r => r.Lo), read.Max(r => r.Hi));
        return l is ActivationLayer { Function: ActivationKind.Relu or ActivationKind.Relu6 } ? (Math.Max(lo, 0), hi) : (lo, hi);
    }

    private static bool FusedRelu(Network net, Layer l)
    {
        if (l is not (ConvLayer or LinearLayer)) return false;
        var readers = net.Consumers(l).ToList();
        return readers is [ActivationLayer { Function: ActivationKind.Relu or ActivationKind.Relu6 } a] && a.Inputs.Count == 1;
    }
}
