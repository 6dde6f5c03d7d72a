using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using FpgaGen.Hardware;
using FpgaGen.Kernels.Lowering;
using FpgaGen.Kernels.Plans;
using static FpgaGen.Kernels.Kinds.Stages;

namespace FpgaGen.Kernels.Kinds.Vector;

/// <summary>
/// The streaming unit every design carries for the layers that are not multiply-accumulate: vu_map (element-wise
/// functions, adds, strided copies), vu_pool (pooling windows, LRN) and vu_row (softmax, unfused LayerNorm), each a
/// reader, a datapath and a writer of vu lanes (templates/vector/). A design has the groups its network uses.
/// </summary>
public static class VectorUnit
{
    public const string Map = "vu_map", Pool = "vu_pool", Row = "vu_row";
    public const string Item = "vu_vec";

    /// <summary>Special functions (exp for softmax, erf for GELU, rsqrt) cost about three multiply-adds per lane.</summary>
    public const double SpecialFunctionMacs = 3;

    public static string GroupOf(Step step) => step switch
    {
        MapStep => Map,
        PoolStep => Pool,
        RowStep => Row,
        _ => throw new ArgumentException($"step {step.Name} does not run on the vector unit"),
    };

    /// <summary>Names of the vector unit's compute plans start with this.</summary>
    public const string ComputeName = "vector unit";

    /// <summary>
    /// The lanes of each vector group the network uses: every group is a kernel of its own with vu lanes. vu_map's
    /// lanes carry special functions when the network has GELU, sigmoid or requantization, vu_pool's a divider each
    /// (the average's divide, LRN's square roots), vu_row's exp and rsqrt.
    /// </summary>
    public static IEnumerable<ComputePlan> Compute(LoweredNetwork net, int vu)
    {
        var e = net.Extents;
        ComputePlan Lanes(string group, bool special, string operations) =>
            new($"{ComputeName} {group}", vu, 1 + (special ? SpecialFunctionMacs : 0), $"vu={vu} lanes", operations, Control: true);
        if (e.Maps)
        {
            var special = e.Requantizes || net.Steps.Any(s => s is MapStep { Op: MapOp.Gelu or MapOp.Sigmoid });
            yield return Lanes(Map, special, special ? "add, multiply, copy; erf, exp, divide" : "add, multiply, copy");
        }
        if (e.Pools) yield return Lanes(Pool, true, "compare, add; divide, square root");
        if (e.RowLength > 0) yield return Lanes(Row, true, "compare, add, multiply; exp, rsqrt");
    }

    /// <summary>Macros of the vector bodies: the row buffer holds the longest row, padded to whole vectors.</summary>
    public static void Define(PlanBuilder b, LoweredNetwork net, int vu)
    {
        var beats = b.Define("VU_BEATS", VectorBeats(b, vu), "ceil(vu / BEAT): beats one vector spans");
        b.Define("VU_WIN", beats + 1, "VU_BEATS + 1: beats a run reader keeps (a vector may straddle one more)");
        if (net.Extents.Pools)
        {
            b.Define("PKH", net.Extents.PoolRows, "input rows of the tallest pooling window (channels of an LRN window)");
            b.Define("PROWB", PoolRowBeats(b, net.Extents.PoolWidth), "ceil(widest pooled row / BEAT) + 1: beats one input row spans");
            // Adaptive windows need dividers per lane (floor(i * W / OW)): compiled only when a step has them.
            b.Define("ADAPTIVE_POOL", net.Extents.AdaptivePools ? 1 : 0, "1: a pooling step has adaptive windows");
        }
        if (net.Extents.Requantizes)
            b.Define("VU_REQUANT", 1, "a requantize step: the map writer converts as ONNX's QuantizeLinear (float32 division, half to even)");
        var len = net.Extents.RowLength;
        if (len == 0) return;
        b.Define("ROWLEN", len, "longest softmax / LayerNorm row");
        b.Define("ROWMAX", EngineTiming.Ceil(len, vu) * vu, "ROWLEN rounded up to whole vectors of vu");
    }

    /// <summary>Beats a row of <paramref name="width"/> data elements spans at any alignment.</summary>
    public static long PoolRowBeats(PlanBuilder b, long width) => EngineTiming.Ceil(width, b.BeatElements) + 1;

    /// <summary>Beats of external memory one vector of vu data elements spans.</summary>
    public static long VectorBeats(PlanBuilder b, int vu) => EngineTiming.Ceil(vu, b.BeatElements);

    /// <summary>The vector groups depend only on the network, vu and the device: built once for each.</summary>
    private static readonly ConditionalWeakTable<LoweredNetwork, ConcurrentDictionary<(int Vu, Device Device), GroupPlan[]>> Built = new();

