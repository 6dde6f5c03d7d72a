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

    /// <summary>Channel words (simd channels each) of one input-channel block: what pbuf and wcache hold.</summary>
    [JsonIgnore] public long ChannelWordsPerBlock { get; } = defines.First(d => d.Name == "CWB").Value;

    /// <summary>Beats of one channel word's tap block of weights stored per tile (WBPT: rows × simd weights).</summary>
    [JsonIgnore] public long BlockBeats { get; } = defines.First(d => d.Name == "WBPT").Value;

    /// <summary>Whether the design's lowering stores static weights per tile (<see cref="WeightTile.Pays"/>).</summary>
    [JsonIgnore] public bool TiledWeights { get; } = new WeightTile(c["rows"], c["simd"]).Pays(PlanBuilder.ElementsPerBeat(t.Bytes));
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

    /// <summary>The array takes a pixel's simd channels per PE column and cycle: maps stored channels innermost make
    /// each pixel's block of channels one run of beats (the DPU keeps feature maps so too, PG338).</summary>
    public override LoweringOptions Lowering => new(FuseLayerNorm: false, ChannelsInnermost: true);

    /// <summary>Static weights stored per rows × simd tile, so a unit's weights load as whole beats (see the reader).</summary>
    public override LoweringOptions LoweringFor(KernelConfig config) => Lowering with { WeightTile = new WeightTile(config["rows"], config["simd"]) };

    /// <summary>
    /// The reader holds two blocks (double buffered) of at most CWB channel words (simd channels each) of a tile's input
    /// patch in pbuf (a copy per PE column) and two sets of a block's weights of the tile's output channels in wcache
    /// (a bank per PE row and lane); CWB covers the widest real
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
        b.Define("WVB", Ceil(simd, b.BeatElements) + 1, "(simd + BEAT - 1) / BEAT + 1: beats a tap's run of simd weights covers at most");
        b.Define("VSLOTS", Ceil(simd, b.BeatElements), "(simd + BEAT - 1) / BEAT: beats of a channel word that starts on a multiple of min(simd, BEAT)");
        b.Define("WBPT", new WeightTile(rows, simd).Block(b.BeatElements) / b.BeatElements, "(rows * simd + BEAT - 1) / BEAT: beats of a channel word's tap block of weights stored per tile");
        b.Define("LAG", rows + cols - 2L, "rows + cols - 2: cycles from an item entering PE (0, 0) to its reaching PE (rows - 1, cols - 1)");
        b.Define("CTW", Math.Max(2L * rows, b.BeatElements), "max(2 * rows, BEAT): the writer's corner-turn iterations per segment of BEAT pixels");
        // pbuf holds one block of one step's patch, laid out with that step's own patch rows and columns (the reader
        // indexes it with patch_h × patch_w): sized for the largest such block over the steps, not for the largest
        // kernel × largest stride × all channels, which no single step has (ResNet-50: the 7×7/2 stem has 3 channels).
        // A beat holds PQ channel words (simd below a beat): the reader's wide loads write a beat's words at once, so
        // pbuf gives the words w % PQ banks of their own.
        var pq = b.Define("PQ", Math.Max(1, b.BeatElements / simd), "max(1, BEAT / simd): channel words of one beat, in banks of their own");
        var pbufDepth = b.Define("PBUFD", Math.Max(1, net.MacSteps.Max(m => (long?)PatchWords(m.Shape, simd, cwb, tileH, cols, pq)) ?? 1),
            "max over steps of ceil(min(CWB, words) / PQ) * ((tile_h - 1) * stride + (kh - 1) * dil + 1) * ((cols - 1) * stride + (kw - 1) * dil + 1)");
        var prep = b.Define("PREP", Ceil(cols, 2), "(cols + 1) / 2: replicas of the patch in pbuf, each read by two PE columns");
        var wtw = ColumnWeightWindow(b, net, simd, rows);
        GatherDefines(b, net, GathersMapInput, GathersMapWeights);
        b.Define("RSLOTS", RunBeats(rows, b.BeatElements, true), "beats of a run of rows outputs whose runs start on beats");
        b.Define("WRBEATS", Ceil(rows, b.BeatElements) + 1, "beats an unaligned run of rows outputs covers at most");
        VectorUnit.Define(b, net, vu);
        var engine = new GroupPlan(Name, Name + "_top",
        [
            MacReader(b, Name, "conv_systolic/body/read", [], ["w_tn"], ["cs_x", "cs_w"],
                // Banks: the array reads cols pixel words and rows weight words of simd values every cycle, where
                // simd banks would serve cols or rows reads a cycle. pbuf keeps PREP = ceil(cols / 2) replicas of the
                // patch, each read by two PE columns, with the loaded and the streamed copy and the PQ words of a
                // beat in separate banks (2 x PREP x PQ x simd): a bank serves two reads or the loader's write a
                // cycle (ScheduleProbes.BankPorts).
                // wcache has a bank per PE row and lane (rows x simd, the row innermost): one read and one write.
                b.Ram("pbuf", Elements.Data, 2L * prep * pq * simd, pbufDepth), b.Ram("wcache", Elements.Data, (long)rows * simd, cwb * k * k, copies: 2),
                b.Registers("twin", Elements.Data, 2L * simd * 2 * b.BeatElements), b.Registers("toff", Elements.Int, 2L * simd),
                wtw),
            MacCompute(b, Name, "conv_systolic/body/compute", ["cs_x", "cs_w"], ["cs_o"],
                // Two copies of the tile's sums, in banks of their own: one accumulates while the other drains.
                b.Ram("acc", Elements.Accumulator, 2L * rows * cols, tileH),
                // The PEs' operand registers and tags, the skew delay lines (column c's c inputs, row r's r weight
                // vectors) and the drain chain.
                b.Registers("xr", Elements.Data, (long)rows * cols * simd), b.Registers("wr", Elements.Data, (long)rows * cols * simd),
                b.Registers("tr", Elements.Int, (long)rows * cols), b.Registers("xs", Elements.Data, Triangle(cols) * simd),
                b.Registers("xt", Elements.Int, Triangle(cols)), b.Registers("ws", Elements.Data, Triangle(rows) * simd),
                b.Registers("dreg", Elements.Accumulator, (long)rows * cols)),
            MacWriter(b, Name, "conv_systolic/body/write", ["cs_o"], b.Registers("obuf", Elements.Data, 2L * rows * b.BeatElements)),
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
    /// The cycles of the loops in templates/conv_systolic/body. A unit is one input-channel block (nwc ≤ CWB words of
    /// simd channels) of one tile (tile_h output rows × cols columns × rows output channels); one loop over the step's
    /// units: unit k loads its patch (L: the corner turn, (nwc·patch_h·⌈patch_w/BEAT⌉ + 1)·max(2·min(simd, N), min(BEAT, patch_w)), or one
    /// iteration per patch pixel for channel-contiguous rows, the beats of a pixel's run of the block's channels for
    /// H×W×C maps) and, when they change, its weights (rows·nwc·K²), while unit k−1 streams (S = nwc·K²·hc; the
    /// array gives each output row at least the adder latency): reader = Σ max(L_k, W_k, S_k−1) with the first unit's
    /// max(L, W) and the last unit's S; the array Σ S plus, per tile, what of its drain (rows + cols − 2 cycles for
    /// the skewed last item to reach the far PE, then hc·cols through the PE rows' chains, from the other copy of
    /// acc) the next tile's first block does not hide; the writer stores each tile's NCHW rows through its corner
    /// turn in (hc·⌈cols/BEAT⌉ + 1)·max(2·rows, BEAT) cycles (H×W×C: a pixel's run of rows channels in the beats it
    /// covers; other layouts: rows per pixel). The step takes the slowest, plus one pipeline fill. G·⌈M/rows⌉·⌈C/cols⌉·R·
    /// ⌈N/simd⌉·K² when streaming dominates, with padding waste whenever M, C or N do not divide the array.
    /// Traffic follows the reuse the reader gives:
    /// - inputs: a tile's input patch (tile_h × cols outputs, with the K−S halo) is loaded once per output-channel tile
    ///   and shared by all PE rows: G·⌈M/rows⌉·⌈R/tile_h⌉·⌈C/cols⌉·N·patch_h·patch_w;
    /// - weights: when the layer's input channels fit one block (⌈N/simd⌉ ≤ CWB, every convolution with K &gt; 1 by
    ///   construction of CWB) the block's weights stay in wcache across all the spatial tiles of an output-channel
    ///   tile, so each weight is read once, G·M·N·K²; a longer reduction (1×1 products) reloads them per tile;
    /// - outputs once.
    /// Each stream is costed at the DDR efficiency of its burst length (<see cref="MemoryTiming"/>): a patch row of
    /// patch_w pixels (channel-contiguous pixels: a pixel's channel word, the beats it covers), a weight row of N·K²
    /// values per output channel (contiguous, channels innermost; reloaded per unit, a tap's run of the block's
    /// channels; column weights, a channel's run of the tile's outputs), an output row of cols pixels.
    /// </summary>
    public override OpCost Cost(HardwarePlan plan, in MacWork op, Target target, double bytesPerCycle)
    {
        var p = (ConvSystolicPlan)plan;
        long mT = Ceil(op.M, p.Rows), wT = Ceil(op.C, p.Cols), nT = Ceil(op.N, p.Simd), hT = Ceil(op.R, p.TileH);
        long cwb = p.ChannelWordsPerBlock, blocks = Ceil(nT, cwb), taps = (long)op.KH * op.KW;
        long beat = PlanBuilder.ElementsPerBeat(target.Bytes), lat = AccumulateLatency(target.Precision);
        // A strided 1×1 convolution on a map the reader takes pixel by pixel loads only the pixels it uses (the
        // template's sub): its patch is hc × cols pixels, stride apart in the input.
        bool sub = !op.RowMajorInput && op.KH == 1 && op.KW == 1 && op.S > 1;
        long ist = sub ? 1 : op.S;
        long patchW = (p.Cols - 1L) * ist + (op.KW - 1L) * op.Dil + 1;
        long turnIn = CornerTurnIterations(p.Simd, op.N, patchW, beat), turnOut = Math.Max(2L * p.Rows, beat);
        bool weightsStay = blocks == 1;
        // A channel word's weights: rows·K² words, or for column weights (P·V's V) its simd runs of rows outputs'
        // beats through the corner turn, then the rows words.
        bool colAligned = op.WeightColumnAlignment % beat == 0;
        // A channel word's beats take an iteration each (the templates' VSLOTS, or WVB when words may straddle one more).
        long aq = Math.Min(p.Simd, beat), vslots = Ceil(p.Simd, beat), pq = Math.Max(1, beat / p.Simd);
        bool dense = !op.RowMajorInput && op.InputChannelStride == 1, xAligned = op.InputPixelAlignment % aq == 0;
        long xslots = dense ? (xAligned ? vslots : vslots + 1) : 1;
        // Wide loads (channels innermost, pixels on multiples of simd, PQ > 1 words a beat): a pixel's run of the
        // block's channels in the beats it covers, one more when runs may start inside a beat.
        bool wide = dense && pq > 1 && xAligned;
        bool beatAligned = op.InputPixelAlignment % beat == 0 && cwb * p.Simd % beat == 0;
        long wslots = op.WeightChannelsInnermost ? (op.WeightRunAlignment % aq == 0 ? vslots : vslots + 1) : 1;
        // Static weights are stored per tile (the design's lowering, LoweringFor): a word's taps are blocks of WBPT beats.
        bool tiled = op.StaticWeights && p.TiledWeights;
        long wordWeights = tiled ? taps * p.BlockBeats
            : op.WeightColumns ? p.Simd * RunBeats(p.Rows, beat, colAligned) + p.Rows : (long)p.Rows * taps * wslots;
        var w = op;
        // The array gives an output row's accumulators at least the adder latency (idle iterations); the reader
        // sends only the hc rows.
        UnitCycles Unit(long hc, long nwc, long channels)
        {
            long patchH = (hc - 1) * ist + (w.KH - 1) * w.Dil + 1;
            double load = w.RowMajorInput ? (nwc * patchH * Ceil(patchW, beat) + 1) * turnIn
                : wide ? patchH * patchW * (Ceil(channels, beat) + (beatAligned ? 0 : 1)) : nwc * patchH * patchW * xslots;
            return new(load, nwc * (double)wordWeights, nwc * taps * hc, nwc * taps * Math.Max(hc, lat));
        }
        long lastH = op.R - (hT - 1) * p.TileH, lastWords = nT - (blocks - 1) * cwb;
        long fullChannels = cwb * p.Simd, lastChannels = op.N - (blocks - 1) * fullChannels;
        (long Count, long H, long Words, long Channels)[] units = [((hT - 1) * (blocks - 1), p.TileH, cwb, fullChannels),
            (hT - 1, p.TileH, lastWords, lastChannels), (blocks - 1, lastH, cwb, fullChannels), (1, lastH, lastWords, lastChannels)];
        double engine = 0;
        foreach (var (count, hc, nwc, channels) in units) engine += (double)op.G * mT * wT * count * Unit(hc, nwc, channels).SArray;
        // A finished tile drains during the next unit (the next tile's first block): rows + cols − 2 cycles for its
        // last item to cross the array, then hc·cols cycles, which that unit's items hide up to their own count.
        // Tiles follow one another row tile by row tile (the last one lastH high), then column tile by column tile.
        long lag = p.Rows + p.Cols - 2L;
        double Drain(long hc) => lag + (double)hc * p.Cols;
        double FirstBlock(long hc) => (blocks > 1 ? cwb : nT) * taps * (double)Math.Max(hc, lat);
        double Hidden(long hc, long next) => Math.Max(0, Drain(hc) - FirstBlock(next));
        long startH = hT > 1 ? p.TileH : lastH;
        double perCycle = Math.Max(0, hT - 2) * Hidden(p.TileH, p.TileH) + (hT > 1 ? Hidden(p.TileH, lastH) : 0) + Hidden(lastH, startH);
        engine += (double)op.G * mT * wT * perCycle - Hidden(lastH, startH) + Drain(lastH);
        // The reader's iteration k loads unit k while unit k − 1 streams: max(L_k, W_k, S_k−1). A spatial tile's
        // blocks follow one another, then the next tile row's, then the next column tile's (a cycle of hT × blocks
        // units per output-channel and column tile): so a tile's first block pairs with the previous tile's last.
        var full = (Tall: Unit(p.TileH, cwb, fullChannels), Last: Unit(lastH, cwb, fullChannels));
        var rest = (Tall: Unit(p.TileH, lastWords, lastChannels), Last: Unit(lastH, lastWords, lastChannels));
        var first = blocks > 1 ? full : rest; // a tile's first block
        static double Pair(UnitCycles load, UnitCycles streamed, bool fresh) =>
            Math.Max(Math.Max(load.L, fresh ? load.W : 0), streamed.S);
        // Pairs inside a tile (blocks > 1: weights reloaded every unit), then between tile rows, within one cycle.
        double Inner(UnitCycles f, UnitCycles r) =>
            blocks > 1 ? (blocks - 2) * Pair(f, f, true) + Pair(r, f, true) : 0;
        double cycle = (hT - 1) * Inner(full.Tall, rest.Tall) + Inner(full.Last, rest.Last)
            + Math.Max(0, hT - 2) * Pair(first.Tall, rest.Tall, !weightsStay) + (hT > 1 ? Pair(first.Last, rest.Tall, !weightsStay) : 0);
        // A cycle's first unit pairs with the previous cycle's last; its weights are fresh unless they stay (then only
        // for the first column tile of an output-channel tile).
        var start = hT > 1 ? first.Tall : first.Last;
        double reader = (double)op.G * mT * wT * cycle + (double)op.G * mT * Pair(start, rest.Last, true)
            + (double)op.G * mT * (wT - 1) * Pair(start, rest.Last, !weightsStay);
        // The very first unit has nothing streaming beside it; the last unit streams alone.
        reader += Math.Max(start.L, start.W) - Pair(start, rest.Last, true) + rest.Last.S;
        // Per tile the writer first loads the tile's biases (and LayerNorm pairs), one an iteration. Outputs stored
        // channels innermost take a pixel's run of rows channels in the beats it covers (RSLOTS or WRBEATS).
        bool denseOut = !op.RowMajorOutput && op.OutputChannelStride == 1;
        long oslots = op.OutputPixelAlignment % Math.Min(p.Rows, beat) == 0 ? RunBeats(p.Rows, beat, true) : Ceil(p.Rows, beat) + 1;
        double writer = (double)op.G * mT * wT * ((w.RowMajorOutput ? (op.R * Ceil(p.Cols, beat) + hT) * turnOut
                : (double)op.R * p.Cols * (denseOut ? oslots : p.Rows))
            + hT * p.Rows * ((op.HasBias ? 1.0 : 0) + (op.Normalizes ? 2.0 : 0)));
        double compute = Math.Max(Math.Max(reader, engine), writer) + PipelineDepth;
        var e = target.Bytes;
        long h = Math.Min(p.TileH, op.R), cw = Math.Min(p.Cols, op.C), rows = Math.Min(p.Rows, op.M);
        long patchH0 = (h - 1) * ist + op.KH, patchW0 = (cw - 1) * ist + op.KW;
        double inTile = (double)op.N * patchH0 * patchW0 * e;
        double wTile = (double)rows * op.N * op.KH * op.KW * e;
        double inputs = (double)op.G * mT * hT * wT * inTile, inBurst = (double)patchW0 * e;
        if (op.RowMajorInput)
        {
            // C×H×W rows through the corner turn: each channel's patch row, segment by segment of BEAT pixels, as
            // the beats it covers (rows start on multiples of the row alignment, tiles cols·stride pixels apart).
            long align = EngineTiming.Gcd(op.InputRowAlignment, (long)p.Cols * op.S);
            double rowBeats = 0;
            for (long x = 0; x < patchW0; x += beat)
                rowBeats += MeanRunBeats(((x - op.PadW) % beat + beat) % beat, Math.Min(beat, patchW0 - x), align, beat);
            inputs = (double)op.G * mT * hT * wT * op.N * patchH0 * rowBeats * beat * e;
            inBurst = rowBeats * beat * e;
        }
        else if (wide)
        {
            // Each pixel's run of a block's channels, the beats it covers, a burst (the blocks are loaded by units of
            // their own); with one block and pixels back to back (x_x = N) a patch row's runs are consecutive, one burst.
            double beats = TiledRunBeats(op.N, fullChannels, op.InputPixelAlignment, beat);
            double pixels = (double)op.G * mT * hT * wT * patchH0 * patchW0;
            inputs = pixels * beats * beat * e;
            inBurst = beats / blocks * beat * e * (blocks == 1 && op.InputRowStride == op.N && !sub ? patchW0 : 1);
        }
        else if (dense)
        {
            // Channel-contiguous pixels (a product's rows): each pixel's channel word, the beats it covers, a burst.
            double beats = TiledRunBeats(op.N, p.Simd, op.InputPixelAlignment, beat);
            double pixels = (double)op.G * mT * hT * wT * patchH0 * patchW0;
            inputs = pixels * beats * beat * e;
            inBurst = inputs / (pixels * nT);
        }
        double weights = weightsStay ? (double)op.G * op.M * op.N * op.KH * op.KW * e : (double)op.G * mT * hT * wT * wTile;
        double outputs = (double)op.G * op.M * op.R * op.C * e, outBurst = (double)cw * e;
        if (denseOut)
        {
            // Each pixel's run of a tile's output channels is stored as the beats it covers (whole beats, byte
            // enables); when those are all the pixel's beats (a pixel of one beat, C = BEAT), a tile row's pixels
            // follow one another: one burst of cols pixels.
            double beats = TiledRunBeats(op.M, p.Rows, op.OutputPixelAlignment, beat), perPixel = beats / mT;
            bool wholePixels = perPixel == Math.Floor(perPixel) && op.OutputRowStride == (long)perPixel * beat;
            outputs = (double)op.G * op.R * op.C * beats * beat * e;
            outBurst = perPixel * beat * e * (wholePixels ? cw : 1);
        }
        double wBurst = (double)op.N * op.KH * op.KW * e;
        if (tiled)
        {
            // Stored per tile, in the order the reader loads them: an output-channel tile's blocks once when they stay
            // (the step's weights one run of beats), else a unit's words' blocks, all of them again per spatial tile.
            double tile = (double)nT * taps * p.BlockBeats * beat * e;
            weights = (double)op.G * mT * tile * (weightsStay ? 1 : hT * wT);
            wBurst = weightsStay ? weights / op.G : tile;
        }
        else if (!weightsStay && !op.WeightColumns)
        {
            // Reloaded per unit: each real PE row's tap run of the block's channels, the beats it covers, a burst.
            double beats = TiledRunBeats(op.N, cwb * p.Simd, op.WeightRunAlignment, beat);
            double runs = (double)op.G * hT * wT * op.M * taps;
            weights = runs * beats * beat * e;
            wBurst = weights / (runs * blocks);
        }
        if (op.WeightColumns)
        {
            // Per output-channel tile load: each input channel's run of the tile's outputs, the beats it covers, a burst.
            double beats = TiledRunBeats(op.M, p.Rows, op.WeightColumnAlignment, beat);
            double loads = (double)op.G * (weightsStay ? 1 : hT * wT);
            weights = loads * op.N * beats * beat * e;
            wBurst = weights / (loads * op.N * mT);
        }
        double memory = MemoryTiming.Cycles(inputs, inBurst, bytesPerCycle)
            + MemoryTiming.Cycles(weights, wBurst, bytesPerCycle)
            + MemoryTiming.Cycles(outputs, outBurst, bytesPerCycle);
        // No separate fill: the first unit's load is part of the loop (inside compute).
        return new OpCost(compute, memory, 0, inputs + weights + outputs);
    }

    /// <summary>One unit's reader iterations: loading its patch (L) and weights (W), streaming it (S); and the array's (SArray, at least the adder latency per output row).</summary>
    private readonly record struct UnitCycles(double L, double W, double S, double SArray);

    /// <summary>Registers of the n delay lines 0..n−1 of a skewed feed (line i holds i items).</summary>
    private static long Triangle(long n) => Math.Max(1, n * (n - 1) / 2);

    /// <summary>Channel words (in groups of PQ, one per bank) × patch rows × patch columns of one input-channel block of a step (what the reader puts in a bank of pbuf).</summary>
    private static long PatchWords(MacShape s, int simd, long cwb, int tileH, int cols, long pq) =>
        Ceil(Math.Min(cwb, Ceil(s.NIn, simd)), pq) * ((Math.Min(tileH, s.OH) - 1L) * s.Stride + (s.KH - 1L) * s.Dil + 1)
            * ((cols - 1L) * s.Stride + (s.KW - 1L) * s.Dil + 1);

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
    public override int SpatialTile(HardwarePlan plan, MacShape shape, bool rows) => rows ? ((ConvSystolicPlan)plan).TileH : 1;
}
