using System.Text.Json.Serialization;
using FpgaGen.Kernels.Kinds.Vector;
using FpgaGen.Kernels.Lowering;
using FpgaGen.Kernels.Plans;
using static FpgaGen.Kernels.Kinds.EngineTiming;
using static FpgaGen.Kernels.Kinds.Stages;

namespace FpgaGen.Kernels.Kinds.Gemm;

/// <summary>The plan of a GEMM engine, with its tiling at hand for the cycle model.</summary>
public sealed class GemmPlan(KernelConfig c, Target t, IReadOnlyList<ComputePlan> compute, IReadOnlyList<DefinePlan> defines, IReadOnlyList<GroupPlan> groups,
    bool fusesLayerNorm) : HardwarePlan(c, t, compute, defines, groups)
{
    [JsonIgnore] public int Tm { get; } = c["Tm"];
    [JsonIgnore] public int Tn { get; } = c["Tn"];
    [JsonIgnore] public int Tk { get; } = c["Tk"];
    [JsonIgnore] public bool FusesLayerNorm { get; } = fusesLayerNorm;
}

/// <summary>
/// Tiled matrix-multiply engine: a Tn × Tk array of MACs holds a Tk×Tn tile of the right-hand matrix and streams
/// Tm rows of the left-hand matrix through it, one row per cycle. Runs linear layers, attention products, and
/// convolutions lowered by im2col (rows = output pixels, reduction = in-channels·K²). Templates: templates/gemm/
/// (the bodies, shared with ln_linear).
/// </summary>
public class GemmKind(ParameterSpace space) : KernelKind(space)
{
    public const string Name = "gemm";

    /// <summary>Latency of the row epilogue (mean, variance, rsqrt) of a fused LayerNorm, per row block.</summary>
    public const int NormalizeLatency = 40;

    public override string Title => "tiled GEMM engine";
    public override double ClockDerating => 0.2;

    /// <summary>Whether the reader computes each row's LayerNorm statistics and the writer corrects the outputs.</summary>
    protected virtual bool FusesLayerNorm => false;

    /// <summary>
    /// The reader builds a block of Tm rows × the longest reduction in abuf (Tk banks); the array holds the Tk×Tn
    /// weight tile in registers and Tm×Tn accumulators in acc (Tn banks). With LayerNorm fused the writer keeps the
    /// block's statistics (sbuf) and the extra lanes are Tk squarers and two Tk-wide accumulations for Σx and Σx² on
    /// the input, one rsqrt, and a multiply-subtract-multiply per output lane (3 per lane over Tn lanes).
    /// </summary>
    public override HardwarePlan Plan(KernelConfig config, LoweredNetwork net, Target target)
    {
        var b = Builder(config, target);
        int tm = config["Tm"], tn = config["Tn"], tk = config["Tk"], vu = config["vu"];
        var red = b.Define("REDMAX", net.Extents.Reduction,
            "longest reduction: input channels x kernel taps");
        var ktmax = b.Define("KTMAX", Ceil(red, tk), "(REDMAX + Tk - 1) / Tk");
        var beat = b.BeatElements;
        b.Define("ABEATS", Ceil(tk, beat), "beats Tk consecutive elements add to a row's window: (Tk + BEAT - 1) / BEAT");
        b.Define("AWIN", Ceil(tk, beat) + 1, "ABEATS + 1: beats the dense-row reader keeps (Tk elements may straddle one more)");
        b.Define("WKBEATS", Ceil(tk, beat) + 1, "beats an unaligned run of Tk weights covers at most");
        b.Define("WBEATS", Ceil(tn, beat) + 1, "beats an unaligned row of Tn outputs covers at most: (Tn + BEAT - 1) / BEAT + 1");
        VectorUnit.Define(b, net, vu);
        var ln = FusesLayerNorm;
        string[] read = ln ? ["gm_s", "gm_w", "gm_a"] : ["gm_w", "gm_a"];
        var streams = new List<StreamPlan>
        {
            b.Vector("gm_w", $"{Id}_read", $"{Id}_compute", "gm_wvec", Elements.Data, tk, ChannelDepth),
            b.Vector("gm_a", $"{Id}_read", $"{Id}_compute", "gm_avec", Elements.Data, tk, ChannelDepth),
            b.Vector("gm_o", $"{Id}_compute", $"{Id}_write", "gm_ovec", Elements.Accumulator, tn, ChannelDepth),
        };
        // Row statistics wait in the stream while the block's weight tiles stream through the array.
        if (ln) streams.Add(b.Record("gm_s", $"{Id}_read", $"{Id}_write", "gm_stat", 256, ("mean", Elements.Float), ("rstd", Elements.Float)));
        var engine = new GroupPlan(Id, Id + "_top",
        [
            MacReader(b, Id, "gemm/body/read", ln ? [new("fr", Elements.Float)] : [], ln ? ["norm", "f_off"] : [], read,
                b.Ram("abuf", Elements.Data, tk, tm * ktmax)),
            MacCompute(b, Id, "gemm/body/compute", ["gm_w", "gm_a"], ["gm_o"],
                b.Registers("wreg", Elements.Data, (long)tk * tn), b.Ram("acc", Elements.Accumulator, tn, tm)),
            MacWriter(b, Id, "gemm/body/write", ln ? ["gm_s", "gm_o"] : ["gm_o"], ln ? [b.Ram("sbuf", Elements.Float, 1, 2L * tm)] : []),
        ], streams);
        ComputePlan[] statistics = ln
            ? [new("layernorm statistics", 2L * tk + 3L * tn + (long)VectorUnit.SpecialFunctionMacs, 1,
                "2 Tk (squares, sums) + 3 Tn (correction) + rsqrt", "sum, sum of squares, rsqrt, multiply-subtract", Control: false)]
            : [];
        var compute = Compute((long)tn * tk, $"Tn={tn} output columns x Tk={tk} reduction lanes, Tm={tm} rows per weight tile", target, net, vu, statistics);
        return new GemmPlan(config, target, compute, b.Defines, Groups(engine, b, net, vu), ln);
    }

