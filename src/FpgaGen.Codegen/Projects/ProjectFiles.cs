namespace FpgaGen.Codegen.Projects;

/// <summary>
/// The files of a generated project by relative path. Paths are checked when added and again when written: relative,
/// no "..", no rooted or drive-qualified parts, so every file lands inside the output folder.
/// </summary>
public sealed class ProjectFiles
{
    private readonly SortedDictionary<string, string> files = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, string> Files => files;

    public string this[string path] => files[path];

    public void Add(string path, string text)
    {
        CheckRelative(path);
        if (!files.TryAdd(path, text)) throw new InvalidOperationException($"project file {path} generated twice");
    }

    public void AddAll(IReadOnlyDictionary<string, string> more)
    {
        foreach (var (path, text) in more) Add(path, text);
    }

    /// <summary>Writes every file under <paramref name="dir"/> (which must exist), refusing any path that would leave it.</summary>
    public IReadOnlyList<string> WriteTo(string dir)
    {
        var root = Path.GetFullPath(dir).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        var written = new List<string>();
        foreach (var (path, text) in files)
        {
            var full = Path.GetFullPath(Path.Combine(root, path));
            if (!full.StartsWith(root, StringComparison.Ordinal))
                throw new InvalidOperationException($"project file {path} would be written outside {dir}");
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, text.Replace("\r\n", "\n"));
            if (path.EndsWith(".py", StringComparison.Ordinal) && !OperatingSystem.IsWindows())
                File.SetUnixFileMode(full, File.GetUnixFileMode(full) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            written.Add(full);
        }
        return written;
    }

    /// <summary>Throws unless <paramref name="path"/> is a plain relative path of safe segments.</summary>
    public static void CheckRelative(string path)
    {
        var bad = path.Length == 0 || Path.IsPathRooted(path) || path.Contains('\\') || path.Contains(':') || path.Contains('\0')
            || path.Split('/').Any(s => s is "" or "." or "..");
        if (bad) throw new InvalidOperationException($"unsafe project path '{path}'");
    }
}
