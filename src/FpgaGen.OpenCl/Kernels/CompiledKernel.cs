namespace FpgaGen.OpenCl.Kernels;

/// <summary>
/// One embedded kernel source built with one parameter set, and its entry point: what <see cref="GemmKernel"/> and
/// <see cref="ConvKernel"/> hold. Building checks the work-group the tile needs against what the compiled kernel
/// allows, so a candidate that compiles but could never launch fails here with a clear message.
/// </summary>
internal sealed class CompiledKernel : IDisposable
{
    private readonly ClProgram program;

    private CompiledKernel(ClProgram program, ClKernel kernel)
    {
        this.program = program;
        Kernel = kernel;
    }

    public ClKernel Kernel { get; }

    /// <summary>Builds <paramref name="source"/> with <paramref name="options"/> and creates <paramref name="entry"/>.</summary>
    public static CompiledKernel Build(OpenClSession session, string source, string options, string entry, long workGroupSize)
    {
        var program = session.Build(source, options);
        ClKernel? kernel = null;
        try
        {
            kernel = program.CreateKernel(entry);
            if (kernel.MaxWorkGroupSize < workGroupSize)
                throw new OpenClException("clGetKernelWorkGroupInfo", ClErrorCodes.InvalidWorkGroupSize,
                    detail: $"the compiled kernel allows {kernel.MaxWorkGroupSize} work-items per group, the tile needs {workGroupSize}");
            return new CompiledKernel(program, kernel);
        }
        catch
        {
            kernel?.Dispose();
            program.Dispose();
            throw;
        }
    }

    /// <summary>Fails unless <paramref name="buffer"/> holds at least <paramref name="elements"/> floats.</summary>
    public static void CheckFloats(string name, ClBuffer buffer, long elements)
    {
        if (elements * sizeof(float) > buffer.SizeBytes)
            throw new ArgumentException($"buffer {name} holds {buffer.SizeBytes / sizeof(float)} floats, the kernel needs {elements}");
    }

    public void Dispose()
    {
        Kernel.Dispose();
        program.Dispose();
    }
}
