namespace FpgaGen.OpenCl.Kernels;

/// <summary>The OpenCL C sources embedded in this assembly (Kernels/*.cl).</summary>
public static class KernelSources
{
    public static string Gemm => Read("gemm.cl");
    public static string Conv => Read("conv.cl");

    private static string Read(string file)
    {
        var name = "FpgaGen.OpenCl.Kernels." + file;
        using var stream = typeof(KernelSources).Assembly.GetManifestResourceStream(name)
                           ?? throw new InvalidOperationException($"embedded kernel source {name} is missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
