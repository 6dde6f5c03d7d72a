namespace FpgaGen.Cli;

/// <summary>
/// The check an output file (`calibrate --out`, `tune --export`) gets before the work, as <see cref="OutputFolder"/>
/// gives folders: a usable path, not a folder, not an existing file unless replacing is allowed, and a place that can
/// be written (probed by creating and removing a hidden file in the nearest folder that exists). Without it, such a
/// place failed only after the work, as an I/O error (exit 1) or, for an empty name, a stack trace.
/// </summary>
internal static class OutputFile
{
    /// <param name="force">Whether an existing file may be replaced; null: always (the command replaces it atomically).</param>
    /// <param name="what">What the file is, for the message ("the export").</param>
    public static void Check(string file, bool? force, string option, string what)
    {
        var full = OutputFolder.CheckPath(file, option, "file");
        if (Directory.Exists(full)) throw new UsageException($"{option} {file}: is a folder; expected a file name");
        if (force == false && File.Exists(full)) throw new UsageException($"{option} {file}: file exists; pass --force to replace it");
        var folder = Path.GetDirectoryName(full)!;
        while (!Directory.Exists(folder)) folder = Path.GetDirectoryName(folder)!;
        var probe = Path.Combine(folder, $".{Path.GetFileName(full)}.probe-{Guid.NewGuid():N}");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write)) { }
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{file}: cannot write {what} there ({InputException.OneLine(e.Message)})");
        }
    }
}
