using FpgaGen.Estimation.Kernels;
using FpgaGen.Model;

namespace FpgaGen.Estimation;

/// <summary>Figures of one layer on one design.</summary>
public sealed record LayerEstimate(Layer Layer, Execution Execution, double Cycles, double ComputeCycles, double MemoryCycles, double Bytes,
    long Macs, bool MemoryBound, double FreqMhz)
{
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

/// <summary>Figures of one design (one engine configuration) on the whole network.</summary>
public sealed record DesignEstimate(string Kernel, KernelConfig Config, Precision Precision, int Batch, double FreqMhz, double Cycles,
    long Macs, long Lanes, ResourceUse Resources, int ComputeBoundOps, int MemoryBoundOps)
{
    public double LatencyMs => Cycles / (FreqMhz * 1e3);
    public double ImagesPerSecond => Batch / (LatencyMs / 1e3);
    public double Gops => 2.0 * Macs / (LatencyMs * 1e6);

    /// <summary>Peak of the engine: lanes × 2 ops × f (= DSPs used × ops per cycle per DSP × f).</summary>
    public double PeakGops => Lanes * 2.0 * FreqMhz / 1e3;

    public double DspEfficiency => Gops / PeakGops;

    public bool Fits(double maxUtil) => Resources.Binding().Util <= maxUtil;
}

/// <summary>Evaluates designs of one kernel kind for one network, device, data type and batch.</summary>
public sealed class Estimator(KernelModel model, NetworkProfile profile, Target target, int batch, double? fixedFreqMhz = null,
    Calibration? calibration = null)
{
    public Calibration Calibration { get; } = calibration ?? Calibration.None;

    public KernelModel Model { get; } = model;
    public NetworkProfile Profile { get; } = profile;
    public Target Target { get; } = target;
    public int Batch { get; } = batch > 0 ? batch : throw new InputException($"batch must be positive, got {batch}");

    private (Engine Engine, double Freq, double BytesPerCycle) Prepare(KernelConfig config)
    {
        var engine = Model.Build(config, Profile, Target);
        if (!Calibration.IsIdentity) Calibration.Apply(engine.Resources);
        var freq = fixedFreqMhz ?? ClockModel.FrequencyMhz(Target.Device.FmaxMhz, engine.Resources.Binding().Util, Model.ClockDerating) * Calibration.Fmax;
        return (engine, freq, Target.SustainedBytesPerSecond / (freq * 1e6));
    }

    /// <summary>Whole-network figures without per-layer detail (the explorer's hot path: no allocation per op).</summary>
    public DesignEstimate Evaluate(KernelConfig config)
    {
        var (engine, freq, bpc) = Prepare(config);
        double cycles = 0;
        int computeBound = 0, memoryBound = 0;
        foreach (ref readonly var op in engine.Ops.AsSpan())
        {
            var cost = engine.Cost(op, Batch, bpc);
            cycles += cost.Cycles;
            if (cost.MemoryBound) memoryBound++; else computeBound++;
        }
        return new DesignEstimate(Model.Id, config, Target.Precision, Batch, freq, cycles, Profile.Macs * Batch, engine.Lanes, engine.Resources,
            computeBound, memoryBound);
    }

    /// <summary>Per-layer figures, every layer of the network included (fused, folded and view layers at zero cycles).</summary>
    public (DesignEstimate Design, IReadOnlyList<LayerEstimate> Layers) EvaluateLayers(KernelConfig config)
    {
        var design = Evaluate(config);
        var (engine, freq, bpc) = Prepare(config);
        var layers = Profile.Network.Layers;
        var sums = new (double Cycles, double Compute, double Memory, double Bytes)[layers.Count];
        foreach (var op in engine.Ops)
        {
            var c = engine.Cost(op, Batch, bpc);
            var s = sums[op.Layer];
            sums[op.Layer] = (s.Cycles + c.Cycles, s.Compute + c.Compute, s.Memory + c.Memory, s.Bytes + c.Bytes);
        }
        var result = new List<LayerEstimate>(layers.Count);
        for (var i = 0; i < layers.Count; i++)
        {
            var mode = engine.FusesLayerNorm && Profile.FusableLayerNorms.Contains(i) ? Execution.FusedLayerNorm : Profile.Execution[i];
            var s = sums[i];
            result.Add(new LayerEstimate(layers[i], mode, s.Cycles, s.Compute, s.Memory, s.Bytes, layers[i].Macs * (long)Batch, s.Memory > s.Compute, freq));
        }
        return (design, result);
    }
}
