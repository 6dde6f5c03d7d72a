namespace FpgaGen.OpenCl;

/// <summary>
/// An OpenCL call returned an error. Carries the cl.h name (CL_BUILD_PROGRAM_FAILURE …), the
/// function that failed and, for program builds, the compiler's log, which is the only useful
/// part of a kernel compile error.
/// </summary>
public sealed class OpenClException : Exception
{
    public OpenClException(string function, int errorCode, string? buildLog = null, string? detail = null)
        : base(Compose(function, errorCode, buildLog, detail))
    {
        Function = function;
        ErrorCode = errorCode;
        BuildLog = buildLog;
    }

    /// <summary>The OpenCL entry point that failed, e.g. "clBuildProgram".</summary>
    public string Function { get; }

    /// <summary>The raw cl_int status.</summary>
    public int ErrorCode { get; }

    /// <summary>The cl.h name of <see cref="ErrorCode"/>.</summary>
    public string ErrorName => ClErrorCodes.Name(ErrorCode);

    /// <summary>The program build log, for build failures.</summary>
    public string? BuildLog { get; }

    private static string Compose(string function, int code, string? log, string? detail)
    {
        var text = $"{function} failed: {ClErrorCodes.Name(code)} ({code})";
        if (!string.IsNullOrEmpty(detail)) text += ": " + detail;
        if (!string.IsNullOrWhiteSpace(log)) text += Environment.NewLine + "build log:" + Environment.NewLine + log.TrimEnd();
        return text;
    }

    /// <summary>Throws when <paramref name="status"/> is not CL_SUCCESS.</summary>
    internal static void Check(int status, string function)
    {
        if (status != ClErrorCodes.Success) throw new OpenClException(function, status);
    }
}

/// <summary>
/// No usable OpenCL runtime (no loader library, or a loader with no platform/device). A user-facing
/// condition, so it is an <see cref="InputException"/>: the CLI prints the message and exits 2.
/// </summary>
public sealed class OpenClUnavailableException : InputException
{
    public OpenClUnavailableException(string message) : base(message) { }
}
