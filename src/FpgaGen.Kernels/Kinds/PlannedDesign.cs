using FpgaGen.Kernels.Kinds.Vector;
using FpgaGen.Kernels.Lowering;
using FpgaGen.Kernels.Plans;

namespace FpgaGen.Kernels.Kinds;

/// <summary>
/// One design: a kind's plan for a lowered network on a target. What the estimator costs and the generator renders;
/// it answers which kernel group runs a step and how many items each of that group's streams carries.
/// </summary>
public sealed class PlannedDesign
{
    public PlannedDesign(KernelKind kind, KernelConfig config, LoweredNetwork network, Target target)
    {
        if (network.Options != kind.LoweringFor(config))
            throw new ArgumentException($"the network was lowered with {network.Options}, kernel {kind.Id} needs {kind.LoweringFor(config)}");
        Kind = kind;
        Config = config;
        Network = network;
        Target = target;
        Plan = kind.Plan(config, network, target);
    }

    public KernelKind Kind { get; }
    public KernelConfig Config { get; }
    public LoweredNetwork Network { get; }
    public Target Target { get; }
    public HardwarePlan Plan { get; }

    /// <summary>Vector-unit lanes (every kind's space has the parameter vu).</summary>
    public int VectorLanes => Config["vu"];

    public GroupPlan GroupFor(Step step) => GroupFor(Plan, step);

    /// <summary>The kernel group of <paramref name="plan"/> that runs <paramref name="step"/>: the engine for MAC steps, else a vector-unit group.</summary>
    public static GroupPlan GroupFor(HardwarePlan plan, Step step) => step is MacStep ? plan.Engine : plan.Group(VectorUnit.GroupOf(step));

    public IReadOnlyDictionary<string, long> StreamCounts(Step step) => step is MacStep m
        ? Kind.StreamCounts(Plan, m.Shape, m.Normalizes)
        : VectorUnit.StreamCounts(step, VectorLanes);

    public IReadOnlyDictionary<string, long> StreamCounts(MacShape shape, bool normalizes) => Kind.StreamCounts(Plan, shape, normalizes);
}
