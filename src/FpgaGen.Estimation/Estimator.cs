using FpgaGen.Hardware;
using FpgaGen.Kernels;
using FpgaGen.Kernels.Kinds;
using FpgaGen.Kernels.Kinds.Vector;
using FpgaGen.Kernels.Lowering;
using FpgaGen.Kernels.Plans;
using FpgaGen.Model;

namespace FpgaGen.Estimation;

/// <summary>Figures of one layer on one design.</summary>
public sealed record LayerEstimate(Layer Layer, Execution Execution, double Cycles, double ComputeCycles, double MemoryCycles, double Bytes,
    long Macs, bool MemoryBound, double FreqMhz, double HostCycles = 0)
{
    /// <summary>Cycles the kernels run, without the host's launch and synchronisation (what a schedule of the generated code counts).</summary>
    public double DeviceCycles => Cycles - HostCycles;

    public double Ms => Cycles / (FreqMhz * 1e3);
    public double Gops => Cycles > 0 ? 2.0 * Macs / (Ms * 1e6) : 0;

    public string Bound => Execution switch
    {
        Execution.Kernel => Cycles == 0 ? "-" : MemoryBound ? "memory" : "compute",
        Execution.Fused => "fused",
        Execution.Folded => "folded",
        Execution.FusedLayerNorm => "fused-ln",
        _ => "view",
    };
}

/// <summary>
/// Figures of one design (one engine configuration) on the whole network, with the plan they were computed from.
/// <paramref name="DeviceMacs"/> is the MACs per cycle the whole device holds at this data type (DSP blocks over DSPs per MAC).
/// </summary>
public sealed record DesignEstimate(string Kernel, KernelConfig Config, Precision Precision, int Batch, double FreqMhz, double Cycles,
    long Macs, long Lanes, ResourceUse Resources, int ComputeBoundOps, int MemoryBoundOps, HardwarePlan Plan, double DeviceMacs)
{
    /// <summary>The layers' own types when the network is mixed-precision (<see cref="Precision"/> is then the widest), else null.</summary>
    public IReadOnlyList<Precision>? LayerTypes { get; init; }

    /// <summary>"int8", or "fp32+int8" for a mixed-precision design.</summary>
    public string PrecisionText => LayerTypes is { Count: > 1 } t ? string.Join("+", t.Select(p => p.Id())) : Precision.Id();

    /// <summary>
    /// Share of the engine's lanes the device can hold: 1 unless the engine needs more DSPs than the device has. A
    /// design over the DSP budget is costed as if only that share of its lanes existed (its compute cycles divided by
    /// it), so no figure of it exceeds the device's physical peak; such figures are hypothetical (see <see cref="Fits"/>).
    /// </summary>
    public double Capacity => CapacityOf(DeviceMacs, Lanes);

    public static double CapacityOf(double deviceMacs, long lanes) => Math.Min(1, deviceMacs / lanes);

    /// <summary>The device's physical peak: every DSP doing MACs at this clock (DSP × MACs per DSP × 2 ops × f).</summary>
    public double DevicePeakGops => DeviceMacs * 2.0 * FreqMhz / 1e3;

    public double LatencyMs => Cycles / (FreqMhz * 1e3);
    public double ImagesPerSecond => Batch / (LatencyMs / 1e3);
    public double Gops => 2.0 * Macs / (LatencyMs * 1e6);

    /// <summary>Peak of the engine: lanes × 2 ops × f (= DSPs used × ops per cycle per DSP × f), at most the device's.</summary>
    public double PeakGops => Lanes * Capacity * 2.0 * FreqMhz / 1e3;

    public double DspEfficiency => Gops / PeakGops;

    /// <summary>Compute units of the design (each runs Batch / ComputeUnits samples).</summary>
    public int ComputeUnits => Plan.ComputeUnits;

    /// <summary>False when several compute units are asked for and one does not fit an SLR of its own (SlrPlacement).</summary>
    public bool UnitsFit { get; init; } = true;

    public bool Fits(double maxUtil) => UnitsFit && Resources.Binding().Util <= maxUtil;

    /// <summary>Whether the engine needs more DSPs than the device has (its figures are then capped, see <see cref="Capacity"/>).</summary>
    public bool OverDevice => Capacity < 1;
}

/// <summary>
/// Evaluates designs of one kernel kind for one lowered network and target: each configuration's plan, the resources
/// counted from it, the clock, and every step's cycles from the kind's cycle model on that plan.
/// </summary>
public sealed class Estimator
{
    private readonly MacWork[] macs;
    private readonly Step[] vectorSteps;
    private readonly double? fixedFreqMhz;
    private BankPlacement? placement; // a reference, so concurrent evaluations may race to set it harmlessly

