using FpgaGen.Codegen.Rendering;
using FpgaGen.Kernels.Kinds;
using FpgaGen.Kernels.Lowering;
using FpgaGen.Kernels.Plans;

namespace FpgaGen.Codegen.Portable;

/// <summary>
/// Translates a design into its portable form: the same templates rendered with channels as FIFO buffers and
/// on-chip memories in a scratch buffer, plus the launch plan with every argument value and expected item count.
/// </summary>
public static class PortableProgramBuilder
{
    public const int ScratchAlignment = 64;

    /// <summary>Default bound on one FIFO buffer: larger MAC steps are split into output-channel slices.</summary>
    public const long DefaultMaxFifoBytes = 64L << 20;

    /// <summary>The arguments and item counts of one round of a step's kernels.</summary>
    private sealed record Round(IReadOnlyDictionary<string, long> Args, IReadOnlyDictionary<string, long> Counts);

    /// <param name="probed">Instrument the kernels for the schedule check (<see cref="ScheduleProbes"/>).</param>
    public static PortableProgram Build(AcceleratorDesign design, long maxFifoBytes = DefaultMaxFifoBytes, bool probed = false)
    {
        var net = design.Lowered;
        var plan = design.Plan;
        // A count slot per (kernel, channel) and scratch offsets per (kernel, buffer); kernels run one at a time, so
        // they all share one scratch buffer from offset 0.
        var slots = new Dictionary<(string, string), int>();
        var offsets = new Dictionary<(string, string), long>();
        var shadows = new Dictionary<(string, string), long>();
        long scratch = ScratchAlignment;
        foreach (var k in plan.Groups.SelectMany(g => g.Stages))
        {
            foreach (var ch in k.Channels) slots[(k.Name, ch)] = slots.Count;
            long at = 0;
            foreach (var b in k.Buffers)
            {
                offsets[(k.Name, b.Name)] = at;
                at = Align(at + checked(b.Words * b.Copies * b.WidthBits / 8));
            }
            // The schedule probes keep, per buffer word, the last trip that updated it (64 bits), then per bank the
            // trip and count of its accesses (ScheduleProbes.BankShadowBytes).
            if (probed)
                foreach (var b in k.Buffers)
                {
                    shadows[(k.Name, b.Name)] = at;
                    at = Align(at + checked(ScheduleProbes.WordShadowBytes(b) + ScheduleProbes.BankShadowBytes(b)));
                }
            scratch = Math.Max(scratch, at);
        }
        if (scratch > int.MaxValue) throw new InputException($"design: on-chip buffers of {scratch:N0} bytes are too large to simulate (the portable form keeps them in one buffer)");
        var layout = new PortableLayout(slots, offsets) { ShadowOffsets = shadows, Probed = probed };
        var probes = probed ? ScheduleProbes.For(plan) : null;
        var source = KernelSources.OpenCl(design, layout, probes);

        var channels = plan.Streams.ToList();
        var itemBytes = channels.ToDictionary(ch => ch.Name, ch => (long)ch.WidthBits / 8);
        var rounds = net.Steps.Select(s => Rounds(s, design.Planned, itemBytes, maxFifoBytes)).ToList();
        var fifoItems = channels.ToDictionary(ch => ch.Name,
            ch => Math.Max(1, rounds.SelectMany(r => r).Select(r => r.Counts.GetValueOrDefault(ch.Name)).DefaultIfEmpty(0).Max()));
        var buffers = new List<PlanBuffer>
        {
            new("activations", Math.Max(1, net.ArenaElements) * net.Precision.Bytes(), BufferRole.Activations),
            new("weights", Math.Max(4, net.Weights.TotalBytes), BufferRole.Weights),
            new("scratch", scratch, BufferRole.Scratch),
            new("counts", 4L * Math.Max(1, slots.Count), BufferRole.Counts),
        };
        if (probes is not null) buffers.Add(new("schedule", 8L * probes.Rows * probes.Stride, BufferRole.Schedule));
        foreach (var ch in channels)
        {
            var bytes = checked(fifoItems[ch.Name] * itemBytes[ch.Name]);
            if (fifoItems[ch.Name] > int.MaxValue) throw new InputException($"design: channel {ch.Name} would carry {fifoItems[ch.Name]:N0} items in one step, too many to simulate as a buffer");
            buffers.Add(new($"fifo_{ch.Name}", bytes, BufferRole.Fifo));
        }

        var steps = new List<PlanStep>();
        foreach (var step in net.Steps)
        {
            var group = design.Planned.GroupFor(step);
            var launches = rounds[step.Index].SelectMany(round => group.Stages.Select(k =>
            {
                var args = Arguments(k.Params, step, round.Args).ToList();
                foreach (var ch in k.Channels)
                {
                    args.Add(new BufferArg($"{ch}_fifo", $"fifo_{ch}"));
                    args.Add(new IntArg($"{ch}_cap", (int)fifoItems[ch]));
                }
                args.Add(new BufferArg("fg_scratch", "scratch"));
                args.Add(new BufferArg("fg_counts", "counts"));
                if (probed) args.Add(new BufferArg("fg_sched", "schedule"));
                var checks = k.Channels.Select(ch => new CountCheck(slots[(k.Name, ch)], ch, round.Counts[ch])).ToList();
                return new KernelLaunch(k.Name, args, checks);
            })).ToList();
            steps.Add(new PlanStep(step.Name, step.Layers, group.Name, step.Output.Name, launches));
        }
        var extensions = net.Precision == Precision.Fp16 ? new[] { "cl_khr_fp16" } : [];
        return new PortableProgram(net, source, extensions, buffers, steps, slots.Count) { Probes = probes, ShadowBytes = probed ? scratch : 0 };
    }

