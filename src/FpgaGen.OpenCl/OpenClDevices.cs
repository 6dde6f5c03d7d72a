namespace FpgaGen.OpenCl;

/// <summary>One row of `fpgagen devices --opencl`.</summary>
/// <param name="Index">Position in the flattened list over all platforms; what `--opencl-device N` takes.</param>
public sealed record OpenClDeviceInfo(
    int Index,
    string PlatformName,
    string DeviceName,
    string Vendor,
    string Type,
    uint ComputeUnits,
    ulong GlobalMemBytes,
    ulong LocalMemBytes,
    long MaxWorkGroupSize,
    string OpenClVersion,
    string DriverVersion)
{
    /// <summary>The live device, for opening a session on it.</summary>
    public required ClDevice Device { get; init; }
}

/// <summary>Device discovery and `--opencl-device N|name` selection.</summary>
public static class OpenClDevices
{
    public const string InstallHint =
        "install an OpenCL driver, e.g. `apt-get install pocl-opencl-icd ocl-icd-libopencl1` (CPU), or your GPU/FPGA vendor's runtime";

    /// <summary>
    /// All devices of all platforms, in platform then device order. Throws
    /// <see cref="OpenClUnavailableException"/> when there is no loader or no device at all.
    /// </summary>
    public static IReadOnlyList<OpenClDeviceInfo> List()
    {
        var platforms = ClPlatform.GetAll();
        if (platforms.Count == 0) throw new OpenClUnavailableException("no OpenCL platform found; " + InstallHint);
        var result = new List<OpenClDeviceInfo>();
        foreach (var platform in platforms)
        foreach (var d in platform.GetDevices())
            result.Add(new OpenClDeviceInfo(result.Count, platform.Name, d.Name, d.Vendor, d.Type.ShortName(), d.ComputeUnits,
                d.GlobalMemBytes, d.LocalMemBytes, d.MaxWorkGroupSize, d.Version, d.DriverVersion) { Device = d });
        if (result.Count == 0)
            throw new OpenClUnavailableException(
                $"OpenCL platform(s) {string.Join(", ", platforms.Select(p => p.Name))} report no device; " + InstallHint);
        return result;
    }

    /// <summary>
    /// Picks a device: null/empty → the first GPU, else the first device; an integer → that index;
    /// anything else → the only device whose name (or platform name) contains it, case-insensitive.
    /// Errors are <see cref="InputException"/>s listing the devices, for the CLI to print.
    /// </summary>
    public static ClDevice Select(string? spec)
    {
        var all = List();
        if (string.IsNullOrWhiteSpace(spec))
            return (all.FirstOrDefault(d => d.Type == "GPU") ?? all[0]).Device;
        spec = spec.Trim();
        if (int.TryParse(spec, out var index))
        {
            if (index < 0 || index >= all.Count)
                throw new InputException($"no OpenCL device {index}; there are {all.Count}: {Describe(all)} (`fpgagen devices --opencl` lists them)");
            return all[index].Device;
        }
        var matches = all.Where(d => d.DeviceName.Contains(spec, StringComparison.OrdinalIgnoreCase)).ToList();
        if (matches.Count == 0)
            matches = all.Where(d => d.PlatformName.Contains(spec, StringComparison.OrdinalIgnoreCase)).ToList();
        return matches.Count switch
        {
            1 => matches[0].Device,
            0 => throw new InputException($"no OpenCL device matches '{spec}'; available: {Describe(all)}"),
            _ => throw new InputException($"'{spec}' matches {matches.Count} OpenCL devices; use an index: {Describe(matches)}"),
        };
    }

    /// <summary>"N: device [TYPE] (platform); ..." on one line, so an error that lists devices stays one line.</summary>
    public static string Describe(IEnumerable<OpenClDeviceInfo> devices) =>
        string.Join("; ", devices.Select(d => $"{d.Index}: {d.DeviceName} [{d.Type}] ({d.PlatformName})"));
}
