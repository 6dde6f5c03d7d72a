using System.Text;
using Silk.NET.OpenCL;

namespace FpgaGen.OpenCl;

/// <summary>
/// A program for the context's device, from OpenCL C source or from a device binary (the way FPGA
/// runtimes load .aocx/.xclbin images). <see cref="Build"/> throws an <see cref="OpenClException"/>
/// whose <see cref="OpenClException.BuildLog"/> holds the compiler output.
/// </summary>
public sealed unsafe class ClProgram : ClHandle
{
    private ClProgram(nint handle, ClContext context) : base(handle) => Context = context;

    public ClContext Context { get; }

    public static ClProgram FromSource(ClContext context, string source)
    {
        var bytes = Encoding.UTF8.GetBytes(source);
        int status;
        nint handle;
        using var ctx = context.Acquire();
        fixed (byte* p = bytes)
        {
            var strings = stackalloc byte*[] { p };
            var lengths = stackalloc nuint[] { (nuint)bytes.Length };
            handle = ClLibrary.Api.CreateProgramWithSource(ctx.Handle, 1, strings, lengths, &status);
        }
        OpenClException.Check(status, "clCreateProgramWithSource");
        return new ClProgram(handle, context);
    }

    /// <summary>Loads a device binary, e.g. one from <see cref="GetBinary"/>; still needs <see cref="Build"/>.</summary>
    public static ClProgram FromBinary(ClContext context, ReadOnlySpan<byte> binary)
    {
        if (binary.IsEmpty) throw new ArgumentException("the program binary is empty", nameof(binary));
        var device = context.Device.Id;
        int status, binaryStatus;
        nint handle;
        using var ctx = context.Acquire();
        fixed (byte* p = binary)
        {
            var binaries = stackalloc byte*[] { p };
            var lengths = stackalloc nuint[] { (nuint)binary.Length };
            handle = ClLibrary.Api.CreateProgramWithBinary(ctx.Handle, 1, &device, lengths, binaries, &binaryStatus, &status);
        }
        if (status == 0 && binaryStatus != 0) status = binaryStatus;
        if (status != 0)
        {
            if (handle != 0) ClLibrary.Api.ReleaseProgram(handle);
            throw new OpenClException("clCreateProgramWithBinary", status);
        }
        return new ClProgram(handle, context);
    }

    /// <summary>
    /// clBuildProgram for the context's device. On failure the exception carries the error name
    /// (CL_BUILD_PROGRAM_FAILURE for compile errors) and the build log.
    /// </summary>
    public ClProgram Build(string options = "")
    {
        var device = Context.Device.Id;
        var bytes = Encoding.UTF8.GetBytes(options + "\0");
        int status;
        using (var program = Acquire())
        fixed (byte* p = bytes)
            status = ClLibrary.Api.BuildProgram(program.Handle, 1, &device, p, null, null);
        if (status != 0)
        {
            string? log = null;
            try { log = BuildLog(); }
            catch (OpenClException) { /* the log is best effort; the status is what matters */ }
            throw new OpenClException("clBuildProgram", status, log);
        }
        return this;
    }

    /// <summary>The build log for the context's device (may be empty on success).</summary>
    public string BuildLog()
    {
        using var program = Acquire();
        var raw = program.Handle;
        return ClInfo.String((size, value, ret) => ClLibrary.Api.GetProgramBuildInfo(raw, Context.Device.Id, ProgramBuildInfo.BuildLog, size, value, ret),
            "clGetProgramBuildInfo");
    }

    /// <summary>The built program's device binary (CL_PROGRAM_BINARIES for the single device).</summary>
    public byte[] GetBinary()
    {
        var cl = ClLibrary.Api;
        using var program = Acquire();
        nuint size;
        OpenClException.Check(cl.GetProgramInfo(program.Handle, ProgramInfo.BinarySizes, (nuint)sizeof(nuint), &size, null), "clGetProgramInfo");
        var binary = new byte[(int)size];
        fixed (byte* p = binary)
        {
            var pointers = stackalloc byte*[] { p };
            OpenClException.Check(cl.GetProgramInfo(program.Handle, ProgramInfo.Binaries, (nuint)sizeof(byte*), pointers, null), "clGetProgramInfo");
        }
        return binary;
    }

    public ClKernel CreateKernel(string name)
    {
        var bytes = Encoding.UTF8.GetBytes(name + "\0");
        int status;
        nint handle;
        using (var program = Acquire())
        fixed (byte* p = bytes)
            handle = ClLibrary.Api.CreateKernel(program.Handle, p, &status);
        if (status != 0) throw new OpenClException("clCreateKernel", status, detail: $"kernel '{name}'");
        return new ClKernel(handle, this, name);
    }

    protected override bool ReleaseHandle() => ClLibrary.Api.ReleaseProgram(handle) == ClErrorCodes.Success;
}
