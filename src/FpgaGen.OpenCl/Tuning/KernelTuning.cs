using FpgaGen.OpenCl.Kernels;

namespace FpgaGen.OpenCl.Tuning;

/// <summary>
/// Kernel-name dispatch for the CLI: `fpgagen tune --kernel gemm|conv --shape TEXT` and the lookup
/// of tuned parameters when generating or running kernels.
/// </summary>
public static class KernelTuning
{
    public static IReadOnlyList<string> Kernels { get; } = [GemmTuning.KernelName, ConvTuning.KernelName];

    /// <summary>Shape syntax per kernel, for help text and error messages.</summary>
    public static string ShapeSyntax(string kernel) => Normalize(kernel) switch
    {
        GemmTuning.KernelName => "MxNxK, e.g. 197x2304x768",
        _ => "n=1,c=64,h=56,w=56,o=64,k=3,s=1,p=1",
    };

    public static TuningShape ParseShape(string kernel, string shapeText) => Normalize(kernel) switch
    {
        GemmTuning.KernelName => GemmTuning.ShapeOf(GemmShape.Parse(shapeText)),
        _ => ConvTuning.ShapeOf(ConvShape.Parse(shapeText)),
    };

    /// <summary>
    /// Uploads test data for <paramref name="shapeText"/> and computes its reference (seconds for
    /// large shapes). <paramref name="space"/> replaces the built-in space (e.g. from --space FILE).
    /// </summary>
    public static ITuningProblem CreateProblem(OpenClSession session, string kernel, string shapeText, ParameterSpace? space = null) =>
        Normalize(kernel) switch
        {
            GemmTuning.KernelName => GemmTuning.CreateProblem(session, GemmShape.Parse(shapeText), space),
            _ => ConvTuning.CreateProblem(session, ConvShape.Parse(shapeText), space),
        };

    public static KernelParameters DefaultFor(string kernel, ClDeviceType type) => Normalize(kernel) switch
    {
        GemmTuning.KernelName => GemmTuning.DefaultFor(type),
        _ => ConvTuning.DefaultFor(type),
    };

    /// <summary>The built-in space the tuner would search on <paramref name="device"/>.</summary>
    public static ParameterSpace SpaceFor(string kernel, ClDevice device) => Normalize(kernel) switch
    {
        GemmTuning.KernelName => GemmTuning.SpaceFor(device),
        _ => ConvTuning.Space,
    };

    /// <summary>Best parameters for the kernel and shape on <paramref name="device"/>, by the database's fallback order.</summary>
    public static TunedParameters Lookup(TuningDatabase database, string kernel, string shapeText, ClDevice device) =>
        database.Lookup(DeviceIdentity.Of(device), ParseShape(kernel, shapeText), DefaultFor(kernel, device.Type));

    private static string Normalize(string kernel)
    {
        var k = kernel.Trim().ToLowerInvariant();
        if (!Kernels.Contains(k)) throw new InputException($"unknown kernel '{kernel}'; choose {string.Join(" or ", Kernels)}");
        return k;
    }
}
