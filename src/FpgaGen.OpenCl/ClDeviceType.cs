namespace FpgaGen.OpenCl;

/// <summary>cl_device_type bits (Khronos cl.h, CL_DEVICE_TYPE_*).</summary>
[Flags]
public enum ClDeviceType : ulong
{
    Default = 1 << 0,
    Cpu = 1 << 1,
    Gpu = 1 << 2,
    Accelerator = 1 << 3,
    Custom = 1 << 4,
    All = 0xFFFFFFFF,
}

public static class ClDeviceTypeExtensions
{
    /// <summary>A short name for one device's type: "CPU", "GPU", "ACCELERATOR", "CUSTOM" or "OTHER".</summary>
    public static string ShortName(this ClDeviceType type) =>
        type.HasFlag(ClDeviceType.Gpu) ? "GPU"
        : type.HasFlag(ClDeviceType.Cpu) ? "CPU"
        : type.HasFlag(ClDeviceType.Accelerator) ? "ACCELERATOR"
        : type.HasFlag(ClDeviceType.Custom) ? "CUSTOM"
        : "OTHER";
}
