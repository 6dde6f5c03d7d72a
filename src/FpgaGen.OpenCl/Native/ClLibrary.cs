using System.Reflection;
using System.Runtime.InteropServices;

namespace FpgaGen.OpenCl.Native;

/// <summary>
/// Finds the OpenCL ICD loader. Linux distributions ship only the versioned <c>libOpenCL.so.1</c>
/// unless the -dev package is installed, so the soname is tried first; FPGAGEN_OPENCL_LIBRARY
/// names a loader in a non-standard place (vendor SDKs). A missing loader becomes an
/// <see cref="OpenClUnavailableException"/> with install advice instead of a DllNotFoundException
/// trace from the first P/Invoke.
/// </summary>
public static class ClLibrary
{
    public const string OverrideVariable = "FPGAGEN_OPENCL_LIBRARY";

    private static readonly object Gate = new();
    private static bool _registered;
    private static nint _handle;
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
    public static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (_handle != 0) return;
            foreach (var name in Candidates())
            {
                if (NativeLibrary.TryLoad(name, out var h))
                {
                    _handle = h;
                    _loadedFrom = name;
                    return;
                }
            }
            throw new OpenClUnavailableException(
                $"no OpenCL runtime found (tried {string.Join(", ", Candidates())}); install an ICD loader and a driver, " +
                "e.g. `apt-get install ocl-icd-libopencl1 pocl-opencl-icd` for the CPU, or your GPU/FPGA vendor's runtime; " +
                $"set {OverrideVariable} to use a loader elsewhere");
        }
    }

    internal static void RegisterResolver()
    {
        lock (Gate)
        {
            if (_registered) return;
            _registered = true;
            NativeLibrary.SetDllImportResolver(typeof(ClLibrary).Assembly, Resolve);
        }
    }

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (name != ClNative.Library) return 0;
        try
        {
            EnsureLoaded();
        }
        catch (OpenClUnavailableException)
        {
            return 0; // the runtime then throws DllNotFoundException; callers go through EnsureLoaded first
        }
        return _handle;
    }
}
