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

    /// <summary>Beats of one tap's block of weights stored per tile (WBPT).</summary>
    [JsonIgnore] public long BlockBeats { get; } = defines.First(d => d.Name == "WBPT").Value;

    /// <summary>Whether the design's lowering stores static weights per tile (<see cref="WeightTile.Pays"/>).</summary>
    [JsonIgnore] public bool TiledWeights { get; } = new WeightTile(c["Tm"], c["Tn"]).Pays(PlanBuilder.ElementsPerBeat(t.Bytes));
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

    /// <summary>Static weights stored per Tm × Tn tile, so a tile's weights stream as whole beats (see the reader).</summary>
    public override LoweringOptions LoweringFor(KernelConfig config) => Lowering with { WeightTile = new WeightTile(config["Tm"], config["Tn"]) };

    /// <summary>
    /// The reader holds two input tiles in ibuf (Tn banks, input channels innermost), each sized for the largest
    /// kernel, stride and dilation of the network, and the corner turn's register window; the compute stage two weight
    /// tiles in wbuf (a bank per MAC lane) and the Tr×Tc×Tm accumulators in acc (Tm banks). Two copies: a tile loads
    /// while the one before it computes.
    /// </summary>
    public override HardwarePlan Plan(KernelConfig config, LoweredNetwork net, Target target)
    {
        var b = Builder(config, target);
        int tm = config["Tm"], tn = config["Tn"], tr = config["Tr"], tc = config["Tc"], vu = config["vu"];
        var (k, st, d) = ConvolutionMacros(b, net);
        var ith = b.Define("ITH", (tr - 1) * st + (k - 1) * d + 1, "(Tr - 1) * SMAX + (KMAX - 1) * DMAX + 1");
        var itw = b.Define("ITW", (tc - 1) * st + (k - 1) * d + 1, "(Tc - 1) * SMAX + (KMAX - 1) * DMAX + 1");
        b.Define("WVB", Ceil(tn, b.BeatElements) + 1, "(Tn + BEAT - 1) / BEAT + 1: beats a tap's run of Tn weights covers at most");
        b.Define("WBPT", new WeightTile(tm, tn).Block(b.BeatElements) / b.BeatElements, "(Tm * Tn + BEAT - 1) / BEAT: beats of a tap's block of weights stored per tile");
        b.Define("CTW", Math.Max(2L * tm, b.BeatElements), "max(2 * Tm, BEAT): the writer's corner-turn iterations per segment of BEAT pixels");
        var wtw = ColumnWeightWindow(b, net, tn, tm);
        GatherDefines(b, net, GathersMapInput, GathersMapWeights);
        b.Define("MSLOTS", RunBeats(tm, b.BeatElements, true), "beats of a run of Tm outputs whose runs start on beats");
        b.Define("WMBEATS", Ceil(tm, b.BeatElements) + 1, "beats an unaligned run of Tm outputs covers at most");
        // Output lanes read one input vector, so an int8 design pairs them (every step; per step only the gemm engine).
        var pairs = LanePairs.Define(b, net, tm, perStep: false);
        VectorUnit.Define(b, net, vu);
        var engine = new GroupPlan(Name, Name + "_top",
        [
            MacReader(b, Name, "conv_tiled/body/read", [], ["w_tn"], ["ct_w", "ct_x"], b.Ram("ibuf", Elements.Data, tn, ith * itw, copies: 2),
                b.Registers("twin", Elements.Data, 2L * tn * 2 * b.BeatElements), b.Registers("toff", Elements.Int, 2L * tn),
                wtw),
            MacCompute(b, Name, "conv_tiled/body/compute", ["w_tn"], ["ct_w", "ct_x"], ["ct_o"],
                b.Ram("wbuf", Elements.Data, (long)tm * tn, k * k, copies: 2), b.Ram("acc", Elements.Accumulator, tm, (long)tr * tc)),
            MacWriter(b, Name, "conv_tiled/body/write", ["ct_o"], b.Registers("obuf", Elements.Data, 2L * tm * b.BeatElements)),
        ],
        [
            // A beat of weights stored per tile, or an activation operand's Tn weights of one lane.
            b.Vector("ct_w", "conv_tiled_read", "conv_tiled_compute", "ct_wvec", Elements.Data, Math.Max(tn, b.BeatElements), ChannelDepth),
            b.Vector("ct_x", "conv_tiled_read", "conv_tiled_compute", "ct_vec", Elements.Data, tn, ChannelDepth),
            b.Vector("ct_o", "conv_tiled_compute", "conv_tiled_write", "ct_ovec", Elements.Accumulator, tm, ChannelDepth),
        ]);
        var compute = Compute((long)tm * tn, LanePairs.MacsPerLane(pairs, target),
            $"Tm={tm} output channels x Tn={tn} input channels" + (pairs == 1 ? "; two output channels' int8 products per multiplier" : ""), target, net, vu);
        return new ConvTiledPlan(config, target, compute, b.Defines, Groups(engine, b, net, vu));
    }

    /// <summary>
    /// The cycles of the double-buffered loops in templates/conv_tiled/body, per output tile (row tile × column
    /// tile, th×tw pixels) and its T = ⌈M/Tm⌉·⌈N/Tn⌉ channel tiles, one flattened loop each: part k (k = 0..T) loads
    /// tile k's input
    /// (L), sends its weights (W: static weights are stored per tile, K² blocks of WBPT = ⌈Tm·Tn/BEAT⌉ whole beats,
    /// one an iteration; an activation operand's Tm·K² runs of Tn take the beats each covers) and streams tile k−1
    /// (S = K²·th·tw input vectors, at least the accumulate latency apart per accumulator): reader = max(L, W) +
    /// (T−1)·max(L, W, S) + S, where an output tile follows one of another shape its first part overlapping that
    /// one's stream; the engine max(W, S) per loop
    /// plus th·tw cycles to drain each output-channel tile; the step takes the slowest stage, plus one pipeline fill; the writer, concurrent, stores each output-channel tile's NCHW rows through its corner turn in
    /// (th·⌈tw/BEAT⌉ + 1)·max(2·Tm, BEAT) cycles (other layouts: one lane per cycle, Tm per pixel). L is the corner turn of NCHW rows, (in_h·⌈in_w/BEAT⌉ + 1)·max(2·min(Tn, N), min(BEAT, in_w)), or the beats each
    /// input pixel's Tn channels cover for channel-contiguous rows. This is Zhang's cycle count (⌈M/Tm⌉·⌈N/Tn⌉·R·C·K²) when streaming
    /// dominates, with padding waste in the unrolled channel dimensions. External traffic per (row, col, Tm) tile:
    /// ⌈N/Tn⌉ input tiles of Tn·((Tr−1)S+K)·((Tc−1)S+K) and weight tiles of Tm·Tn·K², one output tile of Tm·Tr·Tc,
    /// each stream costed at the DDR efficiency of its burst (<see cref="MemoryTiming"/>): an input tile row, an
    /// output tile's static weights (one run, stored per tile in order), an output tile row of Tc pixels × Tm channels.
    /// At batch 1 a linear layer is thus fed a beat of weights a cycle (BEAT MACs), PipeCNN's FC rate.
    /// </summary>
    public override OpCost Cost(HardwarePlan plan, in MacWork op, Target target, double bytesPerCycle)
    {
        var p = (ConvTiledPlan)plan;
        long mT = Ceil(op.M, p.Tm), nT = Ceil(op.N, p.Tn), rT = Ceil(op.R, p.Tr), cT = Ceil(op.C, p.Tc);
        long rows = Math.Min(p.Tr, op.R), cols = Math.Min(p.Tc, op.C);
        long taps = (long)op.KH * op.KW, beat = PlanBuilder.ElementsPerBeat(target.Bytes);
        long turnOut = Math.Max(2L * p.Tm, beat), lat = AccumulateLatency(target.Precision);
        var w = op;
        // Iterations a pixel's (a tap's) run of a channel tile's channels takes: the beats it covers, one request each
        // (the template fetches exactly those); their mean over the places the runs start in a beat.
        bool dense = !op.RowMajorInput && op.InputChannelStride == 1;
        double Beats(bool on, long alignment, long nt) => !on ? 1 : MeanRunBeats(nt * p.Tn, Math.Min(p.Tn, w.N - nt * p.Tn), alignment, beat);
        // A tile's weight vectors: Tm·K² runs, the rows past the last output channel one iteration each (zeros). Static
        // weights are stored per tile (the design's lowering, LoweringFor): K² blocks of WBPT whole beats, one an iteration.
        long lastRows = op.M - (mT - 1) * p.Tm, wbpt = p.BlockBeats;
        bool tiled = op.StaticWeights && p.TiledWeights;
        long wEngine = tiled ? taps * wbpt : taps * p.Tm;
        // Column weights (P·V's V) turn the corner: the tile's Tn runs of Tm outputs in (their beats, one an iteration), then its Tm vectors out.
        bool colAligned = op.WeightColumnAlignment % beat == 0;
        double Weights(long nt, bool lastMt) => tiled ? wEngine : w.WeightColumns ? p.Tn * RunBeats(p.Tm, beat, colAligned) + p.Tm
            : taps * ((lastMt ? lastRows : p.Tm) * Beats(w.WeightChannelsInnermost, w.WeightRunAlignment, nt) + (lastMt ? p.Tm - lastRows : 0));
        // Per output tile of th×tw pixels: its channel tiles' load (L), weights (W), stream (S) and drain cycles.
        // The engine gives a tap's pixels at least the adder latency (idle iterations); the reader sends only the pixels.
        (double L, double S, double SEngine, double Drain, double Write) Parts(long th, long tw, double pixelBeats)
        {
            long inH = (th - 1) * w.S + (w.KH - 1) * w.Dil + 1, inW = (tw - 1) * w.S + (w.KW - 1) * w.Dil + 1;
            long turn = CornerTurnIterations(p.Tn, w.N, inW, beat);
            double load = w.RowMajorInput ? (inH * Ceil(inW, beat) + 1) * turn : inH * inW * pixelBeats;
            double write = w.RowMajorOutput ? (th * Ceil(tw, beat) + 1) * turnOut : th * tw * p.Tm;
            return (load, taps * th * tw, taps * Math.Max(th * tw, lat), th * tw, write);
        }
        // Output tiles come in at most four shapes: full, or cut at the last row and/or column tile.
        long lastH = op.R - (rT - 1) * p.Tr, lastW = op.C - (cT - 1) * p.Tc;
        (long Count, long H, long W)[] shapes = [((rT - 1) * (cT - 1), rows, cols), (rT - 1, rows, lastW), (cT - 1, lastH, cols), (1, lastH, lastW)];
        var channelTiles = ChannelTileClasses(nT, p.Tn, beat);
        // Per channel-tile class, what the tile shapes do not change: a pixel's beats and the weight iterations.
        var pixelBeats = new double[channelTiles.Length];
        var (wFull, wLast) = (new double[channelTiles.Length], new double[channelTiles.Length]);
        for (var i = 0; i < channelTiles.Length; i++)
        {
            long nt = channelTiles[i].Nt;
            (pixelBeats[i], wFull[i], wLast[i]) = (Beats(dense, w.InputPixelAlignment, nt), Weights(nt, false), Weights(nt, true));
        }
        double reader = 0, engine = 0, writer = 0;
        foreach (var (count, th, tw) in shapes)
        {
            if (count == 0) continue;
            double n = (double)op.G * count;
            for (var i = 0; i < channelTiles.Length; i++)
            {
                var times = channelTiles[i].Times;
                var (l, st, se, _, _) = Parts(th, tw, pixelBeats[i]);
                reader += n * times * ((mT - 1) * Math.Max(Math.Max(l, wFull[i]), st) + Math.Max(Math.Max(l, wLast[i]), st));
                engine += n * times * mT * Math.Max(wEngine, se);
            }
            var (_, _, _, drain, write) = Parts(th, tw, pixelBeats[0]);
            engine += n * mT * drain;
            // Before its rows the writer loads the tile's Tm biases (and LayerNorm pairs), one an iteration
            // (common/body/tile_params).
            writer += n * mT * (write + p.Tm * ((op.HasBias ? 1.0 : 0) + (op.Normalizes ? 2.0 : 0)));
        }
        // The one loop over all tiles starts with a load and ends with a stream: the first tile streams nothing
        // while it loads, the last loads nothing while it streams.
        var (l0, s0, _, _, _) = Parts(rows, cols, pixelBeats[0]);
        double w0 = mT == 1 ? wLast[0] : wFull[0];
        var (_, sLast, seLast, _, _) = Parts(lastH, lastW, pixelBeats[^1]);
        reader += Math.Max(l0, w0) - Math.Max(Math.Max(l0, w0), s0) + sLast;
        // Part k loads tile k while tile k − 1 streams: where an output tile follows one of another shape (the last
        // column tile; a new row of tiles; the next group's first), its first part overlaps the other's last stream,
        // not its own (charged above).
        double Follow(long th, long tw, long prevH, long prevW, double times)
        {
            var (l, st, _, _, _) = Parts(th, tw, pixelBeats[0]);
            return times * (Math.Max(Math.Max(l, w0), taps * prevH * prevW) - Math.Max(Math.Max(l, w0), st));
        }
        if (cT > 1) reader += op.G * ((rT - 1) * Follow(rows, lastW, rows, cols, 1) + Follow(lastH, lastW, lastH, cols, 1));
        if (rT > 2) reader += op.G * Follow(rows, cols, rows, lastW, rT - 2);
        if (rT > 1) reader += op.G * Follow(lastH, cols, rows, lastW, 1);
        reader += Follow(rows, cols, lastH, lastW, op.G - 1);
        engine += wEngine - Math.Max(wEngine, seLast) + seLast;
        double compute = Math.Max(Math.Max(reader, engine), writer) + PipelineDepth;
        var e = target.Bytes;
        // Traffic as the code moves it, whole beats, and its bursts (runs of contiguous requests), per output tile and
        // output-channel tile, over the channel tiles: NCHW rows through the corner turn (a channel row's segment of
        // BEAT pixels, the one or two beats it covers, a burst each), channel-contiguous pixels (a pixel's run of Tn
        // channels; a one-pixel tile, a linear layer, reads its channel tiles back to back), or one element a lane;
        // each tap's run of Tn weights the beats it covers, a burst each; NCHW outputs a channel row's segment of
        // BEAT pixels, the beats it covers, a burst each.
        // A channel row of an input tile through the corner turn: segments of BEAT pixels from the tile's first input
        // column (clipped to the map), each the beats it covers, a burst; rows start where their strides put them
        // (interior column tiles also move by Tc·S). Input and output follow the tile shapes (a last row or column
        // tile holds only what is left: a linear layer's last tile of tokens may be one token).
        long rowAlign = cT > 1 ? Gcd(op.InputRowAlignment, p.Tc * op.S) : op.InputRowAlignment;
        var outAlign = Gcd(Gcd(op.OutputChannelStride, op.C), cT > 1 ? p.Tc : 0);
        double mRows = (double)op.M / mT; // output channels per output-channel tile, on average
        double inBeats = 0, inBursts = 0, inElements = 0, outUnits = 0, outBursts = 0;
        double? onePixel = null; // the beats of a one-pixel tile's whole input run, when a shape has one
        double OnePixelBeats() => onePixel ??= MeanRunBeats(0, w.N, w.InputPixelAlignment, beat);
        foreach (var (count, th, tw) in shapes)
        {
            if (count == 0) continue;
            double n = (double)op.G * count * mT;
            long inH = (th - 1) * op.S + (op.KH - 1) * op.Dil + 1, inW = (tw - 1) * op.S + (op.KW - 1) * op.Dil + 1;
            var inRow = Segments(-op.PadW, inW, op.IW, rowAlign, beat);
            for (var i = 0; i < channelTiles.Length; i++)
            {
                var (nt, times) = channelTiles[i];
                long cnt = Math.Min(p.Tn, op.N - nt * p.Tn);
                if (op.RowMajorInput)
                {
                    inBeats += n * times * cnt * inH * inRow.Beats;
                    inBursts += n * times * cnt * inH * inRow.Bursts;
                }
                else if (dense && inH * inW == 1)
                {
                    // One pixel (a linear layer): its channel tiles read the input's run back to back, a beat the one
                    // before read not again (the reader keeps its last beat), one burst a pass.
                    inBeats += n * times * OnePixelBeats() / nT;
                    inBursts += n * times / nT;
                }
                else if (dense)
                {
                    inBeats += n * times * inH * inW * pixelBeats[i];
                    inBursts += n * times * inH * inW;
                }
                else inElements += n * times * cnt * inH * inW;
            }
            // NCHW outputs a channel row's segment of BEAT pixels, the beats it covers, a burst each; else an element a
            // lane, so a pixel's run of the tile's channels is one burst when they are consecutive (token-major rows).
            var outRow = Segments(0, tw, op.C, outAlign, beat);
            outUnits += n * mRows * th * (op.RowMajorOutput ? outRow.Beats * beat : tw);
            outBursts += n * th * (op.RowMajorOutput ? mRows * outRow.Bursts : op.OutputChannelStride == 1 ? tw : mRows * tw);
        }
        double wBeats = 0, wBursts = 0;
        // Weights stored per tile: an output tile's are the group's whole section in order, one run of contiguous beats.
        if (tiled) (wBeats, wBursts) = ((double)nT * taps * wbpt, 1.0 / mT);
        else foreach (var (nt, times) in channelTiles)
        {
            long cnt = Math.Min(p.Tn, op.N - nt * p.Tn);
            if (op.WeightColumns)
            {
                // The channel tile's runs of each output-channel tile's outputs, on average over those tiles.
                wBeats += times * cnt * TiledRunBeats(op.M, p.Tm, op.WeightColumnAlignment, beat) / mT;
                wBursts += times * cnt;
                continue;
            }
            wBeats += times * mRows * taps * (op.WeightChannelsInnermost ? Beats(true, op.WeightRunAlignment, nt) : (double)cnt / beat);
            wBursts += times * mRows * taps * (op.WeightChannelsInnermost ? 1 : cnt);
        }
        double outTiles = (double)op.G * rT * cT * mT;
        double inBytes = (inBeats * beat + inElements) * e, wBytes = outTiles * wBeats * beat * e;
        double inBurstBytes = inBytes / Math.Max(1, inBursts + inElements);
        double outBytes = outUnits * e;
        double memory = MemoryTiming.Cycles(inBytes, inBurstBytes, bytesPerCycle) + MemoryTiming.Cycles(wBytes, wBytes / Math.Max(1, outTiles * wBursts), bytesPerCycle)
            + MemoryTiming.Cycles(outBytes, outBytes / Math.Max(1, outBursts), bytesPerCycle);
        // No separate fill: the first tile's load is loop k = 0 of the double-buffered loops, inside compute.
        return new OpCost(compute, memory, 0, inBytes + wBytes + outBytes);
    }

    /// <summary>
    /// A row's run of <paramref name="span"/> elements from <paramref name="x0"/> in segments of BEAT, clipped to
    /// [0, <paramref name="width"/>): the beats the segments cover (mean over the places the row starts in a beat, a
    /// multiple of <paramref name="alignment"/>) and how many segments hold any element (one burst each).
    /// </summary>
    private static (double Beats, long Bursts) Segments(long x0, long span, long width, long alignment, long beat)
    {
        double beats = 0;
        long bursts = 0;
        for (long xs = x0; xs < x0 + span; xs += beat)
        {
            long lo = Math.Max(0, xs), hi = Math.Min(Math.Min(width, xs + beat), x0 + span) - 1;
            if (lo > hi) continue;
            beats += MeanRunBeats(lo, hi - lo + 1, alignment, beat);
            bursts++;
        }
        return (beats, bursts);
    }

    /// <summary>
    /// The channel tiles grouped by where their runs start in a beat (nt·Tn mod BEAT repeats every BEAT / gcd(Tn, BEAT)
    /// tiles): one representative tile of each class of full tiles with how many it stands for, and the last tile
    /// (possibly partial) on its own. The models' per-tile sums then cost at most BEAT terms, not ⌈N/Tn⌉.
    /// </summary>
    private static (long Nt, long Times)[] ChannelTileClasses(long nT, long tn, long beat)
    {
        long period = beat / Gcd(tn, beat), full = nT - 1;
        var classes = new List<(long, long)>();
        for (long r = 0; r < Math.Min(period, full); r++) classes.Add((r, (full - r + period - 1) / period));
        classes.Add((nT - 1, 1));
        return [.. classes];
    }

    /// <summary>The closed forms of the loops in templates/conv_tiled/body.</summary>
    public override IReadOnlyDictionary<string, long> StreamCounts(HardwarePlan plan, MacShape s, bool normalizes)
    {
        var p = (ConvTiledPlan)plan;
        long bg = (long)s.Batch * s.Groups, taps = (long)s.KH * s.KW, pixels = (long)s.OH * s.OW;
        long tiles = Ceil(s.OH, p.Tr) * Ceil(s.OW, p.Tc), mt = Ceil(s.MOut, p.Tm), nt = Ceil(s.NIn, p.Tn);
        // A tile's weights: a beat an iteration when stored per tile, else a lane's Tn a tap.
        long weights = s.WeightTile is null ? p.Tm * taps : taps * p.BlockBeats;
        return new Dictionary<string, long> { ["ct_w"] = bg * tiles * mt * nt * weights, ["ct_x"] = bg * mt * nt * taps * pixels, ["ct_o"] = bg * mt * pixels };
    }

    public override int OutputLanes(HardwarePlan plan) => ((ConvTiledPlan)plan).Tm;
    public override int SpatialTile(HardwarePlan plan, MacShape shape, bool rows) => rows ? ((ConvTiledPlan)plan).Tr : ((ConvTiledPlan)plan).Tc;
}
