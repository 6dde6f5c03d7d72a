using FpgaGen.Kernels.Lowering;

namespace FpgaGen.Kernels.Kinds;

/// <summary>Cycles of one step: compute and memory overlap (the stages run concurrently); the fill of the first tile does not.</summary>
public readonly record struct OpCost(double Compute, double Memory, double Fill, double Bytes)
{
    public double Cycles => Math.Max(Compute, Memory) + Fill;
    public bool MemoryBound => Memory > Compute;
}

/// <summary>
/// A MAC step flattened for the cycle models' hot loop: G = batch × groups independent products, each M output
/// channels × R×C outputs from IH×IW inputs, reducing N input channels × KH×KW taps at stride S. A matrix product is
/// the 1×1 case with R = 1 and C = rows.
/// </summary>
public readonly struct MacWork
{
    public MacWork(MacStep step)
    {
        var s = step.Shape;
        G = (long)s.Batch * s.Groups;
        (M, N, R, C, IH, IW, KH, KW, S) = (s.MOut, s.NIn, s.OH, s.OW, s.IH, s.IW, s.KH, s.KW, s.Stride);
        Normalizes = step.Normalizes;
        Narrow = step.Narrow;
        Dil = s.Dil;
        PadW = s.PadW;
        // Every input row of a map starts on a multiple of this many elements (tensors start on 64-element boundaries).
        InputRowAlignment = new[] { step.XAddr.Off, step.XAddr.B, step.XAddr.G, step.XAddr.C, step.XAddr.Y }.Aggregate(64L, EngineTiming.Gcd);
        InputPixelAlignment = new[] { step.XAddr.Off, step.XAddr.B, step.XAddr.G, step.XAddr.Y, step.XAddr.X }.Aggregate(64L, EngineTiming.Gcd);
        WeightRunAlignment = new[] { (step.WTensor?.Offset ?? step.Weight?.ElementOffset ?? 0) + step.WAddr.Off, step.WAddr.B, step.WAddr.G, step.WAddr.C, step.WAddr.X }.Aggregate(64L, EngineTiming.Gcd);
        WeightChannelsInnermost = step.WAddr.Y == 1;
        StaticWeights = step.Weight is not null;
        InputChannelStride = step.XAddr.C;
        RowMajorInput = step.XAddr.X == 1;
        RowMajorOutput = step.YAddr.X == 1;
        DenseRows = step.XAddr.C == 1 && s.KH * s.KW == 1 && s.PadH == 0 && s.PadW == 0;
        OutputChannelStride = step.YAddr.C;
        OutputBase = step.YAddr.Off; // tensors start on 64-element boundaries (ArenaAllocator.Alignment)
        OutputPixelAlignment = new[] { step.YAddr.Off, step.YAddr.B, step.YAddr.G, step.YAddr.Y, step.YAddr.X }.Aggregate(64L, EngineTiming.Gcd);
        HasBias = step.Bias is not null;
        StoredReduction = s.StoredReduction;
        WeightRows = RowWeights(step);
        (WeightRowStride, InputRowStride, OutputRowStride) = (step.WAddr.C, step.XAddr.X, step.YAddr.X);
        WeightColumns = ColumnWeights(step);
        WeightColumnAlignment = new[] { (step.WTensor?.Offset ?? step.Weight?.ElementOffset ?? 0) + step.WAddr.Off, step.WAddr.B, step.WAddr.G, step.WAddr.Y }.Aggregate(64L, EngineTiming.Gcd);
        Macs = s.Macs;
        Step = step.Index;
    }

    public long G { get; }
    public int M { get; }
    public int N { get; }
    public int R { get; }
    public int C { get; }
    public int IH { get; }
    public int IW { get; }
    public int KH { get; }
    public int KW { get; }
    public int S { get; }
    public bool Normalizes { get; }
    /// <summary>Both operands are int8 values (<see cref="MacStep.Narrow"/>).</summary>
    public bool Narrow { get; }
    public int Dil { get; }
    public int PadW { get; }
    /// <summary>Elements every NCHW input row's start is a multiple of (for the beats a corner-turn segment covers).</summary>
    public long InputRowAlignment { get; }
    /// <summary>Elements every pixel's channel run starts on a multiple of (channel-contiguous inputs, x_c = 1).</summary>
    public long InputPixelAlignment { get; }
    /// <summary>Elements every tap's run of weights starts on a multiple of (weights stored channels innermost).</summary>
    public long WeightRunAlignment { get; }
    public bool WeightChannelsInnermost { get; }
    /// <summary>Weights from the blob (not an activation operand): what a design's own lowering may store per engine tile.</summary>
    public bool StaticWeights { get; }
    /// <summary>Element distance between input channels (1: a pixel's channels are consecutive).</summary>
    public long InputChannelStride { get; }
    /// <summary>The input's pixels of one channel are consecutive (NCHW rows), not its channels (a product's rows).</summary>
    public bool RowMajorInput { get; }
    /// <summary>The output's pixels of one channel are consecutive (NCHW rows).</summary>
    public bool RowMajorOutput { get; }
    /// <summary>Each output row's reduction elements are consecutive (a product's rows: channels contiguous, no taps, no padding).</summary>
    public bool DenseRows { get; }
    /// <summary>Element distance between output channels, and the output's first element in its tensor (for beat alignment).</summary>
    public long OutputChannelStride { get; }
    public long OutputBase { get; }
    /// <summary>Elements every pixel's run of output channels starts on a multiple of, before the output-channel tile's offset (outputs stored channels innermost).</summary>
    public long OutputPixelAlignment { get; }
    /// <summary>The step adds a bias (the writer loads a tile's biases before its rows).</summary>
    public bool HasBias { get; }
    /// <summary>The reduction as the weights store it (<see cref="MacShape.StoredReduction"/>): the GEMM engine's.</summary>
    public long StoredReduction { get; }
    /// <summary>Each output channel's weights (or right-hand column) are one contiguous run of the reduction.</summary>
    public bool WeightRows { get; }
    /// <summary>Element strides between weight rows, input pixels and output pixels (beat alignment of the GEMM's rows).</summary>
    public long WeightRowStride { get; }
    public long InputRowStride { get; }
    public long OutputRowStride { get; }
    /// <summary>Not rows, but each reduction element's outputs consecutive (P·V's right operand V: a token's features).</summary>
    public bool WeightColumns { get; }
    /// <summary>Elements every such run of outputs starts on a multiple of, before the output tile's offset.</summary>
    public long WeightColumnAlignment { get; }

    /// <summary>A step whose every output's weights are one contiguous run of the reduction (see <see cref="WeightRows"/>).</summary>
    public static bool RowWeights(MacStep step) =>
        (step.WAddr.Y == 1 && step.Shape.ChannelRun > 0) || step.WAddr.Y == (long)step.Shape.KH * step.Shape.KW;

    /// <summary>A step whose weights are read as runs of consecutive outputs per reduction element (see <see cref="WeightColumns"/>).</summary>
    public static bool ColumnWeights(MacStep step) => !RowWeights(step) && step.WAddr.C == 1 && step.Shape.KH * step.Shape.KW == 1;
    public long Macs { get; }
    public int Step { get; }
    public long Reduction => (long)N * KH * KW;
}

