using FpgaGen.Kernels.Kinds;
using FpgaGen.Kernels.Lowering;
using FpgaGen.Model;

namespace FpgaGen.Estimation;

/// <summary>
/// A tensor that changes data type between two layers of a mixed-precision network (fp32 → int8 into the first
/// quantized layer, int8 → fp32 into a float classifier): the vector unit converts it, <c>vu</c> elements per cycle,
/// reading it at one width and writing it at the other. Modelled as part of the consumer's input path (no launch of
/// its own); <see cref="Layer"/> is the consumer, whose figures it adds to.
/// </summary>
internal sealed record Conversion(string Layer, long Elements, int FromBytes, int ToBytes)
{
    public OpCost Cost(int vu, double bytesPerCycle)
    {
        var bytes = (double)Elements * (FromBytes + ToBytes);
        return new OpCost((double)Elements / vu, MemoryTiming.Cycles(bytes, MemoryTiming.StreamingBurstBytes, bytesPerCycle), 0, bytes);
    }

    /// <summary>Every input of a computing layer whose producer (or the network input) has another type.</summary>
    public static Conversion[] Of(LoweredNetwork net, LayerPrecisions types)
    {
        var layers = net.Network.Layers;
        var result = new List<Conversion>();
        for (var i = 0; i < layers.Count; i++)
        {
            if (net.Execution[i] != Execution.Kernel) continue;
            var to = types.Of(layers[i].Name);
            foreach (var input in layers[i].Inputs)
            {
                var from = input == Network.InputName ? types.Fallback : types.Of(input);
                if (from == to) continue;
                var elements = (input == Network.InputName ? net.Network.Input.Elements : net.Network[input].Output.Elements) * (long)net.Batch;
                result.Add(new Conversion(layers[i].Name, elements, from.Bytes(), to.Bytes()));
            }
        }
        return result.ToArray();
    }
}
