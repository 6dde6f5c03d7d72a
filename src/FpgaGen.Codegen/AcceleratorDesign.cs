using FpgaGen.Estimation;
using FpgaGen.Codegen.Portable;
using FpgaGen.Codegen.Rendering;
using FpgaGen.Hardware;
using FpgaGen.Kernels;
using FpgaGen.Kernels.Kinds;
using FpgaGen.Kernels.Lowering;
using FpgaGen.Kernels.Plans;
using FpgaGen.Model;

namespace FpgaGen.Codegen;

/// <summary>
/// One network on one engine configuration, data type, batch and device, lowered and planned: the entry point for
/// every generated artifact. Everything rendered comes from <see cref="Plan"/>, the same object the estimate was
/// computed from. <see cref="Portable"/> is what `fpgagen simulate` runs; <see cref="IntelSource"/> and
/// <see cref="HlsSources"/> go into the vendor projects.
/// </summary>
public sealed class AcceleratorDesign
{
    private AcceleratorDesign(PlannedDesign planned, TemplateLibrary library)
    {
        Planned = planned;
        Library = library;
    }

    public PlannedDesign Planned { get; }
    public TemplateLibrary Library { get; }
    public HardwarePlan Plan => Planned.Plan;
    public LoweredNetwork Lowered => Planned.Network;
    public KernelKind Kind => Planned.Kind;
    public IReadOnlyDictionary<string, int> Parameters => Plan.Parameters;
    public Network Network => Lowered.Network;
    public string Kernel => Kind.Id;

    /// <summary>Samples of one run: each compute unit's (the lowered network's batch) times the units.</summary>
    public int Batch => Lowered.Batch * Plan.ComputeUnits;

    /// <summary>One line describing the design, safe for comments (the network name is model text).</summary>
    public string Title => CNames.CommentText(
        $"{Network.Name}: {Kernel} {string.Join(",", Parameters.Select(kv => $"{kv.Key}={kv.Value}"))}, {Lowered.Precision.Id()}, batch {Batch}"
        + (Plan.ComputeUnits > 1 ? $", {Plan.ComputeUnits} compute units" : ""));

    /// <param name="parameters">Every parameter of the kernel's space (templates/&lt;kernel&gt;/space.yaml), e.g. Tm, Tn, Tr, Tc, vu.</param>
    /// <param name="templatesDir">Templates folder; default the installed templates/.</param>
    /// <param name="batch">Samples of one run; with several <paramref name="computeUnits"/>, each unit's kernels run batch / units of them.</param>
    public static AcceleratorDesign Create(Network network, string kernel, IReadOnlyDictionary<string, int> parameters, Precision precision, int batch,
        Device device, string? templatesDir = null, int computeUnits = 1)
    {
        var kind = KernelKinds.Get(kernel, templatesDir);
        var config = kind.Space.FromValues(parameters);
        var lowered = Lowerer.Lower(network, kind.LoweringFor(config), precision, Estimator.PerUnit(batch, computeUnits));
        if (lowered.Weights.TotalBytes / Math.Max(1, precision.Bytes()) > int.MaxValue)
            throw new InputException($"{network.Name}: the weights blob ({lowered.Weights.TotalBytes:N0} bytes) is beyond 32-bit element offsets");
        return new AcceleratorDesign(new PlannedDesign(kind, config, lowered, new Target(device, precision, computeUnits)), TemplateLibrary.Load(templatesDir));
    }

    /// <summary>The portable form and launch plan; MAC steps are sliced so that no FIFO buffer exceeds <paramref name="maxFifoBytes"/>.</summary>
    public PortableProgram Portable(long maxFifoBytes = PortableProgramBuilder.DefaultMaxFifoBytes) =>
        PortableProgramBuilder.Build(this, maxFifoBytes);

    public string IntelSource() => KernelSources.OpenCl(this, null);

    public IReadOnlyDictionary<string, string> HlsSources() => KernelSources.Hls(this);
}
