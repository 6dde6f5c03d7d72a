using FpgaGen.OpenCl.Native;

namespace FpgaGen.OpenCl;

/// <summary>
/// A kernel and its arguments. OpenCL does not retain buffers set as arguments: keep them alive
/// until the launches that use them have completed.
/// </summary>
public sealed unsafe class ClKernel : ClHandle
{
    internal ClKernel(nint handle, ClProgram program, string name) : base(handle)
    {
        Program = program;
        Name = name;
    }

    public ClProgram Program { get; }
    public string Name { get; }

    /// <summary>Binds a buffer (the argument value is the cl_mem handle itself).</summary>
    public ClKernel SetArg(int index, ClBuffer buffer)
    {
        var status = buffer.WithRaw(mem => ClNative.clSetKernelArg(this, (uint)index, (nuint)sizeof(nint), &mem));
        Check(status, index);
        return this;
    }

    /// <summary>Binds a scalar or vector value (int, float, a struct matching the kernel's type …).</summary>
    public ClKernel SetArg<T>(int index, T value) where T : unmanaged
    {
        Check(ClNative.clSetKernelArg(this, (uint)index, (nuint)sizeof(T), &value), index);
        return this;
    }

    /// <summary>Sizes a __local pointer argument (value NULL, size = bytes, per cl.h).</summary>
    public ClKernel SetLocalArg(int index, long bytes)
    {
        Check(ClNative.clSetKernelArg(this, (uint)index, (nuint)bytes, null), index);
        return this;
    }

    /// <summary>CL_KERNEL_WORK_GROUP_SIZE: the largest work-group this compiled kernel can launch with.</summary>
    public long MaxWorkGroupSize => (long)WorkGroupInfo<nuint>(ClConstants.KernelWorkGroupSize);

    /// <summary>CL_KERNEL_LOCAL_MEM_SIZE in bytes.</summary>
    public ulong LocalMemBytes => WorkGroupInfo<ulong>(ClConstants.KernelLocalMemSize);

    /// <summary>CL_KERNEL_PRIVATE_MEM_SIZE in bytes (register spills show up here on GPUs).</summary>
    public ulong PrivateMemBytes => WorkGroupInfo<ulong>(ClConstants.KernelPrivateMemSize);

    private T WorkGroupInfo<T>(uint param) where T : unmanaged =>
        ClInfo.Value<T>((size, value, ret) => ClNative.clGetKernelWorkGroupInfo(this, Program.Context.Device.Id, param, size, value, ret),
            "clGetKernelWorkGroupInfo");

    private void Check(int status, int index)
    {
        if (status != 0) throw new OpenClException("clSetKernelArg", status, detail: $"kernel {Name}, argument {index}");
    }

    protected override bool ReleaseHandle() => ClNative.clReleaseKernel(handle) == 0;
}