    /// <summary>
    /// A step as one round, or, for a MAC step without groups whose largest FIFO would exceed the bound, as slices:
    /// first of the output rows (of the output columns for single-row products) in whole engine tiles, so the slices'
    /// loops together run the step's own trips (an output-channel slice would load every input block again), then,
    /// where one tile row is still too much, of the output channels (whole multiples of the engine's output lanes;
    /// each slice reads its channels' weights and writes their outputs). A spatial slice moves the input offset to its
    /// first input row and keeps only the padding that lies above it, so the rounds together compute exactly the step.
    /// </summary>
    private static List<Round> Rounds(Step step, PlannedDesign d, IReadOnlyDictionary<string, long> itemBytes, long maxFifoBytes)
    {
        var full = d.StreamCounts(step);
        long Bytes(IReadOnlyDictionary<string, long> counts) => counts.Max(kv => kv.Value * itemBytes[kv.Key]);
        if (step is not MacStep m || m.Shape.Groups != 1 || Bytes(full) <= maxFifoBytes) return [new Round(step.Args, full)];

        var result = new List<Round>();
        var rowsAxis = m.Shape.OH > 1;
        var spatial = m.Shape.OH > 1 || m.Shape.OW > 1
            ? Slices(step.Args, m.Shape, d.Kind.SpatialTile(d.Plan, m.Shape, rowsAxis), Parts(Bytes(full), maxFifoBytes), rowsAxis ? SliceRows : SliceColumns)
            : [(step.Args.ToDictionary(kv => kv.Key, kv => kv.Value), m.Shape)];
        foreach (var (args, shape) in spatial)
        {
            var counts = d.StreamCounts(shape, m.Normalizes);
            if (Bytes(counts) <= maxFifoBytes)
            {
                result.Add(new Round(args, counts));
                continue;
            }
            foreach (var (a, s) in Slices(args, shape, d.Kind.OutputLanes(d.Plan), Parts(Bytes(counts), maxFifoBytes), SliceChannels))
                result.Add(new Round(a, d.StreamCounts(s, m.Normalizes)));
        }
        return result;
    }

    private static long Parts(long bytes, long limit) => (bytes + limit - 1) / limit;

    private delegate (Dictionary<string, long>, MacShape) Slicer(IReadOnlyDictionary<string, long> args, MacShape shape, int start, int count);

