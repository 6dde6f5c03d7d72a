using System.Runtime.InteropServices;

namespace FpgaGen.OpenCl.Native;

/// <summary>
/// Source-generated P/Invoke declarations for the OpenCL ICD loader. Signatures follow Khronos
/// <c>CL/cl.h</c>: cl_int → int, cl_uint/cl_bool → uint, size_t → nuint, bitfields → ulong,
/// platform/device ids → nint (they are not reference counted), every other cl object → its
/// <see cref="ClHandle"/> subclass so the generated stub holds a reference for the call's duration.
/// Creating calls return a raw nint that the caller wraps at once, so a failed create (NULL plus an
/// error code) never produces a live handle.
/// </summary>
internal static unsafe partial class ClNative
{
    /// <summary>Logical name; <see cref="ClLibrary"/> resolves it to the platform's loader file.</summary>
    public const string Library = "OpenCL";

    static ClNative() => ClLibrary.RegisterResolver();

    // --- platforms and devices -------------------------------------------------------------
    [LibraryImport(Library)]
    public static partial int clGetPlatformIDs(uint numEntries, nint* platforms, uint* numPlatforms);

    [LibraryImport(Library)]
    public static partial int clGetPlatformInfo(nint platform, uint param, nuint size, void* value, nuint* sizeRet);

    [LibraryImport(Library)]
    public static partial int clGetDeviceIDs(nint platform, ulong deviceType, uint numEntries, nint* devices, uint* numDevices);

    [LibraryImport(Library)]
    public static partial int clGetDeviceInfo(nint device, uint param, nuint size, void* value, nuint* sizeRet);

    // --- context and queues ----------------------------------------------------------------
    [LibraryImport(Library)]
    public static partial nint clCreateContext(nint* properties, uint numDevices, nint* devices, nint notify, nint userData, int* errcode);

    /// <summary>OpenCL 1.x entry point (deprecated in 2.0, still exported by every loader).</summary>
    [LibraryImport(Library)]
    public static partial nint clCreateCommandQueue(ClContext context, nint device, ulong properties, int* errcode);

    /// <summary>OpenCL 2.0+ entry point; properties are a 0-terminated key/value list.</summary>
    [LibraryImport(Library)]
    public static partial nint clCreateCommandQueueWithProperties(ClContext context, nint device, ulong* properties, int* errcode);

    [LibraryImport(Library)]
    public static partial int clFinish(ClCommandQueue queue);

    [LibraryImport(Library)]
    public static partial int clFlush(ClCommandQueue queue);

    // --- programs and kernels --------------------------------------------------------------
    [LibraryImport(Library)]
    public static partial nint clCreateProgramWithSource(ClContext context, uint count, byte** strings, nuint* lengths, int* errcode);

    [LibraryImport(Library)]
    public static partial nint clCreateProgramWithBinary(ClContext context, uint numDevices, nint* devices, nuint* lengths, byte** binaries, int* binaryStatus, int* errcode);

    [LibraryImport(Library)]
    public static partial int clBuildProgram(ClProgram program, uint numDevices, nint* devices, byte* options, nint notify, nint userData);

    [LibraryImport(Library)]
    public static partial int clGetProgramBuildInfo(ClProgram program, nint device, uint param, nuint size, void* value, nuint* sizeRet);

    [LibraryImport(Library)]
    public static partial int clGetProgramInfo(ClProgram program, uint param, nuint size, void* value, nuint* sizeRet);

    [LibraryImport(Library)]
    public static partial nint clCreateKernel(ClProgram program, byte* name, int* errcode);

    [LibraryImport(Library)]
    public static partial int clSetKernelArg(ClKernel kernel, uint index, nuint size, void* value);

    [LibraryImport(Library)]
    public static partial int clGetKernelWorkGroupInfo(ClKernel kernel, nint device, uint param, nuint size, void* value, nuint* sizeRet);

    // --- memory ----------------------------------------------------------------------------
    [LibraryImport(Library)]
    public static partial nint clCreateBuffer(ClContext context, ulong flags, nuint size, void* hostPtr, int* errcode);

    [LibraryImport(Library)]
    public static partial int clEnqueueWriteBuffer(ClCommandQueue queue, ClBuffer buffer, uint blocking, nuint offset, nuint size, void* ptr, uint numWait, nint* waitList, nint* evt);

    [LibraryImport(Library)]
    public static partial int clEnqueueReadBuffer(ClCommandQueue queue, ClBuffer buffer, uint blocking, nuint offset, nuint size, void* ptr, uint numWait, nint* waitList, nint* evt);

    // --- execution and events --------------------------------------------------------------
    [LibraryImport(Library)]
    public static partial int clEnqueueNDRangeKernel(ClCommandQueue queue, ClKernel kernel, uint workDim, nuint* globalOffset, nuint* globalSize, nuint* localSize, uint numWait, nint* waitList, nint* evt);

    /// <summary>Single work-item launch (deprecated in 2.0 but what FPGA hosts such as PipeCNN use).</summary>
    [LibraryImport(Library)]
    public static partial int clEnqueueTask(ClCommandQueue queue, ClKernel kernel, uint numWait, nint* waitList, nint* evt);

    [LibraryImport(Library)]
    public static partial int clWaitForEvents(uint numEvents, nint* events);

    [LibraryImport(Library)]
    public static partial int clGetEventInfo(ClEvent evt, uint param, nuint size, void* value, nuint* sizeRet);

    [LibraryImport(Library)]
    public static partial int clGetEventProfilingInfo(ClEvent evt, uint param, nuint size, void* value, nuint* sizeRet);

    // --- release (called from ClHandle.ReleaseHandle with the raw value) -------------------
    [LibraryImport(Library)] public static partial int clReleaseContext(nint context);
    [LibraryImport(Library)] public static partial int clReleaseCommandQueue(nint queue);
    [LibraryImport(Library)] public static partial int clReleaseProgram(nint program);
    [LibraryImport(Library)] public static partial int clReleaseKernel(nint kernel);
    [LibraryImport(Library)] public static partial int clReleaseMemObject(nint mem);
    [LibraryImport(Library)] public static partial int clReleaseEvent(nint evt);
}
