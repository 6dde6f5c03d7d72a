using FpgaGen.Codegen.Kernels;
using FpgaGen.Codegen.Lowering;
using FpgaGen.Codegen.Portable;
using FpgaGen.Codegen.Rendering;
using FpgaGen.Model;

namespace FpgaGen.Codegen;

/// <summary>
/// One network on one engine configuration, data type and batch, lowered and configured: the entry point for every
/// generated artifact. <see cref="Portable"/> is what `fpgagen simulate` runs; <see cref="IntelSource"/> and
/// <see cref="HlsSources"/> go into the vendor projects.
/// </summary>
public sealed class AcceleratorDesign
{
    private AcceleratorDesign(LoweredNetwork lowered, DesignConfig config, IReadOnlyDictionary<string, int> parameters, TemplateLibrary library)
    {
        Lowered = lowered;
        Config = config;
        Parameters = parameters;
        Library = library;
    }

    public LoweredNetwork Lowered { get; }
    public DesignConfig Config { get; }
    public IReadOnlyDictionary<string, int> Parameters { get; }
    public TemplateLibrary Library { get; }
    public Network Network => Lowered.Network;
    public string Kernel => Lowered.Engine;

    /// <summary>One line describing the design, safe for comments (the network name is model text).</summary>
    public string Title => CNames.CommentText(
        $"{Network.Name}: {Kernel} {string.Join(",", Parameters.Select(kv => $"{kv.Key}={kv.Value}"))}, {Lowered.Precision.Id()}, batch {Lowered.Batch}");

    /// <param name="parameters">Every parameter of the kernel's space (templates/&lt;kernel&gt;/space.yaml), e.g. Tm, Tn, Tr, Tc, vu.</param>
    /// <param name="templatesDir">Templates folder; default the repository's templates/.</param>
    public static AcceleratorDesign Create(Network network, string kernel, IReadOnlyDictionary<string, int> parameters, Precision precision, int batch,
        string? templatesDir = null)
    {
        var lowered = Lowerer.Lower(network, kernel, precision, batch);
        if (lowered.Weights.TotalBytes / Math.Max(1, precision.Bytes()) > int.MaxValue)
            throw new InputException($"{network.Name}: the weights blob ({lowered.Weights.TotalBytes:N0} bytes) is beyond 32-bit element offsets");
        return new AcceleratorDesign(lowered, DesignConfig.For(lowered, parameters), parameters, TemplateLibrary.Load(templatesDir));
    }

    /// <summary>The portable form and launch plan; MAC steps are sliced so that no FIFO buffer exceeds <paramref name="maxFifoBytes"/>.</summary>
    public PortableProgram Portable(long maxFifoBytes = PortableProgramBuilder.DefaultMaxFifoBytes) =>
        PortableProgramBuilder.Build(Config, Title, Library, maxFifoBytes);

    public string IntelSource() => KernelSources.OpenCl(Config, Title, null, Library);

    public IReadOnlyDictionary<string, string> HlsSources() => KernelSources.Hls(Config, Title, Library);
}