    /// <param name="layers">Each layer's own data type (mixed precision); <paramref name="target"/> must then be its widest.</param>
    public Estimator(KernelKind kind, LoweredNetwork network, Target target, double? fixedFreqMhz = null, Calibration? calibration = null,
        LayerPrecisions? layers = null)
    {
        // A design's own lowering (KernelKind.LoweringFor) differs only in layouts the cycle models do not depend on.
        if (network.Options with { WeightTile = null } != kind.Lowering)
            throw new ArgumentException($"kernel {kind.Id} needs a network lowered with {kind.Lowering}, got {network.Options}");
        Kind = kind;
        Network = network;
        Target = target;
        this.fixedFreqMhz = fixedFreqMhz;
        if (calibration is { Kernel: not "" } c && c.Kernel != kind.Id)
            throw new ArgumentException($"a calibration of {c.Kernel} cannot correct kernel {kind.Id}");
        Calibration = calibration ?? Calibration.None;
        macs = network.MacSteps.Select(s => new MacWork(s)).ToArray();
        vectorSteps = network.Steps.Where(s => s is not MacStep).ToArray();
        if (layers is not null && layers.Widest != target.Precision)
            throw new ArgumentException($"a mixed-precision network runs on a {layers.Widest.Id()} datapath, got {target.Precision.Id()}");
        // The generated engine runs every layer at the datapath's type: a DSP block's mode (Arria 10 fp32 or 18x19,
        // Intel 683332) and an HLS operator core's DSPs are fixed when the design is built, and the kernels store
        // every tensor as data_t. So a mixed network costs as its widest type; its layers' own types are labels here.
        Layers = layers is { Mixed: true } ? layers : null;
    }

    /// <summary>
    /// The estimator of designs of <paramref name="units"/> compute units running <paramref name="batch"/> samples
    /// together: the network lowered at each unit's share of the batch.
    /// </summary>
    public static Estimator For(KernelKind kind, Network network, Device device, Precision precision, int batch, int units = 1,
        double? fixedFreqMhz = null, Calibration? calibration = null, LayerPrecisions? layers = null) =>
        new(kind, Lowerer.Lower(network, kind.Lowering, precision, PerUnit(batch, units)), new Target(device, precision, units), fixedFreqMhz, calibration, layers);

    /// <summary>Each compute unit's samples; refuses a batch the units cannot share equally.</summary>
    public static int PerUnit(int batch, int units) => units >= 1 && batch % units == 0 ? batch / units
        : throw new InputException($"a batch of {batch} does not split equally over {units} compute units (give a batch that is a multiple of {units})");

    /// <summary>The layers' own data types when the network is mixed-precision (shown with its figures), else null.</summary>
    public LayerPrecisions? Layers { get; }

    public KernelKind Kind { get; }
    public LoweredNetwork Network { get; }
    public Target Target { get; }
    public Calibration Calibration { get; }
    /// <summary>Samples per run: each compute unit's (the lowered network's batch) times the units.</summary>
    public int Batch => Network.Batch * Target.ComputeUnits;

    /// <summary>
    /// MACs per cycle the whole device holds at this data type, counted in the plan's engine lanes (a lane of an engine
    /// whose columns pair on one multiplier is half a multiplier: the device holds twice as many).
    /// </summary>
    public double DeviceMacs(HardwarePlan plan) => Target.Device.Dsp.Count / (Target.DspPerMac * plan.Compute[0].MacsPerLane);

    private (HardwarePlan Plan, ResourceUse Resources, double Freq, double BytesPerCycle) Prepare(KernelConfig config)
    {
        var plan = Kind.Plan(config, Network, Target);
        var resources = PlanResources.Of(plan, Target);
        if (!Calibration.IsIdentity) Calibration.Apply(resources);
        // A calibrated clock stays in the range every document reader accepts (a factor of up to 5 on a 320 MHz
        // device would otherwise write a designs.json that generate and the sweep refuse).
        var freq = fixedFreqMhz ?? Math.Clamp(ClockModel.FrequencyMhz(Target.Device.FmaxMhz, resources.Binding().Util, Kind.ClockDerating) * Calibration.Fmax.Value,
            ClockRange.MinMhz, ClockRange.MaxMhz);
        // The bandwidth the design's buffers can draw where they are placed (BankPlacement), the same for every configuration.
        placement ??= BankPlacement.Of(plan, Network, Target.Device);
        return (plan, resources, freq, placement.PeakBytesPerSecond / (freq * 1e6));
    }

