namespace FpgaGen.OpenCl.Native;

/// <summary>
/// The OpenCL enumerants this layer uses, copied from Khronos <c>CL/cl.h</c> (OpenCL-Headers, the
/// values are frozen by the ABI). Grouped as in the header so a reader can check them side by side.
/// </summary>
internal static class ClConstants
{
    // cl_platform_info
    public const uint PlatformProfile = 0x0900;
    public const uint PlatformVersion = 0x0901;
    public const uint PlatformName = 0x0902;
    public const uint PlatformVendor = 0x0903;

    // cl_device_type (bitfield)
    public const ulong DeviceTypeDefault = 1 << 0;
    public const ulong DeviceTypeCpu = 1 << 1;
    public const ulong DeviceTypeGpu = 1 << 2;
    public const ulong DeviceTypeAccelerator = 1 << 3;
    public const ulong DeviceTypeCustom = 1 << 4;
    public const ulong DeviceTypeAll = 0xFFFFFFFF;

    // cl_device_info
    public const uint DeviceType = 0x1000;
    public const uint DeviceMaxComputeUnits = 0x1002;
    public const uint DeviceMaxWorkGroupSize = 0x1004;
    public const uint DeviceMaxClockFrequency = 0x100C;
    public const uint DeviceMaxMemAllocSize = 0x1010;
    public const uint DeviceGlobalMemSize = 0x101F;
    public const uint DeviceLocalMemSize = 0x1023;
    public const uint DeviceAvailable = 0x1027;
    public const uint DeviceName = 0x102B;
    public const uint DeviceVendor = 0x102C;
    public const uint DriverVersion = 0x102D;
    public const uint DeviceVersion = 0x102F;
    public const uint DeviceExtensions = 0x1030;
    public const uint DeviceOpenClCVersion = 0x103D;

    // cl_context_properties
    public const nint ContextPlatform = 0x1084;

    // cl_command_queue_properties and the 2.0 property key
    public const uint QueueProperties = 0x1093;
    public const ulong QueueProfilingEnable = 1 << 1;

    // cl_mem_flags
    public const ulong MemReadWrite = 1 << 0;
    public const ulong MemWriteOnly = 1 << 1;
    public const ulong MemReadOnly = 1 << 2;
    public const ulong MemUseHostPtr = 1 << 3;
    public const ulong MemAllocHostPtr = 1 << 4;
    public const ulong MemCopyHostPtr = 1 << 5;

    // cl_program_info / cl_program_build_info
    public const uint ProgramBinarySizes = 0x1165;
    public const uint ProgramBinaries = 0x1166;
    public const uint ProgramBuildStatus = 0x1181;
    public const uint ProgramBuildLog = 0x1183;

    // cl_kernel_work_group_info
    public const uint KernelWorkGroupSize = 0x11B0;
    public const uint KernelLocalMemSize = 0x11B2;
    public const uint KernelPrivateMemSize = 0x11B4;

    // cl_event_info and command execution status (CL_COMPLETE = 0, negative = error code)
    public const uint EventCommandExecutionStatus = 0x11D3;

    // cl_profiling_info (values are cl_ulong nanoseconds)
    public const uint ProfilingCommandQueued = 0x1280;
    public const uint ProfilingCommandSubmit = 0x1281;
    public const uint ProfilingCommandStart = 0x1282;
    public const uint ProfilingCommandEnd = 0x1283;

    public const uint True = 1;
    public const uint False = 0;
}
