using System.Runtime.InteropServices;

namespace FpgaGen.OpenCl;

/// <summary>
/// Base of every reference-counted cl object wrapper: disposing (or finalizing) calls the matching
/// clRelease*. NULL is the invalid value, which is what a failed clCreate* returns. Silk.NET takes raw
/// handles, so each call goes through a <see cref="Lease"/> that holds a reference for the call's duration
/// (a concurrent Dispose then waits instead of releasing the object under the runtime's feet).
/// </summary>
public abstract class ClHandle : SafeHandle
{
    protected ClHandle(nint handle) : base(0, ownsHandle: true) => SetHandle(handle);

    public override bool IsInvalid => handle == 0;

    /// <summary>
    /// Runs <paramref name="use"/> with the raw handle while holding a reference, for interop with other
    /// OpenCL libraries.
    /// </summary>
    public T WithRaw<T>(Func<nint, T> use)
    {
        using var lease = Acquire();
        return use(lease.Handle);
    }

    /// <summary>The raw handle, kept valid until the lease is disposed; throws ObjectDisposedException once disposed.</summary>
    internal Lease Acquire() => new(this);

    internal ref struct Lease
    {
        private readonly ClHandle _owner;
        private bool _added;

        public Lease(ClHandle owner)
        {
            _owner = owner;
            _added = false;
            owner.DangerousAddRef(ref _added);
            Handle = owner.DangerousGetHandle();
        }

        public nint Handle { get; }

        public void Dispose()
        {
            if (!_added) return;
            _added = false;
            _owner.DangerousRelease();
        }
    }
}
