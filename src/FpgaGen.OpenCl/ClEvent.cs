using Silk.NET.OpenCL;

namespace FpgaGen.OpenCl;

/// <summary>A command's event: wait on it, read its status and, on profiling queues, its timestamps.</summary>
public sealed unsafe class ClEvent : ClHandle
{
    internal ClEvent(nint handle) : base(handle) { }

    /// <summary>
    /// Blocks until the command completes. A command that ended abnormally (negative execution
    /// status) throws with that status, e.g. CL_OUT_OF_RESOURCES from a kernel that faulted.
    /// </summary>
    public void Wait()
    {
        int status;
        using (var evt = Acquire()) // keep the event alive while the runtime holds its raw value
        {
            var raw = evt.Handle;
            status = ClLibrary.Api.WaitForEvents(1, &raw);
        }
        if (status == ClErrorCodes.ExecStatusErrorForEventsInWaitList) // report the command's own status
            throw new OpenClException("clWaitForEvents", ExecutionStatus < 0 ? ExecutionStatus : status);
        OpenClException.Check(status, "clWaitForEvents");
    }

    /// <summary>CL_EVENT_COMMAND_EXECUTION_STATUS: 0 complete, 1 running, 2 submitted, 3 queued, negative = error.</summary>
    public int ExecutionStatus
    {
        get
        {
            int value;
            using var evt = Acquire();
            OpenClException.Check(ClLibrary.Api.GetEventInfo(evt.Handle, EventInfo.CommandExecutionStatus, sizeof(int), &value, null), "clGetEventInfo");
            return value;
        }
    }

    /// <summary>CL_PROFILING_COMMAND_START in device nanoseconds (the queue must have profiling on).</summary>
    public ulong StartNs => Profile(ProfilingInfo.Start);

    /// <summary>CL_PROFILING_COMMAND_END in device nanoseconds.</summary>
    public ulong EndNs => Profile(ProfilingInfo.End);

    /// <summary>Waits, then returns END − START: the command's execution time on the device.</summary>
    public long DurationNs()
    {
        Wait();
        return (long)(EndNs - StartNs);
    }

    private ulong Profile(ProfilingInfo param)
    {
        ulong value;
        using var evt = Acquire();
        OpenClException.Check(ClLibrary.Api.GetEventProfilingInfo(evt.Handle, param, sizeof(ulong), &value, null), "clGetEventProfilingInfo");
        return value;
    }

    protected override bool ReleaseHandle() => ClLibrary.Api.ReleaseEvent(handle) == ClErrorCodes.Success;
}
