using Silk.NET.OpenCL;

namespace FpgaGen.OpenCl;

/// <summary>
/// One OpenCL device with the properties the tuner and `fpgagen devices` need, read once at
/// construction (clGetDeviceInfo is cheap but not free on every ICD).
/// </summary>
public sealed unsafe class ClDevice
{
    internal ClDevice(ClPlatform platform, nint id)
    {
        Platform = platform;
        Id = id;
        Name = Text(DeviceInfo.Name);
        Vendor = Text(DeviceInfo.Vendor);
        Version = Text(DeviceInfo.Version);
        DriverVersion = Text(DeviceInfo.DriverVersion);
        Type = (ClDeviceType)Value<ulong>(DeviceInfo.Type);
        ComputeUnits = Value<uint>(DeviceInfo.MaxComputeUnits);
        MaxClockMhz = Value<uint>(DeviceInfo.MaxClockFrequency);
        GlobalMemBytes = Value<ulong>(DeviceInfo.GlobalMemSize);
        LocalMemBytes = Value<ulong>(DeviceInfo.LocalMemSize);
        MaxAllocBytes = Value<ulong>(DeviceInfo.MaxMemAllocSize);
        MaxWorkGroupSize = (long)Value<nuint>(DeviceInfo.MaxWorkGroupSize);
        Available = Value<uint>(DeviceInfo.Available) != 0;
        Extensions = Text(DeviceInfo.Extensions).Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>The raw cl_device_id, for interop with other OpenCL libraries.</summary>
    public nint Id { get; }

    public ClPlatform Platform { get; }
    public string Name { get; }
    public string Vendor { get; }

    /// <summary>CL_DEVICE_VERSION, e.g. "OpenCL 3.0 CUDA".</summary>
    public string Version { get; }

    public string DriverVersion { get; }
    public ClDeviceType Type { get; }
    public uint ComputeUnits { get; }
    public uint MaxClockMhz { get; }
    public ulong GlobalMemBytes { get; }
    public ulong LocalMemBytes { get; }
    public ulong MaxAllocBytes { get; }
    public long MaxWorkGroupSize { get; }
    public bool Available { get; }

    /// <summary>CL_DEVICE_EXTENSIONS, e.g. cl_khr_fp16.</summary>
    public IReadOnlyList<string> Extensions { get; }

    /// <summary>The device's OpenCL version, parsed from <see cref="Version"/>.</summary>
    public Version OpenClVersion => ClVersion.Parse(Version);

    private string Text(DeviceInfo param) =>
        ClInfo.String((size, value, ret) => ClLibrary.Api.GetDeviceInfo(Id, param, size, value, ret), "clGetDeviceInfo");

    private T Value<T>(DeviceInfo param) where T : unmanaged =>
        ClInfo.Value<T>((size, value, ret) => ClLibrary.Api.GetDeviceInfo(Id, param, size, value, ret), "clGetDeviceInfo");

    public override string ToString() => $"{Name} [{Type.ShortName()}, {Platform.Name}]";
}
