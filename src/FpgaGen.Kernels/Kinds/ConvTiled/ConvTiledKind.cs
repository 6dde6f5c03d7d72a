using System.Text.Json.Serialization;
using FpgaGen.Kernels.Kinds.Vector;
using FpgaGen.Kernels.Lowering;
using FpgaGen.Kernels.Plans;
using static FpgaGen.Kernels.Kinds.EngineTiming;
using static FpgaGen.Kernels.Kinds.Stages;

namespace FpgaGen.Kernels.Kinds.ConvTiled;

/// <summary>The plan of a tiled convolution engine, with its tiling at hand for the cycle model.</summary>
public sealed class ConvTiledPlan(KernelConfig c, Target t, IReadOnlyList<ComputePlan> compute, IReadOnlyList<DefinePlan> defines, IReadOnlyList<GroupPlan> groups)
    : HardwarePlan(c, t, compute, defines, groups)
{
    [JsonIgnore] public int Tm { get; } = c["Tm"];
    [JsonIgnore] public int Tn { get; } = c["Tn"];
    [JsonIgnore] public int Tr { get; } = c["Tr"];
    [JsonIgnore] public int Tc { get; } = c["Tc"];
}

/// <summary>
/// Tiled convolution engine after Zhang et al., "Optimizing FPGA-based Accelerator Design for Deep Convolutional
/// Neural Networks", FPGA 2015: Tm output × Tn input channels of MACs unrolled, output tiles of Tr×Tc pixels in
/// on-chip buffers, loops ordered output-channel tile → input-channel tile (input reuse across Tm, output
/// accumulated on chip across the Tn tiles). Templates: templates/conv_tiled/.
/// </summary>
public sealed class ConvTiledKind(ParameterSpace space) : KernelKind(space)
{
    public const string Name = "conv_tiled";

    public override string Title => "tiled convolution engine (Zhang et al., FPGA 2015)";
    public override double ClockDerating => 0.2;

    /// <summary>
    /// The reader holds one input tile in ibuf (Tn banks, input channels innermost), sized for the largest kernel,
    /// stride and dilation of the network; the compute stage one weight tile in wbuf (a bank per MAC lane) and the
    /// Tr×Tc×Tm accumulators in acc (Tm banks). One copy each: loading and computing a tile take turns.
    /// </summary>
    public override HardwarePlan Plan(KernelConfig config, LoweredNetwork net, Target target)
    {
        var b = Builder(config, target);
        int tm = config["Tm"], tn = config["Tn"], tr = config["Tr"], tc = config["Tc"], vu = config["vu"];
        var (k, st, d) = ConvolutionMacros(b, net);
        var ith = b.Define("ITH", (tr - 1) * st + (k - 1) * d + 1, "(Tr - 1) * SMAX + (KMAX - 1) * DMAX + 1");
        var itw = b.Define("ITW", (tc - 1) * st + (k - 1) * d + 1, "(Tc - 1) * SMAX + (KMAX - 1) * DMAX + 1");
        VectorUnit.Define(b, net, vu);
        var engine = new GroupPlan(Name, Name + "_top",
        [
            MacReader(b, Name, "conv_tiled/body/read", [], [], ["ct_w", "ct_x"], b.Ram("ibuf", Elements.Data, tn, ith * itw)),
            MacCompute(b, Name, "conv_tiled/body/compute", ["ct_w", "ct_x"], ["ct_o"],
                b.Ram("wbuf", Elements.Data, (long)tm * tn, k * k), b.Ram("acc", Elements.Accumulator, tm, (long)tr * tc)),
            MacWriter(b, Name, "conv_tiled/body/write", ["ct_o"]),
        ],
        [
            b.Vector("ct_w", "conv_tiled_read", "conv_tiled_compute", "ct_vec", Elements.Data, tn, ChannelDepth),
            b.Vector("ct_x", "conv_tiled_read", "conv_tiled_compute", "ct_vec", Elements.Data, tn, ChannelDepth),
            b.Vector("ct_o", "conv_tiled_compute", "conv_tiled_write", "ct_ovec", Elements.Accumulator, tm, ChannelDepth),
        ]);
        return new ConvTiledPlan(config, target, Compute((long)tm * tn, $"Tm={tm} output channels x Tn={tn} input channels", target, net, vu),
            b.Defines, Groups(engine, b, net, vu));
    }