    /// <summary>Peak external-memory bytes per kernel cycle of a configuration: the banks its buffers are placed in, at its clock.</summary>
    public double PeakBytesPerCycle(KernelConfig config) => Prepare(config).BytesPerCycle;

    /// <summary>The resources of a configuration (calibrated), without its cycles.</summary>
    public ResourceUse Resources(KernelConfig config) => Prepare(config).Resources;

    /// <summary>Whole-network figures without per-layer detail (the explorer's hot path).</summary>
    public DesignEstimate Evaluate(KernelConfig config)
    {
        var (plan, resources, freq, bpc) = Prepare(config);
        var capacity = Capacity(plan);
        double cycles = 0;
        int computeBound = 0, memoryBound = 0;
        for (var i = 0; i < macs.Length; i++)
        {
            var cost = Fixed(OnDevice(MacCost(plan, i, bpc), capacity), freq);
            cycles += cost.Cycles;
            if (cost.MemoryBound) memoryBound++; else computeBound++;
        }
        var vu = config["vu"];
        for (var i = 0; i < vectorSteps.Length; i++)
        {
            var cost = Fixed(VectorUnit.Cost(vectorSteps[i], vu, Target.Bytes, bpc), freq);
            cycles += cost.Cycles;
            if (cost.MemoryBound) memoryBound++; else computeBound++;
        }
        return new DesignEstimate(Kind.Id, config, Target.Precision, Batch, freq, cycles, Network.Network.Macs * Batch, plan.Compute[0].Lanes * plan.ComputeUnits,
            resources, computeBound, memoryBound, plan, DeviceMacs(plan)) { LayerTypes = Layers?.Types, UnitsFit = UnitsFit(plan) };
    }

    private OpCost MacCost(HardwarePlan plan, int i, double bpc) => Kind.Cost(plan, macs[i], Target, bpc);

    /// <summary>Whether several compute units each fit an SLR of their own (always for one unit).</summary>
    private bool UnitsFit(HardwarePlan plan) =>
        plan.ComputeUnits == 1 || SlrPlacement.Of(plan, Target, placement ?? BankPlacement.Of(plan, Network, Target.Device))!.UnitsFit;

    /// <summary>Share of the engine's lanes the device holds (below 1 only for an engine over the DSP budget).</summary>
    private double Capacity(HardwarePlan plan) => DesignEstimate.CapacityOf(DeviceMacs(plan) / plan.ComputeUnits, plan.Compute[0].Lanes);

    /// <summary>Every step also pays its launch, host synchronisation and first-burst latency, which no overlap hides.</summary>
    private static OpCost Fixed(OpCost cost, double freqMhz) => cost with { Fill = cost.Fill + MemoryTiming.StepCycles(freqMhz) };

    /// <summary>A MAC step on an engine over the DSP budget runs at most at the device's MAC rate: compute cycles ÷ capacity.</summary>
    private static OpCost OnDevice(OpCost cost, double capacity) => capacity >= 1 ? cost : cost with { Compute = cost.Compute / capacity };

    /// <summary>Per-layer figures, every layer of the network included (fused, folded and view layers at zero cycles).</summary>
    public (DesignEstimate Design, IReadOnlyList<LayerEstimate> Layers) EvaluateLayers(KernelConfig config)
    {
        var design = Evaluate(config);
        var (plan, _, freq, bpc) = Prepare(config);
        var capacity = Capacity(plan);
        var layers = Network.Network.Layers;
        var index = layers.Select((l, i) => (l.Name, i)).ToDictionary(x => x.Name, x => x.i);
        var sums = new (double Cycles, double Compute, double Memory, double Bytes, double Host)[layers.Count];
        var macIndex = 0;
        foreach (var step in Network.Steps)
        {
            var c = Fixed(step is MacStep ? OnDevice(MacCost(plan, macIndex++, bpc), capacity) : VectorUnit.Cost(step, config["vu"], Target.Bytes, bpc), freq);
            var i = index[step.Layers[0]];
            var s = sums[i];
            sums[i] = (s.Cycles + c.Cycles, s.Compute + c.Compute, s.Memory + c.Memory, s.Bytes + c.Bytes, s.Host + MemoryTiming.LaunchCycles(freq));
        }
        var result = new List<LayerEstimate>(layers.Count);
        for (var i = 0; i < layers.Count; i++)
        {
            var s = sums[i];
            result.Add(new LayerEstimate(layers[i], Network.Execution[i], s.Cycles, s.Compute, s.Memory, s.Bytes, layers[i].Macs * (long)Batch,
                s.Memory > s.Compute, freq, s.Host));
        }
        return (design, result);
    }
}