    /// <summary>
    /// compute = G·(⌈N/Tn⌉·⌈K/Tk⌉·max(M, blocks·latency) + blocks·⌈N/Tn⌉·depth) over M = output pixels or rows, N =
    /// output channels, K = the reduction: every (n, k) tile streams the M rows of its row block; padding waste when N
    /// or K do not divide. Traffic as the reader loads it: the im2col rows of every block (a convolution's input is
    /// gathered once per tap that reads it), the right-hand matrix once per row block of Tm rows (batching rows
    /// amortizes weights), the result once; each at the DDR efficiency of its burst (<see cref="MemoryTiming"/>).
    /// </summary>
    public override OpCost Cost(HardwarePlan plan, in MacWork op, Target target, double bytesPerCycle)
    {
        var p = (GemmPlan)plan;
        long count = op.G, m = (long)op.R * op.C, n = op.M, k = op.Reduction;
        long blocks = Ceil(m, p.Tm), nT = Ceil(n, p.Tn), kT = Ceil(k, p.Tk);
        // Every (n, k) tile revisits the block's accumulators after its rows: blocks shorter than the adder latency stall.
        double compute = (double)count * (nT * kT * Math.Max((double)m, (double)blocks * AccumulateLatency(target.Precision)) + blocks * nT * PipelineDepth);
        if (op.Normalizes) compute += (double)count * blocks * NormalizeLatency;
        var e = target.Bytes;
        double a = (double)count * m * k * e, w = (double)count * blocks * k * n * e, y = (double)count * m * n * e;
        // Bursts: a left-hand row is contiguous for a matrix product, a convolution's im2col gather reads input rows
        // of C pixels per tap; a weight row of the reduction (k values, OIHW) per output channel; output rows of n.
        double aBurst = (op.KH * op.KW == 1 && op.S == 1 ? k : op.C) * e, wBurst = k * e;
        double memory = MemoryTiming.Cycles(a, aBurst, bytesPerCycle) + MemoryTiming.Cycles(w, wBurst, bytesPerCycle)
            + MemoryTiming.Cycles(y, Math.Min(n, p.Tn) * e, bytesPerCycle);
        double fill = MemoryTiming.Cycles((double)Math.Min(p.Tm, m) * k * e, aBurst, bytesPerCycle) + MemoryTiming.Cycles((double)p.Tn * p.Tk * e, wBurst, bytesPerCycle);
        return new OpCost(compute, memory, fill, a + w + y);
    }

    /// <summary>The closed forms of the loops in templates/gemm/body.</summary>
    public override IReadOnlyDictionary<string, long> StreamCounts(HardwarePlan plan, MacShape s, bool normalizes)
    {
        var p = (GemmPlan)plan;
        long bg = (long)s.Batch * s.Groups, pixels = (long)s.OH * s.OW;
        long blocks = Ceil(pixels, p.Tm), nt = Ceil(s.MOut, p.Tn), kt = Ceil(s.Reduction, p.Tk);
        var counts = new Dictionary<string, long>
        {
            ["gm_w"] = bg * blocks * nt * kt * p.Tn, ["gm_a"] = bg * nt * kt * pixels, ["gm_o"] = bg * nt * pixels,
        };
        if (p.FusesLayerNorm) counts["gm_s"] = normalizes ? bg * pixels : 0;
        return counts;
    }

    public override int OutputLanes(HardwarePlan plan) => ((GemmPlan)plan).Tn;

    /// <summary>A GEMM block runs over output pixels in raster order, so any row count is a whole number of blocks' rows.</summary>
    public override int RowTile(HardwarePlan plan) => 1;
}
