using System.Text;

namespace FpgaGen.Toolchains.Processes;

/// <summary>
/// Where the two output readers deliver lines: the log file (flushed per line so `tail -f` and a crash both see
/// everything so far), the caller's callback and a ring of the last lines. One lock keeps the streams' lines whole
/// and the callback single-threaded.
/// </summary>
internal sealed class OutputSink : IDisposable
{
    private readonly object gate = new();
    private readonly StreamWriter? log;
    private readonly Action<OutputLine>? onLine;
    private readonly Queue<OutputLine> tail = new();
    private readonly int tailCapacity;
    private bool closed;

    public OutputSink(string? logPath, Action<OutputLine>? onLine, int tailCapacity)
    {
        this.onLine = onLine;
        this.tailCapacity = Math.Max(0, tailCapacity);
        if (logPath is null) return;
        var full = Path.GetFullPath(logPath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        log = new StreamWriter(new FileStream(full, FileMode.Create, FileAccess.Write, FileShare.ReadWrite), new UTF8Encoding(false));
    }

    public void Add(OutputLine line)
    {
        lock (gate)
        {
            // A background child may still write after we gave up on it and closed the log; drop such lines.
            if (closed) return;
            if (log is not null)
            {
                log.WriteLine(line.Text);
                log.Flush();
            }
            tail.Enqueue(line);
            while (tail.Count > tailCapacity) tail.Dequeue();
            onLine?.Invoke(line);
        }
    }

    public IReadOnlyList<OutputLine> Tail()
    {
        lock (gate) return tail.ToArray();
    }

    public void Dispose()
    {
        lock (gate)
        {
            if (closed) return;
            closed = true;
            log?.Dispose();
        }
    }
}
