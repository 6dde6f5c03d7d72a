using FpgaGen.Codegen.Weights;
using FpgaGen.Model;

namespace FpgaGen.Codegen.Lowering;

/// <summary>
/// A network turned into what the accelerator executes: steps in order (each one launch of a kernel group), the
/// activation tensors placed in one arena, and the layout of the weights blob. Independent of the vendor flavor.
/// </summary>
public sealed class LoweredNetwork
{
    internal LoweredNetwork(Network network, string engine, Precision precision, int batch, IReadOnlyList<Step> steps,
        IReadOnlyList<ActivationTensor> tensors, ActivationTensor input, ActivationTensor output, long arenaElements, WeightsLayout weights)
    {
        Network = network;
        Engine = engine;
        Precision = precision;
        Batch = batch;
        Steps = steps;
        Tensors = tensors;
        Input = input;
        Output = output;
        ArenaElements = arenaElements;
        Weights = weights;
    }

    public Network Network { get; }

    /// <summary>The MAC engine kind (a kernel id of FpgaGen.Estimation: conv_tiled, conv_systolic, gemm, ln_linear).</summary>
    public string Engine { get; }
    public Precision Precision { get; }
    public int Batch { get; }
    public IReadOnlyList<Step> Steps { get; }
    public IReadOnlyList<ActivationTensor> Tensors { get; }
    public ActivationTensor Input { get; }
    public ActivationTensor Output { get; }

    /// <summary>Size of the activation arena in elements of the data type.</summary>
    public long ArenaElements { get; }
    public WeightsLayout Weights { get; }

    /// <summary>The kernel groups the design needs: the engine, then the vector-unit groups some step uses.</summary>
    public IReadOnlyList<string> Groups =>
        new[] { Engine }.Concat(new[] { "vu_map", "vu_pool", "vu_row" }.Where(g => Steps.Any(s => s.Group == g))).ToList();

    public IEnumerable<MacStep> MacSteps => Steps.OfType<MacStep>();
}
