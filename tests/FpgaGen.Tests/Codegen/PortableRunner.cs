using FpgaGen.Codegen.Portable;
using FpgaGen.OpenCl;

namespace FpgaGen.Tests.Codegen;

/// <summary>
/// Runs a portable program's launch plan on an OpenCL device (PoCL in CI), checking every launch's item counts: the
/// procedure <see cref="PortableProgram"/> documents, and the smallest version of what `fpgagen simulate` does.
/// </summary>
internal sealed class PortableRunner : IDisposable
{
    private readonly OpenClSession session;
    private readonly ClProgram program;
    private readonly bool ownsProgram;
    private readonly Dictionary<string, ClBuffer> buffers = [];
    private readonly Dictionary<string, ClKernel> kernels = [];

    public PortableRunner(OpenClSession session, PortableProgram portable, ClProgram? built = null)
    {
        this.session = session;
        Portable = portable;
        program = built ?? session.Build(portable.Source, portable.BuildOptions);
        ownsProgram = built is null;
        foreach (var b in portable.Buffers) buffers[b.Name] = session.Context.CreateBuffer(b.Bytes);
    }

    public PortableProgram Portable { get; }

    /// <summary>Writes the blob and the input, runs every step, returns the decoded output (real values).</summary>
    public float[] Run(byte[] weightsBlob, float[] input, Action<PlanStep>? afterStep = null)
    {
        var q = session.Queue;
        q.Write<byte>(buffers["weights"], weightsBlob);
        q.Write<byte>(buffers["activations"], Portable.EncodeInput(input, weightsBlob), Portable.Input.Offset * Portable.ElementBytes);
        foreach (var step in Portable.Steps)
        {
            foreach (var launch in step.Launches)
            {
                var kernel = Kernel(launch.Kernel);
                for (var i = 0; i < launch.Args.Count; i++)
                {
                    switch (launch.Args[i])
                    {
                        case BufferArg b: kernel.SetArg(i, buffers[b.Buffer]); break;
                        case IntArg n: kernel.SetArg(i, n.Value); break;
                    }
                }
                q.EnqueueTask(kernel).Dispose();
                q.Finish();
                var counts = q.ReadAll<int>(buffers["counts"]);
                foreach (var c in launch.Checks)
                    Assert.True(c.Expected == counts[c.Slot],
                        $"step {step.Name}, kernel {launch.Kernel}: channel {c.Channel} moved {counts[c.Slot]} items, expected {c.Expected}");
            }
            afterStep?.Invoke(step);
        }
        return Portable.DecodeOutput(ReadTensor(Portable.Output), weightsBlob);
    }

    public byte[] ReadTensor(TensorView view)
    {
        var bytes = new byte[view.Count * Portable.ElementBytes];
        session.Queue.Read<byte>(buffers["activations"], bytes, view.Offset * Portable.ElementBytes);
        return bytes;
    }

    private ClKernel Kernel(string name)
    {
        if (!kernels.TryGetValue(name, out var k)) kernels[name] = k = program.CreateKernel(name);
        return k;
    }

    public void Dispose()
    {
        foreach (var k in kernels.Values) k.Dispose();
        foreach (var b in buffers.Values) b.Dispose();
        if (ownsProgram) program.Dispose();
    }
}
