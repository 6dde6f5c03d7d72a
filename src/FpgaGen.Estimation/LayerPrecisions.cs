using FpgaGen.Hardware;
using FpgaGen.Kernels;
using FpgaGen.Model;

namespace FpgaGen.Estimation;

/// <summary>
/// The data type of every layer of a mixed-precision network (design-file <c>precision:</c>, a quantized ONNX model's
/// int8 layers; the others at <see cref="Fallback"/>). One engine runs them all, at the widest type
/// (<see cref="Widest"/>, the plan's, the DSP count's and the tensors' type): the generated kernels have one data type,
/// and a DSP's mode is fixed when the design is built (an Arria 10 block is in fp32 or in 18×19 mode, Intel 683332),
/// so no layer packs more MACs per DSP than the datapath's type does, with one exception the generator builds: on an
/// int16 datapath whose DSPs make two int8 products of a shared operand (DSP48E2, WP486) the gemm engine pairs its
/// columns, and a quantized model's int8 layers run two MACs per multiplier (LanePairs). At int16 the
/// quantized layers keep the model's own scales and zero points.
/// </summary>
public sealed class LayerPrecisions
{
    private readonly Dictionary<string, Precision> byLayer;

    private LayerPrecisions(Dictionary<string, Precision> byLayer, Precision fallback)
    {
        this.byLayer = byLayer;
        Fallback = fallback;
        Types = byLayer.Values.Distinct().Order().ToList();
    }

    /// <summary>The type of layers without their own, and of the network input (converted into the first layer's type).</summary>
    public Precision Fallback { get; }

    /// <summary>Every type a layer runs at, widest first (fp32, fp16, int16, int8).</summary>
    public IReadOnlyList<Precision> Types { get; }

    /// <summary>The datapath's type: the widest any layer needs.</summary>
    public Precision Widest => Types[0];

    public bool Mixed => Types.Count > 1;

    public Precision Of(string layer) => byLayer.GetValueOrDefault(layer, Fallback);

    /// <summary>The network's own layer types, or null when no layer has one (the command's --precision then applies to all).</summary>
    public static LayerPrecisions? Of(Network network, Precision fallback)
    {
        var own = network.Layers.Where(l => l.Precision is not null).ToDictionary(l => l.Name, l => l.Precision!.Value);
        if (own.Count == 0) return null;
        var all = network.Layers.ToDictionary(l => l.Name, l => l.Precision ?? fallback);
        return new LayerPrecisions(all, fallback);
    }

    /// <summary>Checks that the device runs every type, naming the layers of one it does not.</summary>
    public void Check(Device device, Network network)
    {
        foreach (var t in Types.Where(t => !device.Supports(t)))
        {
            var layers = network.Layers.Where(l => Of(l.Name) == t).Select(l => l.Name).Take(3).ToList();
            throw new InputException($"device {device.Id} does not support {t.Id()}, the data type of layer(s) {string.Join(", ", layers)}"
                + $" (its data types: {string.Join(", ", device.Precisions.Select(p => p.Id()))}); pass --precision to run every layer at one type");
        }
    }

    public string Describe() => string.Join("+", Types.Select(t => t.Id()));
}
