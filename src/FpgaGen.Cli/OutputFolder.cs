namespace FpgaGen.Cli;

/// <summary>
/// Writes a command's output folder all at once: files go to a temporary sibling folder, which then replaces the
/// target by rename. An existing, non-empty folder is only replaced with --force.
/// </summary>
internal static class OutputFolder
{
    public static void Write(string dir, bool force, Action<string> writeInto)
    {
        var full = Path.GetFullPath(dir);
        if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any() && !force)
            throw new InputException($"{dir}: folder exists and is not empty; pass --force to replace it");
        if (File.Exists(full)) throw new InputException($"{dir}: is a file, expected a folder");
        var parent = Path.GetDirectoryName(full) ?? ".";
        Directory.CreateDirectory(parent);
        var tmp = Path.Combine(parent, $".{Path.GetFileName(full)}.tmp-{Guid.NewGuid():N}");
        Directory.CreateDirectory(tmp);
        try
        {
            writeInto(tmp);
            if (Directory.Exists(full))
            {
                var old = Path.Combine(parent, $".{Path.GetFileName(full)}.old-{Guid.NewGuid():N}");
                Directory.Move(full, old);
                Directory.Move(tmp, full);
                Directory.Delete(old, recursive: true);
            }
            else
            {
                Directory.Move(tmp, full);
            }
        }
        finally
        {
            if (Directory.Exists(tmp)) Directory.Delete(tmp, recursive: true);
        }
    }
}
