using FpgaGen.Kernels.Kinds.Vector;
using FpgaGen.Kernels.Lowering;
using FpgaGen.Kernels.Plans;
using FpgaGen.Model;

namespace FpgaGen.Kernels.Kinds;

/// <summary>
/// A kernel architecture, in one home: its tuning space (data, templates/&lt;id&gt;/space.yaml), the plan of the
/// hardware one configuration builds, the cycle model of its steps on that plan, and the closed forms of its loops
/// (how many items each stream carries), which the generator's launch plans and the schedule check share. Its
/// templates are templates/&lt;id&gt;/. Resources are counted from the plan by <see cref="PlanResources"/>.
/// </summary>
public abstract class KernelKind(ParameterSpace space)
{
    public ParameterSpace Space { get; } = space;
    public string Id => Space.Kernel;
    public abstract string Title { get; }

    /// <summary>
    /// How much the clock drops at full device utilization (see the estimator's clock model). Architectures that
    /// broadcast operands to many lanes and reduce through wide adder trees lose more than systolic arrays, whose
    /// wires only reach neighbours.
    /// </summary>
    public abstract double ClockDerating { get; }

    /// <summary>What this kind asks of the lowering (ln_linear folds LayerNorm into the next linear layer).</summary>
    public virtual LoweringOptions Lowering => default;

    /// <summary>
    /// The lowering of one configuration's design: <see cref="Lowering"/> plus the layouts that depend on the
    /// configuration (conv_tiled's and conv_systolic's weights per engine tile). The cycle models give the same figures on either, so the
    /// explorer searches on <see cref="Lowering"/> and a design is built, estimated and simulated on this.
    /// </summary>
    public virtual LoweringOptions LoweringFor(KernelConfig config) => Lowering;

    public virtual bool AppliesTo(Network network) => true;

    /// <summary>The hardware of one configuration for one lowered network and target.</summary>
    public abstract HardwarePlan Plan(KernelConfig config, LoweredNetwork net, Target target);

    /// <summary>Cycles and traffic of a MAC step on the plan's engine; <paramref name="bytesPerCycle"/> is the memory's peak (bursts sustain less, see <see cref="MemoryTiming"/>).</summary>
    public abstract OpCost Cost(HardwarePlan plan, in MacWork op, Target target, double bytesPerCycle);

    /// <summary>Items each engine stream carries for a MAC operation of this shape (a whole step or a slice of it).</summary>
    public abstract IReadOnlyDictionary<string, long> StreamCounts(HardwarePlan plan, MacShape shape, bool normalizes);

    /// <summary>Output channels the engine computes side by side: the unit a step's output channels are sliced in.</summary>
    public abstract int OutputLanes(HardwarePlan plan);

    /// <summary>
    /// Output rows (<paramref name="rows"/>) or, for single-row products, output columns of one engine tile of this
    /// shape: the unit a step is sliced in spatially, so that every slice holds whole tiles and the slices' loops
    /// together run the step's trips.
    /// </summary>
    public abstract int SpatialTile(HardwarePlan plan, MacShape shape, bool rows);

    /// <summary>A plan builder holding the configuration's parameters as the first macros.</summary>
    protected static PlanBuilder Builder(KernelConfig config, Target target)
    {
        var b = new PlanBuilder(target);
        foreach (var (name, value) in config.AsDictionary()) b.Define(name, value, "parameter");
        b.Define("BEAT", b.BeatElements, $"elements of the data type in one {PlanBuilder.BeatBits}-bit external-memory beat (one request)");
        b.Define("ACCLAT", EngineTiming.AccumulateLatency(target.Precision), "iterations before an accumulator may be updated again (the adder's latency)");
        // The vector unit's row reductions and a fused LayerNorm's statistics add in float whatever the data type.
        b.Define("FACCLAT", EngineTiming.AccumulateLatency(Precision.Fp32), "ACCLAT of a float sum (row reductions, LayerNorm statistics)");
        return b;
    }

