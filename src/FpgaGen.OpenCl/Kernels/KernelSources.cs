namespace FpgaGen.OpenCl.Kernels;

/// <summary>The OpenCL C sources embedded in this assembly (Kernels/*.cl).</summary>
public static class KernelSources
{
    private static readonly Lazy<string> GemmSource = new(() => Read("gemm.cl"));
    private static readonly Lazy<string> ConvSource = new(() => Read("conv.cl"));

    public static string Gemm => GemmSource.Value;
    public static string Conv => ConvSource.Value;

    private static string Read(string file)
    {
        var name = "FpgaGen.OpenCl.Kernels." + file;
        using var stream = typeof(KernelSources).Assembly.GetManifestResourceStream(name)
                           ?? throw new InvalidOperationException($"embedded kernel source {name} is missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
