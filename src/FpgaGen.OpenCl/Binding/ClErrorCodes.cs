using System.Reflection;
using Silk.NET.Core.Attributes;
using Silk.NET.OpenCL;

namespace FpgaGen.OpenCl;

/// <summary>
/// cl_int error code → symbolic name, read from Silk.NET's <see cref="ErrorCodes"/> enum, whose members carry
/// the Khronos header's name in a <see cref="NativeNameAttribute"/> (CL_SUCCESS … CL_MAX_SIZE_RESTRICTION_EXCEEDED
/// and the extensions' codes such as the ICD loader's CL_PLATFORM_NOT_FOUND_KHR), so an exception names the
/// error instead of printing a bare number.
/// </summary>
public static class ClErrorCodes
{
    public const int Success = (int)ErrorCodes.Success;
    public const int DeviceNotFound = (int)ErrorCodes.DeviceNotFound;
    public const int BuildProgramFailure = (int)ErrorCodes.BuildProgramFailure;
    public const int ExecStatusErrorForEventsInWaitList = (int)ErrorCodes.ExecStatusErrorForEventsInWaitList;
    public const int InvalidWorkGroupSize = (int)ErrorCodes.InvalidWorkGroupSize;
    public const int PlatformNotFoundKhr = (int)ErrorCodes.PlatformNotFoundKhr;

    private static readonly Dictionary<int, string> Names = Build();

    /// <summary>The cl.h name of <paramref name="code"/>, or "CL_UNKNOWN_ERROR(n)" for vendor codes.</summary>
    public static string Name(int code) => Names.TryGetValue(code, out var name) ? name : $"CL_UNKNOWN_ERROR({code})";

    private static Dictionary<int, string> Build()
    {
        var names = new Dictionary<int, string>();
        foreach (var field in typeof(ErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var native = field.GetCustomAttribute<NativeNameAttribute>()?.Name;
            if (!string.IsNullOrEmpty(native)) names.TryAdd((int)field.GetRawConstantValue()!, native); // first spelling of an alias wins
        }
        return names;
    }
}