    /// <summary>Cuts the axis the slicer works on into about <paramref name="parts"/> pieces of whole units.</summary>
    private static IEnumerable<(Dictionary<string, long> Args, MacShape Shape)> Slices(IReadOnlyDictionary<string, long> args, MacShape shape, int unit,
        long parts, Slicer slicer)
    {
        var length = slicer == SliceChannels ? shape.MOut : slicer == SliceRows ? shape.OH : shape.OW;
        var size = (int)Math.Max(unit, ((length + parts - 1) / parts + unit - 1) / unit * unit);
        for (var start = 0; start < length; start += size) yield return slicer(args, shape, start, Math.Min(size, length - start));
    }

    private static (Dictionary<string, long>, MacShape) SliceChannels(IReadOnlyDictionary<string, long> args, MacShape shape, int start, int count)
    {
        var a = args.ToDictionary(kv => kv.Key, kv => kv.Value);
        a["m_out"] = count;
        // Weights per engine tile move by whole output-channel tiles (start is a multiple of the engine's lanes).
        a["w_off"] += a["w_tn"] > 0 ? start / a["w_tm"] * a["w_o"] : start * a["w_o"];
        a["y_off"] += start * a["y_c"];
        if (a["b_off"] >= 0) a["b_off"] += start;
        if (a["norm"] != 0) a["ln_off"] += 2L * start;
        return (a, shape with { MOut = count });
    }

    private static (Dictionary<string, long>, MacShape) SliceRows(IReadOnlyDictionary<string, long> args, MacShape shape, int start, int count)
    {
        var (a, first, pad) = SliceSpatial(args, "y", start, count, shape.Stride, shape.PadH);
        return (a, shape with { OH = count, IH = shape.IH - (int)first, PadH = pad });
    }

    private static (Dictionary<string, long>, MacShape) SliceColumns(IReadOnlyDictionary<string, long> args, MacShape shape, int start, int count)
    {
        var (a, first, pad) = SliceSpatial(args, "x", start, count, shape.Stride, shape.PadW);
        return (a, shape with { OW = count, IW = shape.IW - (int)first, PadW = pad });
    }

    /// <summary>
    /// The arguments of outputs start … start+count−1 along the spatial axis ("y": rows, "x": columns): the output offset
    /// moves to the first of them, the input offset to the first input they read, and only the padding above that stays.
    /// Returns the input positions skipped and the padding kept.
    /// </summary>
    private static (Dictionary<string, long> Args, long Skipped, int Pad) SliceSpatial(IReadOnlyDictionary<string, long> args, string axis, int start,
        int count, int stride, int pad)
    {
        var a = args.ToDictionary(kv => kv.Key, kv => kv.Value);
        var (outSize, inSize, padName) = axis == "y" ? ("oh", "ih", "pad_h") : ("ow", "iw", "pad_w");
        var first = (long)start * stride - pad;
        var skip = Math.Max(0, first);
        var kept = (int)Math.Max(0, -first);
        a[outSize] = count;
        a[$"y_off"] += start * a[$"y_{axis}"];
        a["x_off"] += skip * a[$"x_{axis}"];
        a[inSize] -= skip;
        a[padName] = kept;
        return (a, skip, kept);
    }

    /// <summary>Values of a kernel's own parameters for a step (shared with the host plans of the projects).</summary>
    public static IEnumerable<PlanArg> Arguments(IEnumerable<KernelParam> parameters, Step step, IReadOnlyDictionary<string, long>? args = null)
    {
        var ints = args ?? step.Args;
        var pointers = step.Pointers;
        foreach (var p in parameters)
        {
            if (p.IsPointer)
            {
                var kind = Stages.BlobPointers.Contains(p.Name) ? BufferKind.Weights
                    : pointers.TryGetValue(p.Name, out var k) ? k
                    : throw new InvalidOperationException($"step {step.Name} binds no buffer to pointer '{p.Name}'");
                yield return new BufferArg(p.Name, kind == BufferKind.Weights ? "weights" : "activations");
            }
            else
            {
                if (!ints.TryGetValue(p.Name, out var v)) throw new InvalidOperationException($"step {step.Name} has no value for '{p.Name}'");
                if (v is < int.MinValue or > int.MaxValue) throw new InputException($"step {step.Name}: argument {p.Name} = {v} does not fit a 32-bit kernel argument");
                yield return new IntArg(p.Name, (int)v);
            }
        }
    }

    private static long Align(long n) => (n + ScratchAlignment - 1) / ScratchAlignment * ScratchAlignment;
}
