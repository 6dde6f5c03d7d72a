using FpgaGen.Codegen.Portable;
using FpgaGen.OpenCl;

namespace FpgaGen.Simulation;

/// <summary>
/// Executes a portable program's launch plan on one OpenCL device: the buffers, the kernels (created once), each
/// step's launches as in-order tasks timed by event profiling, and the FIFO item-count checks after each launch.
/// </summary>
public sealed class PlanRunner : IDisposable
{
    private readonly OpenClSession session;
    private readonly PortableProgram portable;
    private readonly ClProgram program;
    private readonly bool ownsProgram;
    private readonly Dictionary<string, ClBuffer> buffers = [];
    private readonly Dictionary<string, ClKernel> kernels = [];

    /// <param name="built">The program already built from the portable source (a cache's); the runner then leaves it to its owner.</param>
    public PlanRunner(OpenClSession session, PortableProgram portable, ClProgram? built = null)
    {
        this.session = session;
        this.portable = portable;
        CheckFits(session.Device, portable.Buffers);
        program = built ?? session.Build(portable.Source, portable.BuildOptions);
        ownsProgram = built is null;
        foreach (var b in portable.Buffers) buffers[b.Name] = session.Context.CreateBuffer(b.Bytes);
    }

    /// <summary>Refuses plans the device cannot hold, naming the buffer (drivers may only fail at first use).</summary>
    private static void CheckFits(ClDevice device, IReadOnlyList<PlanBuffer> planBuffers)
    {
        static string GiB(double b) => (b / (1L << 30)).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) + " GiB";
        foreach (var b in planBuffers)
            if ((ulong)b.Bytes > device.MaxAllocBytes)
                throw new InputException($"buffer '{b.Name}' needs {GiB(b.Bytes)}, but OpenCL device '{device.Name}' allocates at most {GiB(device.MaxAllocBytes)} per buffer; use a smaller batch or another device");
        var total = planBuffers.Sum(b => b.Bytes);
        if ((ulong)total > device.GlobalMemBytes)
            throw new InputException($"the plan's buffers need {GiB(total)}, more than the {GiB(device.GlobalMemBytes)} of OpenCL device '{device.Name}'; use a smaller batch or another device");
    }

    public void Upload(byte[] weightsBlob, byte[] encodedInput)
    {
        session.Queue.Write<byte>(Buffer(BufferRole.Weights), weightsBlob);
        session.Queue.Write<byte>(Buffer(BufferRole.Activations), encodedInput, portable.Input.Offset * portable.ElementBytes);
    }

    /// <summary>
    /// Runs one step; returns its kernel time and, if a launch moved the wrong number of items, what went wrong. An
    /// instrumented program (<see cref="PortableProgram.Probes"/>) starts every launch with clear counters and shadows
    /// and hands each launch's counter table to <paramref name="counters"/>.
    /// </summary>
    public (double Ms, string? Problem) RunStep(PlanStep step, Action<KernelLaunch, ulong[]>? counters = null)
    {
        var q = session.Queue;
        double ns = 0;
        foreach (var launch in step.Launches)
        {
            if (portable.Probes is not null)
            {
                q.Write<byte>(Buffer(BufferRole.Scratch), new byte[portable.ShadowBytes]);
                q.Write<ulong>(Buffer(BufferRole.Schedule), new ulong[portable.Probes.Rows * portable.Probes.Stride]);
            }
            var kernel = Kernel(launch.Kernel);
            for (var i = 0; i < launch.Args.Count; i++)
                switch (launch.Args[i])
                {
                    case BufferArg b: kernel.SetArg(i, buffers[b.Buffer]); break;
                    case IntArg n: kernel.SetArg(i, n.Value); break;
                }
            using (var e = q.EnqueueTask(kernel))
            {
                e.Wait();
                ns += e.DurationNs();
            }
            if (portable.Probes is not null) counters?.Invoke(launch, q.ReadAll<ulong>(Buffer(BufferRole.Schedule)));
            if (launch.Checks.Count == 0) continue;
            var counts = q.ReadAll<int>(Buffer(BufferRole.Counts));
            foreach (var c in launch.Checks)
                if (counts[c.Slot] != c.Expected)
                    return (ns / 1e6, $"kernel {launch.Kernel}: channel {c.Channel} moved {counts[c.Slot]} items, expected {c.Expected}");
        }
        return (ns / 1e6, null);
    }

    public byte[] ReadTensor(TensorView view)
    {
        var bytes = new byte[view.Count * portable.ElementBytes];
        session.Queue.Read<byte>(Buffer(BufferRole.Activations), bytes, view.Offset * portable.ElementBytes);
        return bytes;
    }

    private ClBuffer Buffer(BufferRole role) => buffers[portable.Buffers.First(b => b.Role == role).Name];

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
