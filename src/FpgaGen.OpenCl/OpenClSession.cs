namespace FpgaGen.OpenCl;

/// <summary>
/// A device with its context and one profiling, in-order queue: what running and timing kernels
/// needs. Disposing releases the queue before the context.
/// </summary>
public sealed class OpenClSession : IDisposable
{
    public OpenClSession(ClDevice device)
    {
        Device = device;
        Context = ClContext.Create(device);
        try
        {
            Queue = ClCommandQueue.Create(Context, profiling: true);
        }
        catch
        {
            Context.Dispose();
            throw;
        }
    }

    /// <summary>Opens a session on the device <see cref="OpenClDevices.Select"/> picks for <paramref name="deviceSpec"/>.</summary>
    public static OpenClSession Open(string? deviceSpec = null) => new(OpenClDevices.Select(deviceSpec));

    public ClDevice Device { get; }
    public ClContext Context { get; }
    public ClCommandQueue Queue { get; }

    /// <summary>Compiles <paramref name="source"/>; a compile error throws with the build log.</summary>
    public ClProgram Build(string source, string options = "")
    {
        var program = ClProgram.FromSource(Context, source);
        try
        {
            return program.Build(options);
        }
        catch
        {
            program.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Queue.Dispose();
        Context.Dispose();
    }
}