    /// <summary>The groups the network's steps use, in the order map, pool, row.</summary>
    public static IReadOnlyList<GroupPlan> Groups(PlanBuilder b, LoweredNetwork net, int vu) =>
        Built.GetOrCreateValue(net).GetOrAdd((vu, b.Target.Device), _ =>
        {
            var e = net.Extents;
            var groups = new List<GroupPlan>();
            if (e.Maps) groups.Add(MapGroup(b, vu));
            if (e.Pools) groups.Add(PoolGroup(b, vu, e.PoolRows, PoolRowBeats(b, e.PoolWidth), e.PoolStride));
            if (e.RowLength > 0) groups.Add(RowGroup(b, vu, EngineTiming.Ceil(e.RowLength, vu) * vu));
            return groups.ToArray();
        });

    private static StreamPlan Vec(PlanBuilder b, string name, string from, string to, int vu) =>
        b.Vector(name, from, to, Item, Elements.Float, vu, ChannelDepth);

    private static GroupPlan MapGroup(PlanBuilder b, int vu) => new(Map, Map + "_top",
    [
        Stage(b, "vu_map_read", "vector/body/map_read", () => [new("a", Elements.Data), new("s", Elements.Data), new("fr", Elements.Float),
            .. Ints("batch", "d0", "d1", "d2", "op", "a_off", "a_b", "a_0", "a_1", "a_2", "s_off", "s_b", "s_0", "s_1", "s_2", "f_off")], [], ["vm_a", "vm_s"]),
        Stage(b, "vu_map_compute", "vector/body/map_compute", () => Ints("batch", "d0", "d1", "d2", "op"), ["vm_a", "vm_s"], ["vm_o"]),
        Stage(b, "vu_map_write", "vector/body/map_write", () => [new("fq", Elements.Float), new("y", Elements.Data, Writes: true),
            .. Ints("batch", "d0", "d1", "d2", "op", "y_off", "y_b", "y_0", "y_1", "y_2", "y_whole", "f_off")], ["vm_o"], []),
    ], [Vec(b, "vm_a", "vu_map_read", "vu_map_compute", vu), Vec(b, "vm_s", "vu_map_read", "vu_map_compute", vu),
        Vec(b, "vm_o", "vu_map_compute", "vu_map_write", vu)]) { TemplateDir = "vector" };

    /// <summary>
    /// The reader holds the input rows of one output row in lbuf (PKH rows of PROWB beats), twice: it loads the rows of
    /// the next output row while it sends the windows of this one. Its banks (a cyclic partition of whole beats) are
    /// as many as the vu lanes' reads span, vu × the pools' largest stride (vu for H×W×C maps, whose lanes read
    /// consecutive channels), so that the lanes of one window position read distinct banks and the beat loaded beside
    /// them writes each bank once: two accesses per bank per cycle.
    /// </summary>
    private static GroupPlan PoolGroup(PlanBuilder b, int vu, long rows, long rowBeats, int stride)
    {
        var beat = b.BeatElements;
        var banks = beat * ((vu * (long)stride + beat - 1) / beat);
        return new(Pool, Pool + "_top",
    [
        Stage(b, "vu_pool_read", "vector/body/pool_read", () => [new("x", Elements.Data), new("fr", Elements.Float),
            .. Ints("batch", "chans", "ih", "iw", "oh", "ow", "kh", "kw", "stride", "pad", "mode", "adaptive", "hwc", "x_off", "f_off")], [], ["vp_x"],
            b.Ram("lbuf", Elements.Data, banks, (rows * rowBeats * beat + banks - 1) / banks, copies: 2)),
        Stage(b, "vu_pool_compute", "vector/body/pool_compute", () => Ints("batch", "chans", "oh", "ow", "kh", "kw", "mode", "hwc"), ["vp_x"], ["vp_o"]),
        Stage(b, "vu_pool_write", "vector/body/pool_write", () => [new("fq", Elements.Float), new("y", Elements.Data, Writes: true),
            .. Ints("batch", "chans", "oh", "ow", "hwc", "y_off", "f_off")], ["vp_o"], []),
    ], [Vec(b, "vp_x", "vu_pool_read", "vu_pool_compute", vu), Vec(b, "vp_o", "vu_pool_compute", "vu_pool_write", vu)]) { TemplateDir = "vector" };
    }

