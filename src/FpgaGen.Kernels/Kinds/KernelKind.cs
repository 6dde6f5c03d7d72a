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

    public virtual bool AppliesTo(Network network) => true;

    /// <summary>The hardware of one configuration for one lowered network and target.</summary>
    public abstract HardwarePlan Plan(KernelConfig config, LoweredNetwork net, Target target);

    /// <summary>Cycles and traffic of a MAC step on the plan's engine.</summary>
    public abstract OpCost Cost(HardwarePlan plan, in MacWork op, Target target, double bytesPerCycle);

    /// <summary>Items each engine stream carries for a MAC operation of this shape (a whole step or a slice of it).</summary>
    public abstract IReadOnlyDictionary<string, long> StreamCounts(HardwarePlan plan, MacShape shape, bool normalizes);

    /// <summary>Output channels the engine computes side by side: the unit a step's output channels are sliced in.</summary>
    public abstract int OutputLanes(HardwarePlan plan);

    /// <summary>Output rows of one engine tile: the unit a step's output rows are sliced in.</summary>
    public abstract int RowTile(HardwarePlan plan);

    /// <summary>The configuration as the plan lists it.</summary>
    protected static IReadOnlyDictionary<string, int> Parameters(KernelConfig config) => config.AsDictionary();

    /// <summary>The design's scalar types (see <see cref="ScalarType"/>).</summary>
    protected static TypePlan Types(Target target)
    {
        var p = target.Precision;
        ScalarType d = ScalarType.Data(p), a = ScalarType.Accumulator(p), b = ScalarType.Bias(p);
        return new TypePlan(d.Name, d.Bits, a.Name, a.Bits, b.Name, b.Bits);
    }

    protected static int Max(IEnumerable<MacShape> shapes, Func<MacShape, int> f, int fallback = 1) =>
        shapes.Select(f).DefaultIfEmpty(fallback).Max() is var m && m > fallback ? m : fallback;
}
