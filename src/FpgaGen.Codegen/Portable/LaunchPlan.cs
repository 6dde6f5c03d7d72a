using System.Text.Json.Serialization;

namespace FpgaGen.Codegen.Portable;

/// <summary>What a plan buffer holds.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<BufferRole>))]
public enum BufferRole
{
    /// <summary>The activation arena: the input, every intermediate tensor and the output (data-type elements).</summary>
    Activations,
    /// <summary>weights.bin: write the packed blob (<see cref="Weights.WeightPacker"/>) before the first step.</summary>
    Weights,
    /// <summary>A channel turned into a FIFO buffer; contents are scratch between a step's kernels.</summary>
    Fifo,
    /// <summary>Stand-in for the kernels' on-chip memories.</summary>
    Scratch,
    /// <summary>int32 per (kernel, channel) slot: items moved, written by every launch (check with <see cref="KernelLaunch.Checks"/>).</summary>
    Counts,
    /// <summary>The schedule check's 64-bit counters (<see cref="ScheduleProbes"/>): clear before, read after every launch.</summary>
    Schedule,
}

/// <summary>A device buffer to create (read-write) before running the plan.</summary>
public sealed record PlanBuffer(string Name, long Bytes, BufferRole Role);

/// <summary>One kernel argument, in parameter order: a buffer (bind the whole cl_mem) or an int scalar.</summary>
[JsonDerivedType(typeof(BufferArg), "buffer")]
[JsonDerivedType(typeof(IntArg), "int")]
public abstract record PlanArg(string Name);

public sealed record BufferArg(string Name, string Buffer) : PlanArg(Name);

public sealed record IntArg(string Name, int Value) : PlanArg(Name);

/// <summary>After the launch, counts[Slot] must equal Expected (items the kernel moved through Channel).</summary>
public sealed record CountCheck(int Slot, string Channel, long Expected);

/// <summary>
/// One kernel launch: a single work-item task (clEnqueueTask, or clEnqueueNDRangeKernel with global = local = 1),
/// with every argument given.
/// </summary>
public sealed record KernelLaunch(string Kernel, IReadOnlyList<PlanArg> Args, IReadOnlyList<CountCheck> Checks);

/// <summary>
/// One step of the network: its launches in producer → consumer order; run them one after another on an in-order
/// queue (each consumer needs its producer finished, since channels are buffers here). A large MAC step comes as
/// several rounds of the same kernels, each computing a slice of the output channels, so that no FIFO buffer has to
/// hold a whole layer's stream. <see cref="Output"/> names the
/// tensor it writes (see <see cref="PortableProgram.TensorViews"/>); a tensor is complete after the last step writing it.
/// </summary>
public sealed record PlanStep(string Name, IReadOnlyList<string> Layers, string Group, string Output, IReadOnlyList<KernelLaunch> Launches);

/// <summary>A tensor in the activation arena: Count elements of the data type from element Offset (batch-major).</summary>
public sealed record TensorView(string Name, long Offset, long Count, IReadOnlyList<int> Shape);
