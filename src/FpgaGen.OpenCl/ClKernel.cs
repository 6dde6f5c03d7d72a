using Silk.NET.OpenCL;

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
        using var kernel = Acquire();
        using var mem = buffer.Acquire();
        var raw = mem.Handle;
        Check(ClLibrary.Api.SetKernelArg(kernel.Handle, (uint)index, (nuint)sizeof(nint), &raw), index);
        return this;
    }

    /// <summary>Binds a scalar or vector value (int, float, a struct matching the kernel's type …).</summary>
    public ClKernel SetArg<T>(int index, T value) where T : unmanaged
    {
        using var kernel = Acquire();
        Check(ClLibrary.Api.SetKernelArg(kernel.Handle, (uint)index, (nuint)sizeof(T), &value), index);
        return this;
    }

    /// <summary>Sizes a __local pointer argument (value NULL, size = bytes, per cl.h).</summary>
    public ClKernel SetLocalArg(int index, long bytes)
    {
        using var kernel = Acquire();
        Check(ClLibrary.Api.SetKernelArg(kernel.Handle, (uint)index, (nuint)bytes, null), index);
        return this;
    }

    /// <summary>CL_KERNEL_WORK_GROUP_SIZE: the largest work-group this compiled kernel can launch with.</summary>
    public long MaxWorkGroupSize => (long)WorkGroupInfo<nuint>(KernelWorkGroupInfo.WorkGroupSize);

    /// <summary>CL_KERNEL_LOCAL_MEM_SIZE in bytes.</summary>
    public ulong LocalMemBytes => WorkGroupInfo<ulong>(KernelWorkGroupInfo.LocalMemSize);

    /// <summary>CL_KERNEL_PRIVATE_MEM_SIZE in bytes (register spills show up here on GPUs).</summary>
    public ulong PrivateMemBytes => WorkGroupInfo<ulong>(KernelWorkGroupInfo.PrivateMemSize);

    private T WorkGroupInfo<T>(KernelWorkGroupInfo param) where T : unmanaged
    {
        using var kernel = Acquire();
        var raw = kernel.Handle;
        return ClInfo.Value<T>((size, value, ret) => ClLibrary.Api.GetKernelWorkGroupInfo(raw, Program.Context.Device.Id, param, size, value, ret),
            "clGetKernelWorkGroupInfo");
    }

    private void Check(int status, int index)
    {
        if (status != 0) throw new OpenClException("clSetKernelArg", status, detail: $"kernel {Name}, argument {index}");
    }

    protected override bool ReleaseHandle() => ClLibrary.Api.ReleaseKernel(handle) == ClErrorCodes.Success;
}
