using FpgaGen.Kernels.Weights;
using FpgaGen.Model;

namespace FpgaGen.Kernels.Lowering;

/// <summary>
/// A network turned into what the accelerator executes: steps in order (each one launch of a kernel group), the
/// activation tensors placed in one arena, and the layout of the weights blob. Independent of the kernel kind (but
/// for <see cref="Options"/>) and of the vendor flavor; the estimator and the generator both work from it.
/// </summary>
public sealed class LoweredNetwork
{
    internal LoweredNetwork(Network network, LoweringOptions options, IReadOnlyList<Execution> execution, Precision precision, int batch,
        IReadOnlyList<Step> steps, IReadOnlyList<ActivationTensor> tensors, ActivationTensor input, ActivationTensor output, long arenaElements,
        WeightsLayout weights)
    {
        Network = network;
        Options = options;
        Execution = execution;
        Precision = precision;
        Batch = batch;
        Steps = steps;
        Tensors = tensors;
        Input = input;
        Output = output;
        ArenaElements = arenaElements;
        Weights = weights;
        MacSteps = steps.OfType<MacStep>().ToList();
    }

    public Network Network { get; }
    public LoweringOptions Options { get; }

    /// <summary>How each layer of <see cref="Network"/> runs (same order as its layers).</summary>
    public IReadOnlyList<Execution> Execution { get; }
    public Precision Precision { get; }
    public int Batch { get; }
    public IReadOnlyList<Step> Steps { get; }
    public IReadOnlyList<ActivationTensor> Tensors { get; }
    public ActivationTensor Input { get; }
    public ActivationTensor Output { get; }

    /// <summary>Size of the activation arena in elements of the data type.</summary>
    public long ArenaElements { get; }
    public WeightsLayout Weights { get; }

    public IReadOnlyList<MacStep> MacSteps { get; }
}
