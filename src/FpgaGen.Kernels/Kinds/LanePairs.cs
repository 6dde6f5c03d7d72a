using FpgaGen.Kernels.Lowering;
using FpgaGen.Kernels.Plans;

namespace FpgaGen.Kernels.Kinds;

/// <summary>
/// Output lanes that share one multiplier in pairs: where a device's DSP makes two int8 products of a shared operand
/// for the cost of one int16 product (DSP48E2: a 27×18 multiplier, the two weights packed into the 27-bit port 18
/// bits apart; Xilinx WP486), an engine whose output lanes read one input value makes two lanes' products with one
/// multiply (<c>fg_pair_product</c> in templates/common/body/helpers). The plan's <c>PAIRS</c>: 0 none; 1 every step
/// (an int8 design); 2 per step (an int16 design with a quantized model's int8 layers, <see cref="MacStep.Narrow"/>:
/// those make two products a multiplier, the others one, two iterations a row). The tensors keep the design's type.
/// </summary>
public static class LanePairs
{
    /// <summary>Defines PAIRS for an engine of <paramref name="lanes"/> output lanes (<see cref="Of"/>) and returns it.</summary>
    public static int Define(PlanBuilder b, LoweredNetwork net, int lanes, bool perStep)
    {
        var pairs = Of(net, b.Target, lanes, perStep);
        b.Define("PAIRS", pairs, "lanes 2q and 2q+1 share one multiplier (WP486): 0 no, 1 every step int8, 2 int8 steps (narrow) pack two products, the others take two iterations a row");
        return pairs;
    }

    /// <summary>The pairing of an engine of <paramref name="lanes"/> output lanes; <paramref name="perStep"/>: the kind's template runs PAIRS = 2.</summary>
    public static int Of(LoweredNetwork net, Target target, int lanes, bool perStep)
    {
        if (!DevicePacks(target) || lanes % 2 != 0) return 0;
        return target.Precision switch
        {
            Precision.Int8 => 1,
            Precision.Int16 when perStep && net.MacSteps.Any(s => s.Narrow) => 2,
            _ => 0,
        };
    }

    /// <summary>
    /// A lane's multipliers of the datapath's type: half on a per-step paired engine (Tn·Tk lanes, Tn·Tk/2 DSPs);
    /// two for an int8 engine that does not pair on a device that packs (its DSP per int8 MAC assumes the packing).
    /// </summary>
    public static double MacsPerLane(int pairs, Target target) =>
        pairs == 2 ? 0.5 : pairs == 0 && target.Precision == Precision.Int8 && DevicePacks(target) ? 2 : 1;

    private static bool DevicePacks(Target target)
    {
        var perMac = target.Device.Dsp.PerMac;
        return perMac.TryGetValue(Precision.Int8, out var narrow) && perMac.TryGetValue(Precision.Int16, out var wide) && 2 * narrow <= wide;
    }
}
