using Silk.NET.OpenCL;

namespace FpgaGen.OpenCl;

/// <summary>A single-device OpenCL context (clCreateContext). Released on dispose.</summary>
public sealed unsafe class ClContext : ClHandle
{
    private ClContext(nint handle, ClDevice device) : base(handle) => Device = device;

    public ClDevice Device { get; }

    public static ClContext Create(ClDevice device)
    {
        // Properties: CL_CONTEXT_PLATFORM, platform id, 0 terminator (cl.h: cl_context_properties list).
        var properties = stackalloc nint[] { (nint)ContextProperties.Platform, device.Platform.Id, 0 };
        var id = device.Id;
        int status;
        var handle = ClLibrary.Api.CreateContext(properties, 1, &id, null, null, &status);
        OpenClException.Check(status, "clCreateContext");
        return new ClContext(handle, device);
    }

    /// <summary>An uninitialized buffer of <paramref name="bytes"/> bytes.</summary>
    public ClBuffer CreateBuffer(long bytes, ClMemFlags flags = ClMemFlags.ReadWrite)
    {
        if (bytes <= 0) throw new ArgumentOutOfRangeException(nameof(bytes), "an OpenCL buffer needs at least one byte");
        int status;
        nint handle;
        using (var context = Acquire()) handle = ClLibrary.Api.CreateBuffer(context.Handle, (MemFlags)flags, (nuint)bytes, null, &status);
        OpenClException.Check(status, "clCreateBuffer");
        return new ClBuffer(handle, this, bytes);
    }

    /// <summary>A buffer initialized from <paramref name="data"/> (CL_MEM_COPY_HOST_PTR).</summary>
    public ClBuffer CreateBuffer<T>(ReadOnlySpan<T> data, ClMemFlags flags = ClMemFlags.ReadWrite) where T : unmanaged
    {
        var bytes = (long)data.Length * sizeof(T);
        if (bytes <= 0) throw new ArgumentOutOfRangeException(nameof(data), "an OpenCL buffer needs at least one element");
        int status;
        nint handle;
        using (var context = Acquire())
        fixed (T* p = data)
            handle = ClLibrary.Api.CreateBuffer(context.Handle, (MemFlags)(flags | ClMemFlags.CopyHostPtr), (nuint)bytes, p, &status);
        OpenClException.Check(status, "clCreateBuffer");
        return new ClBuffer(handle, this, bytes);
    }

    protected override bool ReleaseHandle() => ClLibrary.Api.ReleaseContext(handle) == ClErrorCodes.Success;
}

/// <summary>cl_mem_flags (Khronos cl.h, CL_MEM_*).</summary>
[Flags]
public enum ClMemFlags : ulong
{
    ReadWrite = 1 << 0,
    WriteOnly = 1 << 1,
    ReadOnly = 1 << 2,
    UseHostPtr = 1 << 3,
    AllocHostPtr = 1 << 4,
    CopyHostPtr = 1 << 5,
}

/// <summary>A device buffer (cl_mem). Released on dispose.</summary>
public sealed class ClBuffer : ClHandle
{
    internal ClBuffer(nint handle, ClContext context, long sizeBytes) : base(handle)
    {
        Context = context;
        SizeBytes = sizeBytes;
    }

    public ClContext Context { get; }
    public long SizeBytes { get; }

    protected override bool ReleaseHandle() => ClLibrary.Api.ReleaseMemObject(handle) == ClErrorCodes.Success;
}
