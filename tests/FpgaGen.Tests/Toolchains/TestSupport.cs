using FpgaGen.Toolchains.Processes;

namespace FpgaGen.Tests.Toolchains;

/// <summary>A fresh temporary folder, deleted afterwards.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "fpgagen-test-" + Guid.NewGuid().ToString("N")[..12]);

    public string File(string name, string contents)
    {
        var full = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        System.IO.File.WriteAllText(full, contents);
        return full;
    }

    /// <summary>Writes a bash script and returns a spec that runs it with bash.</summary>
    public ProcessSpec Script(string body, params string[] args)
    {
        var path = File($"script-{Guid.NewGuid():N}.sh", "set -u\n" + body + "\n");
        return new ProcessSpec("bash", [path, .. args]) { WorkingDirectory = Path };
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}

public static class ChildProcesses
{
    /// <summary>
    /// True while the process runs. A killed process whose parent died may linger as a zombie until init reaps it;
    /// a zombie runs nothing, so it counts as dead.
    /// </summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
            return state is not ("Z" or "X");
        }
        catch (IOException)
        {
            return false;
        }
    }

    public static async Task<bool> DiesWithinAsync(int pid, TimeSpan limit)
    {
        var until = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < until)
        {
            if (!IsAlive(pid)) return true;
            await Task.Delay(20);
        }
        return !IsAlive(pid);
    }

    public static async Task<int> ReadPidAsync(string file)
    {
        for (var i = 0; i < 200; i++)
        {
            if (File.Exists(file) && int.TryParse(File.ReadAllText(file).Trim(), out var pid)) return pid;
            await Task.Delay(10);
        }
        throw new TimeoutException($"no PID in {file}");
    }
}