    /// <summary>
    /// compute = G·⌈M/Tm⌉·(⌈N/Tn⌉·R·C·K² + tiles·depth): Zhang's cycle count, with padding waste in the unrolled
    /// channel dimensions (loop bounds in R and C follow the real size), the pipeline filled once per output tile
    /// (input-channel tiles stream back to back), and at least the accumulate latency per tile. External traffic per
    /// (row, col, Tm) tile: ⌈N/Tn⌉ input tiles of Tn·((Tr−1)S+K)·((Tc−1)S+K) and weight tiles of Tm·Tn·K², one output
    /// tile of Tm·Tr·Tc. A matrix product runs as a 1×1 convolution over its rows. Each stream is costed at the DDR
    /// efficiency of its burst (<see cref="MemoryTiming"/>): an input tile row of ((Tc−1)S+K) pixels × Tn channels
    /// (activations packed as channel vectors of Tn), a whole Tm·Tn·K² weight tile (weights packed in the order the
    /// engine consumes them, as PipeCNN does), an output tile row of Tc pixels × Tm channels.
    /// </summary>
    public override OpCost Cost(HardwarePlan plan, in MacWork op, Target target, double bytesPerCycle)
    {
        var p = (ConvTiledPlan)plan;
        long mT = Ceil(op.M, p.Tm), nT = Ceil(op.N, p.Tn), rT = Ceil(op.R, p.Tr), cT = Ceil(op.C, p.Tc);
        long rows = Math.Min(p.Tr, op.R), cols = Math.Min(p.Tc, op.C);
        // Each input-channel tile updates the same Tm×Tr×Tc accumulators; tiles smaller than the adder latency stall.
        double work = Math.Max((double)op.R * op.C * op.KH * op.KW, (double)rT * cT * AccumulateLatency(target.Precision));
        double compute = (double)op.G * mT * (nT * work + rT * cT * PipelineDepth);
        var e = target.Bytes;
        double inTile = (double)Math.Min(p.Tn, op.N) * ((rows - 1) * op.S + op.KH) * ((cols - 1) * op.S + op.KW) * e;
        double wTile = (double)Math.Min(p.Tm, op.M) * Math.Min(p.Tn, op.N) * op.KH * op.KW * e;
        double outTile = (double)Math.Min(p.Tm, op.M) * rows * cols * e;
        double tiles = (double)op.G * rT * cT * mT;
        double inBurst = ((cols - 1) * op.S + op.KW) * Math.Min(p.Tn, op.N) * e, wBurst = wTile;
        double memory = MemoryTiming.Cycles(tiles * nT * inTile, inBurst, bytesPerCycle) + MemoryTiming.Cycles(tiles * nT * wTile, wBurst, bytesPerCycle)
            + MemoryTiming.Cycles(tiles * outTile, (double)cols * Math.Min(p.Tm, op.M) * e, bytesPerCycle);
        double fill = MemoryTiming.Cycles(inTile, inBurst, bytesPerCycle) + MemoryTiming.Cycles(wTile, wBurst, bytesPerCycle);
        return new OpCost(compute, memory, fill, tiles * (nT * (inTile + wTile) + outTile));
    }

    /// <summary>The closed forms of the loops in templates/conv_tiled/body.</summary>
    public override IReadOnlyDictionary<string, long> StreamCounts(HardwarePlan plan, MacShape s, bool normalizes)
    {
        var p = (ConvTiledPlan)plan;
        long bg = (long)s.Batch * s.Groups, taps = (long)s.KH * s.KW, pixels = (long)s.OH * s.OW;
        long tiles = Ceil(s.OH, p.Tr) * Ceil(s.OW, p.Tc), mt = Ceil(s.MOut, p.Tm), nt = Ceil(s.NIn, p.Tn);
        return new Dictionary<string, long> { ["ct_w"] = bg * tiles * mt * nt * p.Tm * taps, ["ct_x"] = bg * mt * nt * taps * pixels, ["ct_o"] = bg * mt * pixels };
    }

    public override int OutputLanes(HardwarePlan plan) => ((ConvTiledPlan)plan).Tm;
    public override int RowTile(HardwarePlan plan) => ((ConvTiledPlan)plan).Tr;
}
