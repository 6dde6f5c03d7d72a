using Silk.NET.OpenCL;

namespace FpgaGen.OpenCl;

/// <summary>
/// The Silk.NET.OpenCL API over the platform's ICD loader. Linux distributions ship only the versioned
/// <c>libOpenCL.so.1</c> unless the -dev package is installed, so the soname is tried first;
/// FPGAGEN_OPENCL_LIBRARY names a loader in a non-standard place (vendor SDKs). A missing loader becomes an
/// <see cref="OpenClUnavailableException"/> with install advice instead of Silk.NET's FileNotFoundException.
/// </summary>
public static class ClLibrary
{
    public const string OverrideVariable = "FPGAGEN_OPENCL_LIBRARY";

    private static readonly object Gate = new();
    private static CL? _api;
    private static string? _loadedFrom;

    /// <summary>The file the loader was loaded from, once <see cref="EnsureLoaded"/> succeeded.</summary>
    public static string? LoadedFrom => _loadedFrom;

    public static IReadOnlyList<string> Candidates()
    {
        var list = new List<string>();
        var over = Environment.GetEnvironmentVariable(OverrideVariable);
        if (!string.IsNullOrWhiteSpace(over)) list.Add(over);
        if (OperatingSystem.IsWindows()) list.Add("OpenCL.dll");
        else if (OperatingSystem.IsMacOS()) list.Add("/System/Library/Frameworks/OpenCL.framework/OpenCL");
        else list.AddRange(["libOpenCL.so.1", "libOpenCL.so"]);
        return list;
    }

    /// <summary>Loads the ICD loader or throws <see cref="OpenClUnavailableException"/>.</summary>
    public static void EnsureLoaded() => _ = Api;

    /// <summary>The loaded API; every wrapper calls OpenCL through it.</summary>
    internal static CL Api
    {
        get
        {
            lock (Gate)
            {
                if (_api is not null) return _api;
                foreach (var name in Candidates())
                {
                    try
                    {
                        // One name at a time (CreateDefaultContext also takes a list) so LoadedFrom can say which file answered.
                        _api = new CL(CL.CreateDefaultContext([name]));
                        _loadedFrom = name;
                        return _api;
                    }
                    catch (FileNotFoundException)
                    {
                        // Silk.NET's "could not load from any of the possible library names": try the next candidate.
                    }
                }
                throw new OpenClUnavailableException(
                    $"no OpenCL runtime found (tried {string.Join(", ", Candidates())}); install an ICD loader and a driver, " +
                    "e.g. `apt-get install ocl-icd-libopencl1 pocl-opencl-icd` for the CPU, or your GPU/FPGA vendor's runtime; " +
                    $"set {OverrideVariable} to use a loader elsewhere");
            }
        }
    }
}
