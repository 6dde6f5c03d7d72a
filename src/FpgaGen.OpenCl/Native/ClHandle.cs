using System.Runtime.InteropServices;

namespace FpgaGen.OpenCl.Native;

/// <summary>
/// Base of every reference-counted cl object wrapper: disposing (or finalizing) calls the matching
/// clRelease*. NULL is the invalid value, which is what a failed clCreate* returns.
/// </summary>
public abstract class ClHandle : SafeHandle
{
    protected ClHandle(nint handle) : base(0, ownsHandle: true) => SetHandle(handle);

    public override bool IsInvalid => handle == 0;

    /// <summary>
    /// Runs <paramref name="use"/> with the raw handle while holding a reference, for APIs that take
    /// a pointer to a handle (kernel arguments, wait lists, interop with other OpenCL libraries).
    /// </summary>
    public T WithRaw<T>(Func<nint, T> use)
    {
        var added = false;
        try
        {
            DangerousAddRef(ref added);
            return use(DangerousGetHandle());
        }
        finally
        {
            if (added) DangerousRelease();
        }
    }
}