/// <summary>Timing constants shared by the engines' cycle models.</summary>
public static class EngineTiming
{
    /// <summary>Cycles from a tile's first input to its first output (MAC pipeline, accumulation, control).</summary>
    public const int PipelineDepth = 30;

    /// <summary>
    /// Iterations between two updates of the same accumulator (the estimate, the templates' idle iterations and
    /// dependence pragmas, and the schedule check use this one figure). The accumulators live in on-chip RAM, so the
    /// loop-carried path is the RAM read (1 cycle: Vitis HLS binds BRAM with read latency 1, UG1399 "bind_storage"),
    /// the add, and the write: 2 for integers (a single-cycle adder), 5 for float and half accumulation (both
    /// accumulate in float; Vitis HLS schedules an fp32 add on a loop-carried path with II = 4 at distance 1, UG1448's
    /// HLS 200-880 example). For Intel aoc we assume the same; aoc's single-cycle accumulator (Arria 10, Programming
    /// Guide 5.12) applies only to a scalar register accumulator initialised to 0, not to one kept in on-chip memory
    /// as these kernels do. A loop that revisits an accumulator sooner stalls.
    /// </summary>
    public static int AccumulateLatency(Precision p) => p.IsFixedPoint() ? 2 : 5;

    /// <summary>
    /// Iterations a reader's corner turn takes per segment of BEAT pixels (templates conv_tiled and conv_systolic,
    /// read): two reads for each of its lanes that the layer has channels for, or the segment's pixels written, whichever
    /// is more.
    /// </summary>
    public static long CornerTurnIterations(long lanes, long channels, long width, long beat) =>
        Math.Max(2L * Math.Min(lanes, channels), Math.Min(beat, width));

