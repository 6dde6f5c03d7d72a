using System.Text.Json.Serialization;

namespace FpgaGen.Kernels.Plans;

/// <summary>
/// The hardware of one design: what its kernel kind builds for one configuration, network and target. The resource
/// model counts exactly these lanes and buffers, the cycle model reads its tile shapes from it, and the generator
/// takes every array size, bank count, stream width and depth, accumulator type and macro from it: nothing about the
/// hardware is computed twice. `estimate --format json` and a project's design.json carry it as "plan".
/// </summary>
public abstract class HardwarePlan
{
    /// <param name="defines">The builder's macros: the configuration's, then the kind's derived sizes.</param>
    protected HardwarePlan(KernelConfig config, Target target, IReadOnlyList<ComputePlan> compute, IReadOnlyList<DefinePlan> defines,
        IReadOnlyList<GroupPlan> groups)
    {
        Kernel = config.Kernel;
        Parameters = config.AsDictionary();
        Precision = target.Precision.Id();
        ScalarType d = ScalarType.Data(target.Precision), a = ScalarType.Accumulator(target.Precision), b = ScalarType.Bias(target.Precision);
        Types = new TypePlan(d.Name, d.Bits, a.Name, a.Bits, b.Name, b.Bits);
        Compute = compute;
        Defines = defines;
        Groups = groups;
        ComputeUnits = target.ComputeUnits;
    }

    public string Kernel { get; }

    /// <summary>Identical copies of this hardware on the device (Target.ComputeUnits); everything else here is one unit's.</summary>
    public int ComputeUnits { get; }

    /// <summary>The configuration, in the order of the kind's space.</summary>
    public IReadOnlyDictionary<string, int> Parameters { get; }
    public string Precision { get; }
    public TypePlan Types { get; }
    public IReadOnlyList<ComputePlan> Compute { get; }

    /// <summary>The macros of the generated sources (tiling parameters and sizes derived from them), in order.</summary>
    public IReadOnlyList<DefinePlan> Defines { get; }

    /// <summary>The kernel groups: the engine first, then the vector-unit groups the network uses.</summary>
    public IReadOnlyList<GroupPlan> Groups { get; }

    [JsonIgnore] public GroupPlan Engine => Groups[0];
    [JsonIgnore] public IEnumerable<BufferPlan> Buffers => Groups.SelectMany(g => g.Stages).SelectMany(s => s.Buffers);
    [JsonIgnore] public IEnumerable<StreamPlan> Streams => Groups.SelectMany(g => g.Streams);

    public GroupPlan Group(string name) =>
        Groups.FirstOrDefault(g => g.Name == name) ?? throw new InvalidOperationException($"the plan of {Kernel} has no kernel group '{name}'");

    public long Define(string name) =>
        Defines.FirstOrDefault(d => d.Name == name)?.Value ?? throw new InvalidOperationException($"the plan of {Kernel} defines no '{name}'");
}

/// <summary>The design's scalar types: operands, accumulators, biases (see <see cref="ScalarType"/>).</summary>
public sealed record TypePlan(string Data, int DataBits, string Accumulator, int AccumulatorBits, string Bias, int BiasBits);

/// <summary>
/// A block of arithmetic lanes. <see cref="MacsPerLane"/> is its cost in multiply-accumulates of the data type per
/// lane (1 for a MAC lane; more for lanes with special functions), from which DSP and soft logic are counted.
/// <see cref="Control"/>: the block has its own loop control and load/store units.
/// </summary>
public sealed record ComputePlan(string Name, long Lanes, double MacsPerLane, string Arrangement, string Operation, bool Control);

/// <summary>A macro of the generated sources and how its value was derived.</summary>
public sealed record DefinePlan(string Name, long Value, string Formula);

/// <summary>
/// A kernel group: stages (reader, compute, writer) that run one step together, connected by streams. Its HLS top
/// function is <see cref="Top"/>; the body templates are templates/&lt;<see cref="TemplateDir"/>&gt;/.
/// </summary>
public sealed record GroupPlan(string Name, string Top, IReadOnlyList<StagePlan> Stages, IReadOnlyList<StreamPlan> Streams)
{
    [JsonIgnore] public string TemplateDir { get; init; } = Name;

    /// <summary>Parameters of the HLS top function: pointers first (one AXI port each), then the scalars, without duplicates.</summary>
    [JsonIgnore]
    public IReadOnlyList<KernelParam> TopParams =>
        Stages.SelectMany(k => k.Params).Where(p => p.IsPointer)
            .Concat(Stages.SelectMany(k => k.Params).Where(p => !p.IsPointer))
            .DistinctBy(p => p.Name).ToList();

    public StreamPlan Stream(string name) => Streams.First(s => s.Name == name);
}

/// <summary>
/// One stage (an OpenCL single work-item kernel, an HLS dataflow function) with its on-chip buffers and external
/// memory ports. <see cref="Params"/> is its signature in order; <see cref="Body"/> the template partial of its loops.
/// </summary>
public sealed record StagePlan(string Name, IReadOnlyList<BufferPlan> Buffers, IReadOnlyList<PortPlan> Ports, IReadOnlyList<string> Reads,
    IReadOnlyList<string> Writes)
{
    [JsonIgnore] public string Body { get; init; } = "";
    [JsonIgnore] public IReadOnlyList<KernelParam> Params { get; init; } = [];
    [JsonIgnore] public IEnumerable<string> Channels => Reads.Concat(Writes);
}

/// <summary>
/// An on-chip memory: <see cref="Banks"/> independent banks (a cyclic partition) of <see cref="Depth"/> words of
/// <see cref="WidthBits"/>, <see cref="Copies"/> times (2 = double buffered). It maps to <see cref="Blocks"/> blocks of
/// the device's RAM kind <see cref="Memory"/>, or to registers (a completely partitioned array the lanes read at once).
/// </summary>
public sealed record BufferPlan(string Name, string Element, int WidthBits, long Banks, long Depth, int Copies, string Memory, double Blocks)
{
    public const string Registers = "registers";

    /// <summary>Elements of one copy: the length the generated code declares.</summary>
    [JsonIgnore] public long Words => Banks * Depth;
    [JsonIgnore] public long Bits => Words * WidthBits * Copies;
    [JsonIgnore] public bool InRegisters => Memory == Registers;
}

/// <summary>
/// A stream between two stages (an Intel channel, an hls::stream, a FIFO buffer in the portable form), carrying
/// items of struct <see cref="Item"/> made of <see cref="Fields"/>.
/// </summary>
public sealed record StreamPlan(string Name, string From, string To, string Item, IReadOnlyList<FieldPlan> Fields, int WidthBits, int Depth);

/// <summary>A member of a stream item: a scalar, or an array of <see cref="Count"/> elements (lanes the code indexes).</summary>
public sealed record FieldPlan(string Name, string Element, int Count, bool Array);

/// <summary>
/// An external memory port: a pointer argument of a stage, <see cref="WidthBits"/> per request, on the AXI master
/// <see cref="Interface"/> (HLS bundle), addressing the buffers in <see cref="Reaches"/> (the activation arena, the
/// weights blob).
/// </summary>
public sealed record PortPlan(string Name, string Element, int WidthBits, string Interface, IReadOnlyList<string> Reaches, bool Writes);

/// <summary>A kernel parameter: an int scalar, or a pointer to global memory of <see cref="PointerType"/> elements.</summary>
public sealed record KernelParam(string Name, string? PointerType = null, bool Writes = false)
{
    public bool IsPointer => PointerType is not null;
}
