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

    /// <summary>Columns paired on one multiplier (<see cref="LanePairs"/>): 0 none, 1 every step narrow, 2 per step.</summary>
    [JsonIgnore] public int Pairs { get; init; }

    /// <summary>Iterations a row takes: two for a step at the datapath's full width on a per-step paired engine.</summary>
    public int Phases(in MacWork op) => Pairs == 2 && !op.Narrow ? 2 : 1;
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
        b.Define("KSLOTS", RunBeats(tk, beat, true), "beats of a run of Tk elements that starts on a beat");
        b.Define("NSLOTS", RunBeats(tn, beat, true), "beats of a run of Tn outputs that starts on a beat");
        b.Define("CTP", Math.Max(2L * tk, beat), "max(2 * Tk, BEAT): the reader's corner-turn iterations per group of a segment and Tk reduction elements");
        b.Define("CTW", Math.Max(2L * tn, beat), "max(2 * Tn, BEAT): the writer's corner-turn iterations per segment of BEAT rows");
        var wtw = ColumnWeightWindow(b, net, tk, tn);
        // The reader's own layout tests (templates/gemm/body/read): dense rows, the NCHW corner turn, weight rows or columns.
        GatherDefines(b, net,
            x => !(x.Shape.KH * x.Shape.KW == 1 && x.XAddr.C == 1 && x.Shape.PadH == 0 && x.Shape.PadW == 0) && !(x.XAddr.X == 1 && x.Shape.Stride <= b.BeatElements),
            x => !(x.Shape.ChannelRun > 0 || x.WAddr.Y == x.Shape.KH * x.Shape.KW) && !MacWork.ColumnWeights(x));
        b.Define("SCATTER_Y", net.MacSteps.Any(x => x.YAddr.C != 1 && !(x.YAddr.X == 1 && x.YAddr.Y == x.Shape.OW)) ? 1 : 0,
            "1: a step stores its outputs one element a lane (neither NCHW rows nor consecutive channels)");
        var pairs = LanePairs.Define(b, net, tn, perStep: true);
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
            [
                b.Ram("abuf", Elements.Data, tk, tm * ktmax, copies: 2), b.Registers("twin", Elements.Data, 2L * tk * 2 * beat),
                b.Registers("toff", Elements.Int, 2L * tk), b.Registers("txs", Elements.Int, 2L * tk), wtw,
                // The fused LayerNorm's statistics: FACCLAT interleaved sets of Tk partials (the float adder's latency).
                .. ln ? [b.Registers("lnpart", Elements.Float, (long)EngineTiming.AccumulateLatency(Precision.Fp32) * tk)] : Array.Empty<BufferPlan>(),
            ]),
            MacCompute(b, Id, "gemm/body/compute", ["narrow"], ["gm_w", "gm_a"], ["gm_o"],
                b.Registers("wreg", Elements.Data, 2L * tk * tn), b.Ram("acc", Elements.Accumulator, tn, tm)),
            MacWriter(b, Id, "gemm/body/write", ln ? ["gm_s", "gm_o"] : ["gm_o"],
                [.. ln ? [b.Ram("sbuf", Elements.Float, 1, 2L * tm)] : Array.Empty<BufferPlan>(), b.Registers("obuf", Elements.Data, 2L * tn * beat)]),
        ], streams);
        ComputePlan[] statistics = ln
            ? [new("layernorm statistics", 2L * tk + 3L * tn + (long)VectorUnit.SpecialFunctionMacs, 1,
                "2 Tk (squares, sums) + 3 Tn (correction) + rsqrt", "sum, sum of squares, rsqrt, multiply-subtract", Control: false)]
            : [];
        var arrangement = $"Tn={tn} output columns x Tk={tk} reduction lanes, Tm={tm} rows per weight tile"
            + (pairs == 0 ? "" : pairs == 1 ? "; two columns' int8 products per multiplier"
                : $"; two columns per multiplier: two int8 products on int8 steps, one {target.Precision.Id()} product on the others (two iterations a row)");
        var compute = Compute((long)tn * tk, LanePairs.MacsPerLane(pairs, target), arrangement, target, net, vu, statistics);
        return new GemmPlan(config, target, compute, b.Defines, Groups(engine, b, net, vu), ln) { Pairs = pairs };
    }

    /// <summary>
    /// The cycles of the loops in templates/gemm/body over B = ⌈M/Tm⌉ row blocks of r rows (M = output pixels or
    /// rows, N = output channels, K = the reduction), T = ⌈N/Tn⌉·⌈K/Tk⌉ weight tiles a block. Reader: part k loads
    /// block k (L_k) while block k−1 streams (S = T·max(r, Tn): a tile's rows while the next tile's weights go out),
    /// max(L_k, S_k−1) per part, part 0 max(L_0, Tn), the last part S, where a weight row takes its beats' count of
    /// iterations (one request each: ⌈Tk/BEAT⌉, one more when rows need not start on a beat; column weights, P·V's V,
    /// take Tk·(a Tn run's beats) + Tn a tile through their corner turn); L = r·⌈K/Tk⌉·beats for
    /// dense rows (the window takes one beat an iteration), the corner turn's (segments·⌈K/Tk⌉ + 1)·max(2 Tk, BEAT) for NCHW rows (a segment:
    /// at most BEAT/stride pixels of one output row), r·⌈K/Tk⌉·Tk for a gather; a fused LayerNorm adds its two passes
    /// (2·r·⌈K/Tk⌉) per block. Engine: Tn + B·T·max(P·r, Tn), P = 2 for a full-width step on paired columns (two
    /// iterations a row), else 1. Writer per block and output tile: the biases (Tn), the LayerNorm
    /// pairs (2 Tn), then the NCHW corner turn (⌈r/BEAT⌉ + 1)·max(BEAT, 2 Tn), max(BEAT, Tn) when the runs start on
    /// beats, or a row's beats (consecutive outputs) or one iteration a row. The step takes the slowest stage plus one pipeline fill. Traffic as the reader
    /// loads it: the corner turn fetches, per lane and segment, the whole beats its span covers as one burst, dense
    /// rows once, the right-hand matrix once per block (batching rows amortizes weights) as the whole beats its rows'
    /// Tk-element runs cover, a burst each, the result once; each at the DDR efficiency of its burst (<see cref="MemoryTiming"/>).
    /// </summary>
    public override OpCost Cost(HardwarePlan plan, in MacWork op, Target target, double bytesPerCycle)
    {
        var p = (GemmPlan)plan;
        long m = (long)op.R * op.C, kT = Ceil(op.StoredReduction, p.Tk), tiles = Ceil(op.M, p.Tn) * kT;
        long beat = PlanBuilder.ElementsPerBeat(target.Bytes), blocks = Ceil(m, p.Tm);
        bool turn = !op.DenseRows && op.RowMajorInput && op.S <= beat;
        bool outTurn = op.OutputChannelStride != 1 && op.RowMajorOutput && op.R > 0;
        long segp = turn ? beat / op.S : 1, ctp = Math.Max(2L * p.Tk, beat);
        var turns = turn ? BlockTurns(m, op.C, p.Tm, segp, op, beat) : null;
        bool dense = op.DenseRows;
        // Beats a run of Tk (Tn) elements takes, one request an iteration (the templates' KSLOTS / NSLOTS or the unaligned count).
        long dslots = dense ? RunBeats(p.Tk, beat, op.InputRowStride % beat == 0) : 1;
        long wslots = op.WeightRows ? RunBeats(p.Tk, beat, op.WeightRowStride % beat == 0) : 1;
        long oslots = RunBeats(p.Tn, beat, op.OutputRowStride % beat == 0);
        // Column weights (P·V's V) turn the corner: a tile's Tk runs of Tn outputs in (their beats, one an iteration), then its Tn rows out.
        bool colAligned = op.WeightColumnAlignment % beat == 0;
        long wwin = op.WeightColumns ? p.Tk * RunBeats(p.Tn, beat, colAligned) + p.Tn : p.Tn * wslots;
        double Load(long blk, long rows) => dense ? rows * kT * dslots : turn ? (turns![blk].Segments * kT + 1) * ctp : rows * kT * p.Tk;
        // The reader sends a row an iteration; a full-width step on paired columns takes two engine iterations a row.
        int phases = p.Phases(op);
        double Stream(long rows) => tiles * (double)Math.Max(rows, wwin);
        long Rows(long blk) => Math.Min(p.Tm, m - blk * p.Tm);
        double cyclic = 0, engine = 0, writer = 0, stats = 0, aElements = 0, aBursts = 0, yElements = 0, yBursts = 0;
        bool yRowsAligned = op.OutputRowStride % beat == 0 && (p.Tn % beat == 0 || beat % p.Tn == 0);
        // One block's share of every sum, times the blocks it stands for: prev is the block streaming while it loads.
        var o = op; // a copy the local function may capture (op is an in parameter)
        void Add(long blk, long rows, long prev, double times)
        {
            cyclic += times * Math.Max(Load(blk, rows), Stream(prev));
            engine += times * tiles * (double)Math.Max(rows * phases, p.Tn);
            if (o.Normalizes) stats += times * 2.0 * rows * kT;
            bool aligned = o.OutputChannelStride % beat == 0 && (o.OutputBase + blk * p.Tm) % beat == 0;
            double store = outTurn ? (Ceil(rows, beat) + 1) * (aligned ? Math.Max(beat, p.Tn) : Math.Max(beat, 2L * p.Tn))
                : rows * (o.OutputChannelStride == 1 ? oslots : 1);
            writer += times * Ceil(o.M, p.Tn) * ((o.HasBias ? p.Tn : 0) + (o.Normalizes ? 2.0 * p.Tn : 0) + store);
            // Stores as the writer issues them: a channel's beats of a segment (its run of at most BEAT rows) one burst;
            // a row's beats of a Tn tile one burst; else one element a request.
            if (outTurn)
                for (long r0 = 0; r0 < rows; r0 += beat)
                {
                    yElements += times * o.M * CoveredBeats(Math.Min(beat, rows - r0), beat, aligned) * beat;
                    yBursts += times * o.M;
                }
            else if (o.OutputChannelStride == 1)
            {
                yElements += times * rows * ((o.M / p.Tn) * CoveredBeats(p.Tn, beat, yRowsAligned) + (o.M % p.Tn > 0 ? CoveredBeats(o.M % p.Tn, beat, yRowsAligned) : 0)) * beat;
                yBursts += times * rows * Ceil(o.M, p.Tn);
            }
            else
            {
                yElements += times * rows * o.M;
                yBursts += times * rows * o.M;
            }
            if (turn)
            {
                // Lanes of real channels (not a stored run's zeros) and kernel rows fetch; rows in the padding are not counted.
                aElements += times * o.N * o.KH * turns![blk].Beats * beat;
                aBursts += times * o.N * o.KH * turns[blk].Bursts;
            }
        }
        // The first block streams the last one's rows (the parts wrap, corrected below); the last may be partial. The
        // full blocks between differ only where their first pixel falls in an output row (the corner turn's segments)
        // and in a beat (the output's alignment), so they repeat every `period` blocks: one of each class, counted.
        long last = blocks - 1;
        Add(0, Rows(0), Rows(last), 1);
        if (last > 0) Add(last, Rows(last), p.Tm, 1);
        long period = Lcm(turn ? op.C / Gcd(p.Tm, op.C) : 1, outTurn ? beat / Gcd(p.Tm, beat) : 1);
        for (long blk = 1; blk < last && blk <= period; blk++)
            Add(blk, p.Tm, p.Tm, (last - 1 - blk) / period + 1);
        // Parts run over all G·B blocks in one sequence: the first loads only, the last streams only.
        double reader = op.G * (cyclic + stats) - Math.Max(Load(0, Rows(0)), Stream(Rows(last))) + Math.Max(Load(0, Rows(0)), wwin) + Stream(Rows(last));
        double compute = Math.Max(Math.Max(reader, op.G * engine + p.Tn), op.G * writer) + PipelineDepth;
        var e = target.Bytes;
        long k = op.StoredReduction, n = op.M;
        // Weights: per block, each output row's Tk-element runs, one burst of the beats a run covers each (the reader
        // sends a tile's Tn rows run after run, so consecutive requests are a row stride apart); column weights (P.V's
        // right operand) per reduction element a run of each output tile's outputs.
        bool wAligned = op.WeightRowStride % beat == 0 && (p.Tk % beat == 0 || beat % p.Tk == 0);
        double wRowBytes = op.WeightRows ? ((kT - 1) * CoveredBeats(p.Tk, beat, wAligned) + CoveredBeats(k - (kT - 1) * p.Tk, beat, wAligned)) * beat * e : (double)k * e;
        double wRowBursts = op.WeightRows ? kT : k;
        double w = (double)op.G * blocks * n * wRowBytes;
        if (op.WeightColumns)
        {
            // Per block and reduction element, each output tile's run of Tn (the last one's rest) as the beats it covers, a burst each.
            long nT = Ceil(n, p.Tn);
            double runBeats = (nT - 1) * CoveredBeats(p.Tn, beat, colAligned) + CoveredBeats(n - (nT - 1) * p.Tn, beat, colAligned);
            w = (double)op.G * blocks * k * runBeats * beat * e;
            wRowBytes = w / ((double)op.G * blocks * n);
            wRowBursts = (double)k * nT / n;
        }
        double a = op.G * (turn ? aElements : (double)m * k) * e, y = op.G * yElements * e;
        // Bursts: a dense row is contiguous; the corner turn fetches one or two beats per lane and segment.
        double aBurst = op.DenseRows ? k * e : turn ? aElements * e / aBursts : e, wBurst = wRowBytes / wRowBursts;
        double memory = MemoryTiming.Cycles(a, aBurst, bytesPerCycle) + MemoryTiming.Cycles(w, wBurst, bytesPerCycle)
            + MemoryTiming.Cycles(y, yElements * e / Math.Max(1, yBursts), bytesPerCycle);
        return new OpCost(compute, memory, 0, a + w + y);
    }

    /// <summary>A row block's corner-turn segments, and over them and the tap columns the input-row bursts and beats one channel and kernel row fetch.</summary>
    internal readonly record struct BlockTurn(long Segments, long Bursts, double Beats);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(long Pixels, long Ow, long Tm, long Segp, int S, int PadW, int Kw, int Dil, int Iw, long Alignment, long Beat), BlockTurn[]> TurnCache = new();

    /// <summary>
    /// The corner turn of each row block as the reader runs it: segments are runs of at most <paramref name="segp"/>
    /// consecutive pixels of one output row (width <paramref name="ow"/>) among the block's pixels (the first row's
    /// rest, whole rows, the last row's start); per segment and tap column, a lane fetches the beats its input span
    /// covers (clipped to the map; none when it lies in the padding) as one burst, their mean over the places the
    /// input rows start in a beat (<see cref="MeanRunBeats"/>). Cached: the explorer asks for the same shapes for
    /// every design.
    /// </summary>
    internal static BlockTurn[] BlockTurns(long pixels, long ow, long tm, long segp, in MacWork op, long beat) =>
        TurnCache.GetOrAdd((pixels, ow, tm, segp, op.S, op.PadW, op.KW, op.Dil, op.IW, Gcd(op.InputRowAlignment, beat), beat), key =>
    {
        var turns = new BlockTurn[Ceil(key.Pixels, key.Tm)];
        for (long blk = 0; blk < turns.Length; blk++)
        {
            long segments = 0, bursts = 0;
            double beats = 0;
            for (long p0 = blk * key.Tm, end = Math.Min(key.Pixels, p0 + key.Tm); p0 < end; )
            {
                long sx = p0 % key.Ow, len = Math.Min(Math.Min(key.Segp, key.Ow - sx), end - p0);
                segments++;
                for (long dx = 0; dx < key.Kw; dx++)
                {
                    long xs = sx * key.S - key.PadW + dx * key.Dil, lo = Math.Max(0, xs), hi = Math.Min(key.Iw - 1, xs + (len - 1) * key.S);
                    if (lo > hi) continue;
                    bursts++;
                    beats += MeanRunBeats(lo, hi - lo + 1, key.Alignment, key.Beat);
                }
                p0 += len;
            }
            turns[blk] = new BlockTurn(segments, bursts, beats);
        }
        return turns;
    });

    /// <summary>The closed forms of the loops in templates/gemm/body.</summary>
    public override IReadOnlyDictionary<string, long> StreamCounts(HardwarePlan plan, MacShape s, bool normalizes)
    {
        var p = (GemmPlan)plan;
        long bg = (long)s.Batch * s.Groups, pixels = (long)s.OH * s.OW;
        long blocks = Ceil(pixels, p.Tm), nt = Ceil(s.MOut, p.Tn), kt = Ceil(s.StoredReduction, p.Tk);
        var counts = new Dictionary<string, long>
        {
            ["gm_w"] = bg * blocks * nt * kt * p.Tn, ["gm_a"] = bg * nt * kt * pixels, ["gm_o"] = bg * nt * pixels,
        };
        if (p.FusesLayerNorm) counts["gm_s"] = normalizes ? bg * pixels : 0;
        return counts;
    }

    public override int OutputLanes(HardwarePlan plan) => ((GemmPlan)plan).Tn;

    /// <summary>A GEMM block is Tm output pixels in raster order: whole blocks take Tm / gcd(Tm, OW) rows, or Tm columns of a single row.</summary>
    public override int SpatialTile(HardwarePlan plan, MacShape shape, bool rows)
    {
        var tm = ((GemmPlan)plan).Tm;
        return rows ? tm / (int)Gcd(tm, shape.OW) : tm;
    }
}
