using Silk.NET.Core.Loader;
using Silk.NET.OpenCL;

namespace FpgaGen.OpenCl;

/// <summary>
/// An in-order command queue. Transfers are blocking (they take spans, whose memory may move once
/// the call returns); kernel launches return an event for profiling and waiting.
/// </summary>
public sealed unsafe class ClCommandQueue : ClHandle
{
    private ClCommandQueue(nint handle, ClContext context, bool profiling) : base(handle)
    {
        Context = context;
        Profiling = profiling;
    }

    public ClContext Context { get; }
    public ClDevice Device => Context.Device;

    /// <summary>Whether events from this queue carry start/end timestamps.</summary>
    public bool Profiling { get; }

    /// <summary>
    /// Creates a queue with clCreateCommandQueueWithProperties on OpenCL ≥ 2.0 platforms and
    /// devices, else with the 1.x clCreateCommandQueue (FPGA emulators and old ICDs report 1.2 and
    /// may not export the 2.0 symbol).
    /// </summary>
    public static ClCommandQueue Create(ClContext context, bool profiling = true)
    {
        var cl = ClLibrary.Api;
        var device = context.Device;
        var props = profiling ? CommandQueueProperties.ProfilingEnable : CommandQueueProperties.None;
        int status;
        nint handle;
        using var ctx = context.Acquire();
        if (device.OpenClVersion.Major >= 2 && device.Platform.OpenClVersion.Major >= 2)
        {
            try
            {
                // A 0-terminated key/value list of cl_queue_properties; the key CL_QUEUE_PROPERTIES (0x1093 in cl.h)
                // is the cl_command_queue_info value of the same name, which Silk.NET files under CommandQueueInfo.
                var list = stackalloc QueueProperties[] { (QueueProperties)CommandQueueInfo.Properties, (QueueProperties)props, 0 };
                handle = cl.CreateCommandQueueWithProperties(ctx.Handle, device.Id, list, &status);
                OpenClException.Check(status, "clCreateCommandQueueWithProperties");
                return new ClCommandQueue(handle, context, profiling);
            }
            catch (SymbolLoadingException)
            {
                // A 1.2 ICD loader in front of a 2.0+ driver: fall through to the 1.x call.
            }
        }
        handle = cl.CreateCommandQueue(ctx.Handle, device.Id, props, &status);
        OpenClException.Check(status, "clCreateCommandQueue");
        return new ClCommandQueue(handle, context, profiling);
    }

    /// <summary>Blocking host → device copy of <paramref name="data"/> at element <paramref name="offset"/>.</summary>
    public void Write<T>(ClBuffer buffer, ReadOnlySpan<T> data, long offset = 0) where T : unmanaged
    {
        var (start, bytes) = Range<T>(buffer, data.Length, offset);
        if (bytes == 0) return;
        using var queue = Acquire();
        using var mem = buffer.Acquire();
        fixed (T* p = data)
            OpenClException.Check(ClLibrary.Api.EnqueueWriteBuffer(queue.Handle, mem.Handle, true, start, bytes, p, 0, null, null), "clEnqueueWriteBuffer");
    }

    /// <summary>Blocking device → host copy into <paramref name="destination"/> from element <paramref name="offset"/>.</summary>
    public void Read<T>(ClBuffer buffer, Span<T> destination, long offset = 0) where T : unmanaged
    {
        var (start, bytes) = Range<T>(buffer, destination.Length, offset);
        if (bytes == 0) return;
        using var queue = Acquire();
        using var mem = buffer.Acquire();
        fixed (T* p = destination)
            OpenClException.Check(ClLibrary.Api.EnqueueReadBuffer(queue.Handle, mem.Handle, true, start, bytes, p, 0, null, null), "clEnqueueReadBuffer");
    }

    /// <summary>Reads the whole buffer as <typeparamref name="T"/> elements.</summary>
    public T[] ReadAll<T>(ClBuffer buffer) where T : unmanaged
    {
        var result = new T[buffer.SizeBytes / sizeof(T)];
        Read<T>(buffer, result);
        return result;
    }

    /// <summary>
    /// clEnqueueNDRangeKernel over 1–3 dimensions. <paramref name="local"/> empty lets the runtime
    /// choose the work-group size.
    /// </summary>
    public ClEvent EnqueueNDRange(ClKernel kernel, ReadOnlySpan<long> global, ReadOnlySpan<long> local = default)
    {
        if (global.Length is < 1 or > 3) throw new ArgumentException("an NDRange has 1 to 3 dimensions", nameof(global));
        if (!local.IsEmpty && local.Length != global.Length)
            throw new ArgumentException("local and global sizes need the same number of dimensions", nameof(local));
        var g = stackalloc nuint[3];
        var l = stackalloc nuint[3];
        for (var i = 0; i < global.Length; i++)
        {
            g[i] = (nuint)global[i];
            if (!local.IsEmpty) l[i] = (nuint)local[i];
        }
        nint evt;
        int status;
        using (var queue = Acquire())
        using (var k = kernel.Acquire())
            status = ClLibrary.Api.EnqueueNdrangeKernel(queue.Handle, k.Handle, (uint)global.Length, null, g, local.IsEmpty ? null : l, 0, null, &evt);
        if (status != 0)
            throw new OpenClException("clEnqueueNDRangeKernel", status, detail:
                $"kernel {kernel.Name}, global [{string.Join(",", global.ToArray())}], local [{(local.IsEmpty ? "auto" : string.Join(",", local.ToArray()))}]");
        return new ClEvent(evt);
    }

    /// <summary>clEnqueueTask: one work-item, the launch style of single-work-item FPGA kernels.</summary>
    public ClEvent EnqueueTask(ClKernel kernel)
    {
        nint evt;
        using (var queue = Acquire())
        using (var k = kernel.Acquire())
            OpenClException.Check(ClLibrary.Api.EnqueueTask(queue.Handle, k.Handle, 0, null, &evt), "clEnqueueTask");
        return new ClEvent(evt);
    }

    public void Finish()
    {
        using var queue = Acquire();
        OpenClException.Check(ClLibrary.Api.Finish(queue.Handle), "clFinish");
    }

    public void Flush()
    {
        using var queue = Acquire();
        OpenClException.Check(ClLibrary.Api.Flush(queue.Handle), "clFlush");
    }

    private static (nuint Start, nuint Bytes) Range<T>(ClBuffer buffer, int count, long offset) where T : unmanaged
    {
        var start = offset * sizeof(T);
        var bytes = (long)count * sizeof(T);
        if (offset < 0 || start + bytes > buffer.SizeBytes)
            throw new ArgumentOutOfRangeException(nameof(offset),
                $"{count} elements at element {offset} do not fit a buffer of {buffer.SizeBytes} bytes");
        return ((nuint)start, (nuint)bytes);
    }

    protected override bool ReleaseHandle() => ClLibrary.Api.ReleaseCommandQueue(handle) == ClErrorCodes.Success;
}
