namespace FpgaGen.Estimation.Kernels;

/// <summary>
/// A kernel architecture: its tuning space (data, from templates/&lt;kind&gt;/space.yaml), and how one configuration
/// becomes an <see cref="Engine"/> with resources and a cycle model.
/// </summary>
public abstract class KernelModel(ParameterSpace space)
{
    public ParameterSpace Space { get; } = space;
    public string Id => Space.Kernel;
    public abstract string Title { get; }

    /// <summary>
    /// How much the clock drops at full device utilization (see <see cref="ClockModel"/>). Architectures that
    /// broadcast operands to many lanes and reduce through wide adder trees lose more than systolic arrays, whose
    /// wires only reach neighbours.
    /// </summary>
    public abstract double ClockDerating { get; }

    public virtual bool AppliesTo(NetworkProfile profile) => true;

    public abstract Engine Build(KernelConfig config, NetworkProfile profile, Target target);
}

/// <summary>Cycles of one op: compute and memory overlap (double buffering); the fill of the first tile does not.</summary>
public readonly record struct OpCost(double Compute, double Memory, double Fill, double Bytes)
{
    public double Cycles => Math.Max(Compute, Memory) + Fill;
    public bool MemoryBound => Memory > Compute;
}

/// <summary>
/// One configured accelerator: a main MAC engine plus a vector unit for streaming layers, with the resources they
/// take. Subclasses give the engine's cycle model for convolutions and matrix products.
/// </summary>
public abstract class Engine
{
    /// <summary>Cycles from a tile's first input to its first output (MAC pipeline, accumulation, control).</summary>
    public const int PipelineDepth = 30;

    /// <summary>
    /// Cycles between two updates of the same accumulator that the adder pipeline needs: a floating-point adder is
    /// ~8 stages deep (Xilinx fadd; Intel's hardened fp32 accumulate is faster, so this is conservative there), an
    /// integer adder one. A loop that revisits an accumulator sooner stalls.
    /// </summary>
    public int AccumulateLatency => Target.Precision.IsFixedPoint() ? 1 : 8;

    /// <summary>Logic and registers of one kernel's control: loop counters, DDR load/store units (estimate).</summary>
    public const double ControlLogic = 4000, ControlRegisters = 8000;

    protected Engine(KernelConfig config, NetworkProfile profile, Target target, int vectorLanes)
    {
        Config = config;
        Profile = profile;
        Target = target;
        Resources = new ResourceUse(target.Device);
        Vector = new VectorUnit(vectorLanes, profile, target, Resources);
    }

    public KernelConfig Config { get; }
    public NetworkProfile Profile { get; }
    public Target Target { get; }
    public ResourceUse Resources { get; }
    public VectorUnit Vector { get; }

    /// <summary>Multiply-accumulates the main engine completes per cycle at full occupancy.</summary>
    public abstract long Lanes { get; }

    public virtual bool FusesLayerNorm => false;

    public Op[] Ops => FusesLayerNorm ? Profile.OpsWithFusedLayerNorm : Profile.Ops;

    public abstract OpCost Conv(in Op op, int batch, double bytesPerCycle);

    public abstract OpCost Gemm(in Op op, int batch, double bytesPerCycle);

    public OpCost Cost(in Op op, int batch, double bytesPerCycle) => op.Kind switch
    {
        OpKind.Conv => Conv(op, batch, bytesPerCycle),
        OpKind.Gemm => Gemm(op, batch, bytesPerCycle),
        OpKind.Stream => Vector.Stream(op, batch, bytesPerCycle),
        _ => Vector.Row(op, batch, bytesPerCycle),
    };

    /// <summary>Adds the MAC lanes' DSPs and soft logic, the control, the vector unit and the platform.</summary>
    protected void AddLanesAndOverheads(long lanes)
    {
        Resources.Dsp += lanes * Target.DspPerMac;
        Resources.Logic += lanes * Target.Lane.Logic + ControlLogic;
        Resources.Registers += lanes * Target.Lane.Registers + ControlRegisters;
        Vector.AddResources();
        Resources.AddPlatform();
    }

    protected static long Ceil(long a, long b) => (a + b - 1) / b;

    /// <summary>A matrix product seen as a 1×1 convolution over M "pixels": how convolution engines run linear layers.</summary>
    protected static Op GemmAsConv(in Op op, int batch)
    {
        var rows = op.StaticWeights ? op.GM * batch : op.GM;
        var count = op.StaticWeights ? op.Count : op.Count * batch;
        return new Op
        {
            Kind = OpKind.Conv, G = (int)count, M = (int)op.GN, N = (int)op.GK, R = 1, C = (int)rows, IH = 1, IW = (int)rows,
            KH = 1, KW = 1, S = 1, Macs = op.Macs,
        };
    }
}