    /// <summary>
    /// The datapath holds one row in rowbuf (vu banks of floats) for its passes over it, and its reductions' partials in
    /// part: FACCLAT interleaved sets of vu, so a partial is updated again only FACCLAT iterations later (the float adder's
    /// latency, <see cref="EngineTiming.AccumulateLatency"/>); the writer LayerNorm's gamma and beta in gbuf.
    /// </summary>
    private static GroupPlan RowGroup(PlanBuilder b, int vu, long rowMax) => new(Row, Row + "_top",
    [
        Stage(b, "vu_row_read", "vector/body/row_read", () => [new("x", Elements.Data), new("fr", Elements.Float), .. Ints("nrows", "len", "x_off", "f_off")], [], ["vr_x"]),
        Stage(b, "vu_row_compute", "vector/body/row_compute", () => [new("fc", Elements.Float), .. Ints("nrows", "len", "op", "f_off")], ["vr_x"], ["vr_o"],
            b.Ram("rowbuf", Elements.Float, vu, rowMax / vu), b.Registers("part", Elements.Float, (long)EngineTiming.AccumulateLatency(Precision.Fp32) * vu)),
        Stage(b, "vu_row_write", "vector/body/row_write", () => [new("fq", Elements.Float), new("y", Elements.Data, Writes: true),
            .. Ints("nrows", "len", "op", "y_off", "f_off", "g_off")], ["vr_o"], [], b.Ram("gbuf", Elements.Float, vu, 2 * rowMax / vu)),
    ], [Vec(b, "vr_x", "vu_row_read", "vu_row_compute", vu), Vec(b, "vr_o", "vu_row_compute", "vu_row_write", vu)]) { TemplateDir = "vector" };

    /// <summary>
    /// How many vectors each stream of a vector step carries: the closed forms of the loops in templates/vector/body
    /// (the reader writes and the datapath reads exactly this many).
    /// </summary>
    public static IReadOnlyDictionary<string, long> StreamCounts(Step step, int vu) => step switch
    {
        MapStep m => MapCounts(m, vu),
        PoolStep p => new Dictionary<string, long> { ["vp_x"] = PoolVectors(p, vu) * (p.KH * p.KW + 1), ["vp_o"] = PoolVectors(p, vu) },
        RowStep r => new Dictionary<string, long> { ["vr_x"] = r.Rows * EngineTiming.Ceil(r.Len, vu), ["vr_o"] = r.Rows * EngineTiming.Ceil(r.Len, vu) },
        _ => throw new ArgumentException(step.GetType().Name),
    };

    private static Dictionary<string, long> MapCounts(MapStep m, int vu)
    {
        var items = (long)m.Batch * m.D0 * m.D1 * EngineTiming.Ceil(m.D2, vu);
        return new() { ["vm_a"] = items, ["vm_s"] = m.Binary ? items : 0, ["vm_o"] = items };
    }

    /// <summary>
    /// The map reader's iterations: VU_BEATS a vector when an operand is a run (one beat request an iteration), else
    /// one a vector whose vu lanes each load an element (vu requests on the port: II vu).
    /// </summary>
    private static double MapReadIterations(MapStep m, int vu, long beat)
    {
        var vectors = (double)MapCounts(m, vu)["vm_a"];
        // As MapStep.Args places them (the explorer costs every candidate: no argument dictionary here).
        bool run = m.AAddr.X == 1 || (m.Binary && (m.SAddr ?? m.AAddr).X == 1);
        return vectors * (run ? EngineTiming.Ceil(vu, beat) : vu);
    }

    /// <summary>
    /// The map writer's iterations (templates/vector/body/map_write): VU_BEATS a vector for whole beats; for another
    /// run, the beats each vector covers at the alignment its rows start at (the row offsets and vu place them: mean
    /// over the residues modulo the beat, exact for one row); vu for a strided output (one element a lane).
    /// </summary>
    private static double MapWriteIterations(MapStep m, int vu, long beat)
    {
        var vectors = (double)MapCounts(m, vu)["vm_o"];
        if (m.WholeBeats) return vectors * EngineTiming.Ceil(vu, beat);
        if (m.YAddr.X != 1) return vectors * vu;
        long rowAlign = RowAlignment(m, m.YAddr);
        long full = m.D2 / vu, tail = m.D2 % vu, start = m.Y.Offset + m.YAddr.Off;
        var rows = (double)m.Batch * m.D0 * m.D1;
        var perRow = (full > 0 ? full * EngineTiming.MeanRunBeats(start, vu, full > 1 ? EngineTiming.Gcd(rowAlign, vu) : rowAlign, beat) : 0)
            + (tail > 0 ? EngineTiming.MeanRunBeats(start + full * vu, tail, rowAlign, beat) : 0);
        return rows * perRow;
    }

    private static long PoolVectors(PoolStep p, int vu) => p.Vectors(vu);

    /// <summary>
    /// What one operand of a map step moves, and in bursts of how many bytes: one row (a dense tensor) streams; rows
    /// of consecutive elements (a slice, a copy into a column offset: token or channel concatenation) each move the
    /// beats they cover (the reader's window and the writer's beats), a burst per row; a strided operand moves one
    /// element a request.
    /// </summary>
    private static (double Bytes, double Burst) MapOperand(MapStep m, Addressing addr, long start, long beat, int bytes)
    {
        var rows = (double)m.Batch * m.D0 * m.D1;
        if (rows == 1 && addr.X == 1) return ((double)m.D2 * bytes, MemoryTiming.StreamingBurstBytes);
        if (addr.X != 1) return (rows * m.D2 * bytes, bytes);
        var rowBytes = EngineTiming.MeanRunBeats(start, m.D2, RowAlignment(m, addr), beat) * beat * bytes;
        return (rows * rowBytes, rowBytes);
    }

