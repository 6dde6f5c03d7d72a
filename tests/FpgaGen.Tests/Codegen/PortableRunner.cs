using FpgaGen.Codegen.Portable;
using FpgaGen.OpenCl;
using FpgaGen.Simulation;

namespace FpgaGen.Tests.Codegen;

/// <summary>
/// The tests' view of <see cref="PlanRunner"/> (what `fpgagen simulate` runs): the whole plan with every launch's
/// FIFO item counts asserted, and a hook after each step.
/// </summary>
internal sealed class PortableRunner(OpenClSession session, PortableProgram portable, ClProgram? built = null) : IDisposable
{
    private readonly PlanRunner runner = new(session, portable, built);

    public PortableProgram Portable { get; } = portable;

    /// <summary>Writes the blob and the input, runs every step, returns the decoded output (real values).</summary>
    public float[] Run(byte[] weightsBlob, float[] input, Action<PlanStep>? afterStep = null)
    {
        runner.Upload(weightsBlob, Portable.EncodeInput(input, weightsBlob));
        foreach (var step in Portable.Steps)
        {
            var (_, problem) = runner.RunStep(step);
            Assert.True(problem is null, $"step {step.Name}: {problem}");
            afterStep?.Invoke(step);
        }
        return Portable.DecodeOutput(ReadTensor(Portable.Output), weightsBlob);
    }

    public byte[] ReadTensor(TensorView view) => runner.ReadTensor(view);

    public void Dispose() => runner.Dispose();
}