    /// <summary>
    /// The corner turn of column weights (P·V's V: a reduction element's outputs consecutive): the macro WCOL and the
    /// reader's register window wtw of <paramref name="runs"/> runs of <paramref name="outputs"/> consecutive outputs,
    /// the beats such a run covers at most each. Only a network with such a step gets the window in hardware.
    /// </summary>
    protected static BufferPlan ColumnWeightWindow(PlanBuilder b, LoweredNetwork net, long runs, long outputs)
    {
        var columns = net.MacSteps.Any(MacWork.ColumnWeights);
        b.Define("WCOL", columns ? 1 : 0, "1: some step's weights are runs of consecutive outputs (P.V's V), read through the corner turn wtw");
        return b.Registers("wtw", Elements.Data, columns ? runs * (EngineTiming.Ceil(outputs, b.BeatElements) + 1) * b.BeatElements : 1);
    }

    /// <summary>
    /// GATHER_X and GATHER_W: 1 when some step reads its input (its right-hand operand) one element a lane, the readers'
    /// fallback for a layout with no contiguous run. Only then is that fallback compiled: a pipelined loop is scheduled
    /// for every access in its body, taken or not (Vitis HLS, UG1399 "Pipelining Loops"; aoc builds a load unit for
    /// each), so lanes' loads on one port would hold the reader at II = lanes for every step. No zoo network needs it.
    /// </summary>
    protected void GatherDefines(PlanBuilder b, LoweredNetwork net, Func<MacStep, bool> gathersInput, Func<MacStep, bool> gathersWeights)
    {
        // Once per network, kind and beat (gemm's corner turn depends on it): plans are built for every design evaluated.
        var (x, w) = Gathers.GetOrCreateValue(net).GetOrAdd($"{Id}/{b.BeatElements}", _ => (net.MacSteps.Any(gathersInput), net.MacSteps.Any(gathersWeights)));
        b.Define("GATHER_X", x ? 1 : 0, "1: a step reads its input one element a lane (no contiguous channel run)");
        b.Define("GATHER_W", w ? 1 : 0, "1: a step reads its weights one element a lane (neither rows nor columns)");
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<LoweredNetwork,
        System.Collections.Concurrent.ConcurrentDictionary<string, (bool Input, bool Weights)>> Gathers = new();

    /// <summary>Input read neither through the corner turn (x_x == 1) nor as channel runs (x_c == 1): conv_tiled's and conv_systolic's readers.</summary>
    protected static bool GathersMapInput(MacStep s) => s.XAddr.X != 1 && s.XAddr.C != 1;

    /// <summary>Weights neither per engine tile, channels innermost (w_i == 1) nor runs of outputs (P·V's V): conv_tiled's and conv_systolic's readers.</summary>
    protected static bool GathersMapWeights(MacStep s) => s.Shape.WeightTile is null && s.WAddr.Y != 1 && !MacWork.ColumnWeights(s);

    /// <summary>The largest kernel, stride and dilation as macros KMAX, SMAX, DMAX: what convolution buffers are sized for.</summary>
    protected static (long Kernel, long Stride, long Dilation) ConvolutionMacros(PlanBuilder b, LoweredNetwork net) =>
        (b.Define("KMAX", net.Extents.Kernel, "largest kernel"), b.Define("SMAX", net.Extents.Stride, "largest stride"),
            b.Define("DMAX", net.Extents.Dilation, "largest dilation"));

    /// <summary>The MAC array, any extra blocks, then the vector unit.</summary>
    protected static IReadOnlyList<ComputePlan> Compute(long lanes, string arrangement, Target target, LoweredNetwork net, int vu, params ComputePlan[] extra) =>
        Compute(lanes, 1, arrangement, target, net, vu, extra);

    /// <summary>The same with the engine lane's cost in multipliers of the datapath's type (<see cref="LanePairs.MacsPerLane"/>).</summary>
    protected static IReadOnlyList<ComputePlan> Compute(long lanes, double macsPerLane, string arrangement, Target target, LoweredNetwork net, int vu,
        params ComputePlan[] extra) =>
    [
        new("engine", lanes, macsPerLane, arrangement,
            $"multiply-accumulate {ScalarType.Data(target.Precision).Name} into {ScalarType.Accumulator(target.Precision).Name}", Control: true),
        .. extra, .. VectorUnit.Compute(net, vu),
    ];

    /// <summary>The engine's group, then the vector groups the network uses.</summary>
    protected static IReadOnlyList<GroupPlan> Groups(GroupPlan engine, PlanBuilder b, LoweredNetwork net, int vu) =>
        [engine, .. VectorUnit.Groups(b, net, vu)];
}
