using System.Text.Json.Serialization;
using FpgaGen.Kernels.Kinds.Vector;
using FpgaGen.Kernels.Lowering;
using FpgaGen.Kernels.Plans;
using static FpgaGen.Kernels.Kinds.EngineTiming;
using static FpgaGen.Kernels.Kinds.Stages;

namespace FpgaGen.Kernels.Kinds.ConvSystolic;

/// <summary>The plan of a systolic convolution array, with its shape at hand for the cycle model.</summary>
public sealed class ConvSystolicPlan(KernelConfig c, Target t, IReadOnlyList<ComputePlan> compute, IReadOnlyList<DefinePlan> defines,
    IReadOnlyList<GroupPlan> groups) : HardwarePlan(c, t, compute, defines, groups)
{
    [JsonIgnore] public int Rows { get; } = c["rows"];
    [JsonIgnore] public int Cols { get; } = c["cols"];
    [JsonIgnore] public int Simd { get; } = c["simd"];
    [JsonIgnore] public int TileH { get; } = c["tile_h"];
}

/// <summary>
/// Systolic convolution array after Wei et al., "Automated Systolic Array Architecture Synthesis for High
/// Throughput CNN Inference on FPGAs", DAC 2017: rows × cols processing elements, each a SIMD dot product of width
/// simd. Output channels map to rows, output columns to cols, input channels to the SIMD vector; partial sums stay
/// in the PEs. Templates: templates/conv_systolic/.
/// </summary>
public sealed class ConvSystolicKind(ParameterSpace space) : KernelKind(space)
{
    public const string Name = "conv_systolic";

    public override string Title => "systolic convolution array (Wei et al., DAC 2017)";
    public override double ClockDerating => 0.1;

    /// <summary>
    /// The reader holds one block of CWB channel words (simd channels each) of the tile's input patch in pbuf and the
    /// block's weights of the tile's output channels in wcache (simd banks each); CWB covers the widest real
    /// convolution (K &gt; 1), so 1×1 products with longer reductions run in several blocks. The array keeps
    /// tile_h × rows × cols accumulators (a bank per PE).
    /// </summary>
    public override HardwarePlan Plan(KernelConfig config, LoweredNetwork net, Target target)
    {
        var b = Builder(config, target);
        var e = net.Extents;
        int rows = config["rows"], cols = config["cols"], simd = config["simd"], tileH = config["tile_h"], vu = config["vu"];
        var (k, st, d) = ConvolutionMacros(b, net);
        var nmax = b.Define("CONVNMAX", e.ConvInChannels > 0 ? e.ConvInChannels : Math.Min(e.InChannels, 1024),
            "input channels of the widest convolution with a kernel above 1x1 (else of the widest product, at most 1024)");
        var cwb = b.Define("CWB", Ceil(nmax, simd), "(CONVNMAX + simd - 1) / simd: channel words per block");
        var pth = b.Define("PTH", (tileH - 1) * st + (k - 1) * d + 1, "(tile_h - 1) * SMAX + (KMAX - 1) * DMAX + 1");
        var ptw = b.Define("PTW", (cols - 1) * st + (k - 1) * d + 1, "(cols - 1) * SMAX + (KMAX - 1) * DMAX + 1");
        VectorUnit.Define(b, net, vu);
        var engine = new GroupPlan(Name, Name + "_top",
        [
            MacReader(b, Name, "conv_systolic/body/read", [], [], ["cs_x", "cs_w"],
                b.Ram("pbuf", Elements.Data, simd, cwb * pth * ptw), b.Ram("wcache", Elements.Data, simd, rows * cwb * k * k)),
            MacCompute(b, Name, "conv_systolic/body/compute", ["cs_x", "cs_w"], ["cs_o"],
                b.Ram("acc", Elements.Accumulator, (long)rows * cols, tileH)),
            MacWriter(b, Name, "conv_systolic/body/write", ["cs_o"]),
        ],
        [
            b.Vector("cs_x", "conv_systolic_read", "conv_systolic_compute", "cs_xvec", Elements.Data, (long)cols * simd, ChannelDepth),
            b.Vector("cs_w", "conv_systolic_read", "conv_systolic_compute", "cs_wvec", Elements.Data, (long)rows * simd, ChannelDepth),
            b.Vector("cs_o", "conv_systolic_compute", "conv_systolic_write", "cs_ovec", Elements.Accumulator, rows, ChannelDepth),
        ]);
        return new ConvSystolicPlan(config, target, Compute((long)rows * cols * simd, $"rows={rows} x cols={cols} PEs of simd={simd} lanes", target, net, vu),
            b.Defines, Groups(engine, b, net, vu));
    }

    /// <summary>
    /// compute = G·⌈M/rows⌉·⌈C/cols⌉·R·⌈N/simd⌉·K² plus, per tile, the array's fill and drain (rows + cols + depth):
    /// padding waste appears whenever M, C or N do not divide the array. Traffic per tile (tile_h × cols outputs of
    /// one PE-row group), as the reader loads it: its input patch over all channels, the weights of its output
    /// channels, its outputs.
    /// </summary>
    public override OpCost Cost(HardwarePlan plan, in MacWork op, Target target, double bytesPerCycle)
    {
        var p = (ConvSystolicPlan)plan;
        long mT = Ceil(op.M, p.Rows), wT = Ceil(op.C, p.Cols), nT = Ceil(op.N, p.Simd), hT = Ceil(op.R, p.TileH);
        double compute = (double)op.G * mT * wT * ((double)op.R * nT * op.KH * op.KW + hT * (p.Rows + p.Cols + PipelineDepth));
        var e = target.Bytes;
        long h = Math.Min(p.TileH, op.R), w = Math.Min(p.Cols, op.C);
        double inTile = (double)op.N * ((h - 1) * op.S + op.KH) * ((w - 1) * op.S + op.KW) * e;
        double wTile = (double)Math.Min(p.Rows, op.M) * op.N * op.KH * op.KW * e;
        double outTile = (double)Math.Min(p.Rows, op.M) * h * w * e;
        double bytes = (double)op.G * mT * hT * wT * (inTile + wTile + outTile);
        return new OpCost(compute, bytes / bytesPerCycle, (inTile + wTile) / bytesPerCycle, bytes);
    }

    /// <summary>The closed forms of the loops in templates/conv_systolic/body.</summary>
    public override IReadOnlyDictionary<string, long> StreamCounts(HardwarePlan plan, MacShape s, bool normalizes)
    {
        var p = (ConvSystolicPlan)plan;
        long bg = (long)s.Batch * s.Groups, taps = (long)s.KH * s.KW;
        long mt = Ceil(s.MOut, p.Rows), wt = Ceil(s.OW, p.Cols), words = Ceil(s.NIn, p.Simd);
        var steps = bg * mt * wt * words * taps * s.OH;
        return new Dictionary<string, long> { ["cs_x"] = steps, ["cs_w"] = steps, ["cs_o"] = bg * mt * wt * s.OH * p.Cols };
    }

    public override int OutputLanes(HardwarePlan plan) => ((ConvSystolicPlan)plan).Rows;
    public override int RowTile(HardwarePlan plan) => ((ConvSystolicPlan)plan).TileH;
}
