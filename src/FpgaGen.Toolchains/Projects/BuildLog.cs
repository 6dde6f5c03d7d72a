using System.Text;
using FpgaGen.Toolchains.Processes;

namespace FpgaGen.Toolchains.Projects;

/// <summary>
/// build/&lt;target&gt;.log: every line of every tool step of one compile, as it arrives (flushed per line, so
/// `tail -f` follows it and a kill loses nothing), each step introduced by a "== step" line and closed with how it
/// ended. The drivers also keep one log per step (build/&lt;target&gt;/logs/).
/// </summary>
public sealed class BuildLog : IDisposable
{
    private readonly object gate = new();
    private readonly StreamWriter writer;
    private readonly Action<string, OutputLine>? forward;
    private string? step;
    private bool closed;

    public BuildLog(string path, Action<string, OutputLine>? forward)
    {
        Path = System.IO.Path.GetFullPath(path);
        System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        writer = new StreamWriter(new FileStream(Path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite), new UTF8Encoding(false));
        this.forward = forward;
    }

    public string Path { get; }

    /// <summary>A line from the tool of a step (the drivers' OnLine callback).</summary>
    public void Line(string stepName, OutputLine line)
    {
        lock (gate)
        {
            if (closed) return;
            if (stepName != step)
            {
                step = stepName;
                Write($"== {stepName}");
            }
            Write(line.Text);
        }
        forward?.Invoke(stepName, line);
    }

    /// <summary>A line of FpgaGen's own (which tool, how a step ended).</summary>
    public void Note(string text)
    {
        lock (gate)
        {
            if (!closed) Write("== " + text);
        }
    }

    private void Write(string text)
    {
        writer.WriteLine(text);
        writer.Flush();
    }

    public void Dispose()
    {
        lock (gate)
        {
            closed = true;
            writer.Dispose();
        }
    }
}
