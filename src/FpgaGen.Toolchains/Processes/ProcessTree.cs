using Mono.Unix.Native;

namespace FpgaGen.Toolchains.Processes;

/// <summary>A process as the kernel knows it: its PID and its start time, so a reused PID is never mistaken for it.</summary>
internal readonly record struct ProcessHandle(int Pid, ulong StartTicks);

/// <summary>
/// The tool's descendants, read from Linux's /proc. Stopping a tool signals every one of them: a tool that dies of
/// SIGINT leaves its children orphaned outside its tree, where Process.Kill(entireProcessTree) no longer finds them,
/// so we list them before the first signal. Elsewhere the list is empty and only the tool itself is signalled.
/// </summary>
internal static class ProcessTree
{
    /// <summary>Every descendant of the given processes (not the roots themselves).</summary>
    public static IReadOnlyList<ProcessHandle> Descendants(IEnumerable<int> roots)
    {
        if (!OperatingSystem.IsLinux()) return [];
        var children = new Dictionary<int, List<ProcessHandle>>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || Stat(pid) is not { } stat) continue;
            if (!children.TryGetValue(stat.Parent, out var list)) children[stat.Parent] = list = [];
            list.Add(new ProcessHandle(pid, stat.StartTicks));
        }
        var found = new List<ProcessHandle>();
        var seen = new HashSet<int>();
        var queue = new Queue<int>(roots);
        while (queue.TryDequeue(out var parent))
        {
            if (!children.TryGetValue(parent, out var list)) continue;
            foreach (var child in list.Where(c => seen.Add(c.Pid)))
            {
                found.Add(child);
                queue.Enqueue(child.Pid);
            }
        }
        return found;
    }

    /// <summary>True while the process runs (a zombie has finished running).</summary>
    public static bool IsRunning(ProcessHandle process) =>
        Stat(process.Pid) is { } stat && stat.StartTicks == process.StartTicks && stat.State is not ('Z' or 'X');

    /// <summary>Sends the signal to those still running; one that has gone meanwhile is skipped.</summary>
    public static void Signal(IEnumerable<ProcessHandle> processes, Signum signal)
    {
        foreach (var p in processes.Where(IsRunning)) Syscall.kill(p.Pid, signal);
    }

    /// <summary>
    /// proc(5): /proc/PID/stat is "pid (comm) state ppid ..." with the start time (in clock ticks since boot) as
    /// field 22. comm may contain spaces and parentheses, so the fields are counted from the last ')'.
    /// </summary>
    private static (char State, int Parent, ulong StartTicks)? Stat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // gone meanwhile, or not ours to read
        }
        var close = text.LastIndexOf(')');
        if (close < 0 || close + 2 >= text.Length) return null;
        var fields = text[(close + 2)..].Split(' ');
        // fields[0] is field 3 (state), so field N is fields[N - 3].
        if (fields.Length < 20 || fields[0].Length == 0 || !int.TryParse(fields[1], out var parent) ||
            !ulong.TryParse(fields[19], out var start)) return null;
        return (fields[0][0], parent, start);
    }
}