    /// <summary>
    /// Beats a run of <paramref name="lanes"/> consecutive elements covers: ⌈lanes/BEAT⌉ when it starts on a beat and
    /// lanes and the beat divide one another (every run then starts on a beat), else one more.
    /// </summary>
    public static long RunBeats(long lanes, long beat, bool startsOnBeat) =>
        Ceil(lanes, beat) + (startsOnBeat && (lanes % beat == 0 || beat % lanes == 0) ? 0 : 1);

    /// <summary>Beats a run of <paramref name="n"/> consecutive elements covers: ⌈n/BEAT⌉ when it starts on a beat, else on average 1 + (n − 1)/BEAT.</summary>
    public static double CoveredBeats(long n, long beat, bool startsOnBeat) => startsOnBeat ? Ceil(n, beat) : 1 + (n - 1.0) / beat;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(long, long, long, long), double> MeanBeatsCache = new();

    /// <summary>
    /// Mean beats runs of <paramref name="n"/> consecutive elements cover when they start at <paramref name="start"/>
    /// plus any multiple of <paramref name="alignment"/> (the gcd of the strides that place them): exact over the
    /// residues modulo the beat those starts take.
    /// </summary>
    public static double MeanRunBeats(long start, long n, long alignment, long beat)
    {
        long g = Gcd(alignment, beat);
        return MeanBeatsCache.GetOrAdd((start % g, n, g, beat), key =>
        {
            var (s0, len, step, b) = key;
            double sum = 0;
            long count = 0;
            for (long r = s0; r < b; r += step, count++) sum += (r + len - 1) / b + 1;
            return sum / count;
        });
    }

    /// <summary>
    /// Beats of a run of <paramref name="total"/> elements cut into tiles of <paramref name="tile"/> (the last one the
    /// rest), each tile's part fetched on its own: Σ over the tiles of <see cref="MeanRunBeats"/> at the tile's start.
    /// The starts' residues repeat every g / gcd(tile, g) tiles (g = gcd(alignment, beat)), so each residue's full
    /// tiles are counted at once rather than visited one by one.
    /// </summary>
    public static double TiledRunBeats(long total, long tile, long alignment, long beat)
    {
        long full = total / tile, rest = total - full * tile, g = Gcd(alignment, beat), period = g / Gcd(tile, g);
        double beats = rest > 0 ? MeanRunBeats(full * tile, rest, alignment, beat) : 0;
        for (long i = 0; i < Math.Min(full, period); i++)
            beats += (full - i + period - 1) / period * MeanRunBeats(i * tile, tile, alignment, beat);
        return beats;
    }

    public static long Gcd(long a, long b) => b == 0 ? Math.Abs(a) : Gcd(b, a % b);

    public static long Lcm(long a, long b) => a / Gcd(a, b) * b;

    public static long Ceil(long a, long b) => (a + b - 1) / b;
}