    /// <summary>An operand's rows start at its offset plus multiples of the strides of the dimensions that have more than one index: their gcd.</summary>
    private static long RowAlignment(MapStep m, Addressing addr)
    {
        long align = 0;
        if (m.Batch > 1) align = EngineTiming.Gcd(align, addr.B);
        if (m.D0 > 1) align = EngineTiming.Gcd(align, addr.C);
        if (m.D1 > 1) align = EngineTiming.Gcd(align, addr.Y);
        return align;
    }

    /// <summary>
    /// Cycles of a vector step, from the pipelined loops of the templates: map streams its vectors, each taking the
    /// VU_BEATS = ⌈vu / beat⌉ beats it spans on its port (one when vu fits a 512-bit beat) in the reader, and the beats
    /// it covers in the writer (more when a run starts inside a beat), whichever takes longer; pool runs one loop per
    /// job (an output row of one channel, or of all channels for H×W×C maps) that loads the job's input rows
    /// (⌈row / beat⌉ + 1 beats each, row = iw or iw·C) while it sends the previous job's kh·kw window vectors and one
    /// divisor vector per output vector, max(load, send) cycles, plus the first job's load; the row datapath makes
    /// four passes over each row (load rowbuf, reduce, second reduction, scale and send),
    /// unless its reader (VU_BEATS iterations a chunk) or writer (one iteration a beat a chunk covers) takes longer.
    /// Traffic: every element the reader loads (pool: a job's input rows) plus the output; a map step's operands as
    /// <see cref="MapOperand"/> moves them.
    /// </summary>
    public static OpCost Cost(Step step, int vu, int bytes, double bytesPerCycle)
    {
        double compute, traffic;
        double? memory = null; // pool and row steps stream their traffic; a map step's operands say what they move
        var beat = PlanBuilder.ElementsPerBeat(bytes);
        switch (step)
        {
            case MapStep m:
            {
                compute = Math.Max(MapReadIterations(m, vu, beat), MapWriteIterations(m, vu, beat));
                var operands = new List<(double Bytes, double Burst)>
                {
                    MapOperand(m, m.AAddr, (m.A?.Offset ?? m.AParam?.ElementOffset ?? 0) + m.AAddr.Off, beat, bytes),
                    MapOperand(m, m.YAddr, m.Y.Offset + m.YAddr.Off, beat, bytes),
                };
                if (m.Binary) operands.Add(MapOperand(m, m.SAddr ?? m.AAddr, (m.S?.Offset ?? m.SParam?.ElementOffset ?? 0) + (m.SAddr ?? m.AAddr).Off, beat, bytes));
                traffic = operands.Sum(o => o.Bytes);
                memory = operands.Sum(o => MemoryTiming.Cycles(o.Bytes, o.Burst, bytesPerCycle));
                break;
            }
            case PoolStep p:
                double jobs = p.Jobs, load = p.JobRows * (EngineTiming.Ceil(p.RowLength, beat) + 1.0);
                double send = p.Vectors(vu) / jobs * (p.KH * p.KW + 1.0);
                compute = jobs * Math.Max(load, send) + load;
                traffic = (jobs * p.JobRows * p.RowLength + (double)p.Batch * p.Channels * p.OH * p.OW) * bytes;
                break;
            case RowStep r:
                // The datapath's four passes, the reader's VU_BEATS iterations a chunk, or the writer's one a beat
                // each chunk covers (rows start on beats when their length is whole beats; tensors start on beats).
                long chunks = EngineTiming.Ceil(r.Len, vu), full = r.Len / vu;
                bool rowsAligned = r.Len % beat == 0 && (vu % beat == 0 || beat % vu == 0);
                double stores = full * EngineTiming.CoveredBeats(vu, beat, rowsAligned) + (r.Len % vu > 0 ? EngineTiming.CoveredBeats(r.Len % vu, beat, rowsAligned) : 0);
                compute = r.Rows * Math.Max(Math.Max(4.0 * chunks, chunks * (double)EngineTiming.Ceil(vu, beat)), stores);
                traffic = 2.0 * r.Rows * r.Len * bytes;
                break;
            default:
                throw new ArgumentException(step.GetType().Name);
        }
        compute += EngineTiming.PipelineDepth;
        return new OpCost(compute, memory ?? MemoryTiming.Cycles(traffic, MemoryTiming.StreamingBurstBytes, bytesPerCycle), 0, traffic);
    }
}
