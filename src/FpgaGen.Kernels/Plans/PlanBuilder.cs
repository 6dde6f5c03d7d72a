using FpgaGen.Hardware;

namespace FpgaGen.Kernels.Plans;

/// <summary>
/// Helpers the kinds build their plans with: buffers placed on the device's RAM blocks, streams of lane vectors,
/// ports, and the macros. Widths come from the design's types, so a plan is consistent by construction.
/// </summary>
public sealed class PlanBuilder(Target target)
{
    private readonly List<DefinePlan> defines = [];

    /// <summary>
    /// Width of one external-memory request: an AXI4 data beat of the Alveo/Zynq DDR and HBM controllers and the
    /// Avalon word of the Intel boards' DDR interface (512 bits). The HLS ports declare it (max_widen_bitwidth=512),
    /// and the kernels' wide accesses (GMB) move one such beat per request.
    /// </summary>
    public const int BeatBits = 512;

    public Target Target { get; } = target;
    public IReadOnlyList<DefinePlan> Defines => defines;

    public int Bits(string element) => ScalarType.Resolve(element, Target.Precision).Bits;

    /// <summary>Elements of the design's data type in one beat (the plan's BEAT).</summary>
    public int BeatElements => BeatBits / Bits(Elements.Data);

    /// <summary>Elements of <paramref name="bytes"/> bytes each in one beat.</summary>
    public static long ElementsPerBeat(int bytes) => BeatBits / 8 / bytes;

    public long Define(string name, long value, string formula)
    {
        defines.Add(new DefinePlan(name, value, formula));
        return value;
    }

    /// <summary>RAM of <paramref name="banks"/> banks × <paramref name="depth"/> words, placed by <see cref="MemoryPlacement"/>.</summary>
    public BufferPlan Ram(string name, string element, long banks, long depth, int copies = 1)
    {
        var width = Bits(element);
        var (kind, blocks) = MemoryPlacement.Place(Target.Device, banks, depth, width, copies);
        return new BufferPlan(name, element, width, banks, depth, copies, kind, blocks);
    }

    /// <summary>An array the lanes read all at once: completely partitioned into registers.</summary>
    public BufferPlan Registers(string name, string element, long words, int copies = 1) =>
        new(name, element, Bits(element), words, 1, copies, BufferPlan.Registers, 0);

    /// <summary>A stream of <paramref name="lanes"/>-wide vectors (member v).</summary>
    public StreamPlan Vector(string name, string from, string to, string item, string element, long lanes, int depth) =>
        new(name, from, to, item, [new FieldPlan("v", element, checked((int)lanes), Array: true)], checked((int)(lanes * Bits(element))), depth);

    /// <summary>A stream of records with scalar members.</summary>
    public StreamPlan Record(string name, string from, string to, string item, int depth, params (string Name, string Element)[] fields) =>
        new(name, from, to, item, fields.Select(f => new FieldPlan(f.Name, f.Element, 1, Array: false)).ToList(), fields.Sum(f => Bits(f.Element)), depth);
}

/// <summary>Where a buffer's banks go among the device's RAM kinds, and how many blocks they take.</summary>
public static class MemoryPlacement
{
    /// <summary>
    /// Each bank goes to the RAM kind where the buffer costs the smallest fraction of the device, using the block
    /// shape (aspect ratio) that needs the fewest blocks: blocks = ⌈width / shape width⌉ · ⌈depth / shape depth⌉ per
    /// bank. Small banks still take a whole block: HLS and aoc map a partitioned array bank to its own RAM. The copies
    /// of a double buffer share their bank (the generated code indexes them in one array, so a bank holds depth ×
    /// copies words): the loader writes one copy through one port of the true dual-port block while the engine reads
    /// the other through the second (UG573 for BRAM, the Arria 10 M20K in its true dual-port mode).
    /// </summary>
    public static (string Kind, double Blocks) Place(Device device, long banks, long depth, int widthBits, int copies)
    {
        if (banks <= 0 || depth <= 0) return (device.Ram[0].Kind, 0);
        var bestKind = 0;
        var bestBlocks = double.MaxValue;
        var bestFraction = double.MaxValue;
        for (var k = 0; k < device.Ram.Count; k++)
        {
            var kind = device.Ram[k];
            var blocks = double.MaxValue;
            foreach (var s in kind.Shapes)
                blocks = Math.Min(blocks, Math.Ceiling((double)widthBits / s.Width) * Math.Ceiling((double)depth * copies / s.Depth));
            var fraction = blocks / kind.Count;
            if (fraction < bestFraction) (bestKind, bestBlocks, bestFraction) = (k, blocks, fraction);
        }
        return (device.Ram[bestKind].Kind, bestBlocks * banks);
    }
}
