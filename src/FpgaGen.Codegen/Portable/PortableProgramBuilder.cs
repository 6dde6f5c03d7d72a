using FpgaGen.Codegen.Kernels;
using FpgaGen.Codegen.Lowering;
using FpgaGen.Codegen.Rendering;

namespace FpgaGen.Codegen.Portable;

/// <summary>
/// Translates a design into its portable form: the same templates rendered with channels as FIFO buffers and
/// on-chip memories in a scratch buffer, plus the launch plan with every argument value and expected item count.
/// </summary>
public static class PortableProgramBuilder
{
    public const int ScratchAlignment = 64;

    public static PortableProgram Build(DesignConfig config, string title, TemplateLibrary? library = null)
    {
        var net = config.Network;
        // A count slot per (kernel, channel) and scratch offsets per (kernel, buffer); kernels run one at a time, so
        // they all share one scratch buffer from offset 0.
        var slots = new Dictionary<(string, string), int>();
        var offsets = new Dictionary<(string, string), long>();
        long scratch = ScratchAlignment;
        foreach (var k in config.Groups.SelectMany(g => g.Kernels))
        {
            foreach (var ch in k.Channels) slots[(k.Name, ch)] = slots.Count;
            long at = 0;
            foreach (var b in k.Buffers)
            {
                offsets[(k.Name, b.Name)] = at;
                at = Align(at + config.BufferBytes(b));
            }
            scratch = Math.Max(scratch, at);
        }
        if (scratch > int.MaxValue) throw new InputException($"design: on-chip buffers of {scratch:N0} bytes are too large to simulate (the portable form keeps them in one buffer)");
        var layout = new PortableLayout(slots, offsets);
        var source = KernelSources.OpenCl(config, title, layout, library);

        var counts = net.Steps.Select(s => StreamCounts.For(s, config)).ToList();
        var channels = config.Groups.SelectMany(g => g.Channels).ToList();
        var fifoItems = channels.ToDictionary(ch => ch.Name, ch => Math.Max(1, counts.Select(c => c.GetValueOrDefault(ch.Name)).DefaultIfEmpty(0).Max()));
        var buffers = new List<PlanBuffer>
        {
            new("activations", Math.Max(1, net.ArenaElements) * net.Precision.Bytes(), BufferRole.Activations),
            new("weights", Math.Max(4, net.Weights.TotalBytes), BufferRole.Weights),
            new("scratch", scratch, BufferRole.Scratch),
            new("counts", 4L * Math.Max(1, slots.Count), BufferRole.Counts),
        };
        foreach (var ch in channels)
        {
            var bytes = checked(fifoItems[ch.Name] * config.ItemBytes(ch.Type));
            if (fifoItems[ch.Name] > int.MaxValue) throw new InputException($"design: channel {ch.Name} would carry {fifoItems[ch.Name]:N0} items in one step, too many to simulate as a buffer");
            buffers.Add(new($"fifo_{ch.Name}", bytes, BufferRole.Fifo));
        }

        var steps = new List<PlanStep>();
        foreach (var step in net.Steps)
        {
            var group = KernelCatalog.Group(step.Group);
            var launches = group.Kernels.Select(k =>
            {
                var args = Arguments(k.Params, step).ToList();
                foreach (var ch in k.Channels)
                {
                    args.Add(new BufferArg($"{ch}_fifo", $"fifo_{ch}"));
                    args.Add(new IntArg($"{ch}_cap", (int)fifoItems[ch]));
                }
                args.Add(new BufferArg("fg_scratch", "scratch"));
                args.Add(new BufferArg("fg_counts", "counts"));
                var checks = k.Channels.Select(ch => new CountCheck(slots[(k.Name, ch)], ch, counts[step.Index][ch])).ToList();
                return new KernelLaunch(k.Name, args, checks);
            }).ToList();
            steps.Add(new PlanStep(step.Name, step.Layers, step.Group, step.Output.Name, launches));
        }
        var extensions = net.Precision == Precision.Fp16 ? new[] { "cl_khr_fp16" } : [];
        return new PortableProgram(net, source, extensions, buffers, steps, slots.Count);
    }

    /// <summary>Values of a kernel's own parameters for a step (shared with the host plans of the projects).</summary>
    public static IEnumerable<PlanArg> Arguments(IEnumerable<KernelParam> parameters, Step step)
    {
        var ints = step.Args;
        var pointers = step.Pointers;
        foreach (var p in parameters)
        {
            if (p.IsPointer)
            {
                var kind = KernelCatalog.BlobPointers.Contains(p.Name) ? BufferKind.Weights
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
