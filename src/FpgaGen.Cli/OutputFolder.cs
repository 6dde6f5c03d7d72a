using System.Text;

namespace FpgaGen.Cli;

/// <summary>
/// Writes a command's output folder all at once: files go to a temporary sibling folder, which then replaces the
/// target by rename. An existing, non-empty folder is only replaced with --force. <see cref="Check"/> runs before the
/// work and refuses a place that cannot take the folder (exit 2); a failure while writing (a full disk) removes the
/// temporary folder and leaves any earlier output as it was (exit 1).
/// </summary>
internal static class OutputFolder
{
    /// <summary>Longest path accepted (Linux PATH_MAX) and longest name of one folder (NAME_MAX, in UTF-8 bytes).</summary>
    public const int MaxPathBytes = 4096, MaxNameBytes = 255;

    /// <summary>
    /// Checks that <paramref name="dir"/> can become the output folder: a usable path, not a file, empty unless
    /// <paramref name="force"/>, inside a folder that exists or can be made, and writable there (probed by making and
    /// removing a temporary folder). Every problem is an <see cref="InputException"/> naming the option.
    /// </summary>
    public static void Check(string dir, bool force, string option = "--out")
    {
        var full = CheckPath(dir, option, "folder");
        if (File.Exists(full)) throw new InputException($"{dir}: is a file, expected a folder");
        if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any() && !force)
            throw new InputException($"{dir}: folder exists and is not empty; pass --force to replace it");
        var parent = Path.GetDirectoryName(full) ?? full;
        var probe = Path.Combine(parent, $".{Path.GetFileName(full)}.probe-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(probe);
            Directory.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{dir}: cannot create the folder there ({InputException.OneLine(e.Message)})");
        }
    }

    /// <summary>
    /// The checks every output place gets, a folder or a file: a usable path (not empty, no control characters,
    /// within PATH_MAX and NAME_MAX), not under a file. Returns the full path.
    /// </summary>
    public static string CheckPath(string path, string option, string kind)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new UsageException($"{option}: empty {kind} name");
        if (path.Any(char.IsControl)) throw new UsageException($"{option} {InputException.OneLine(path)}: control characters in a {kind} name");
        if (Encoding.UTF8.GetByteCount(path) > MaxPathBytes) throw new UsageException($"{option}: the path is {path.Length} characters long; at most {MaxPathBytes} bytes");
        var full = Path.GetFullPath(path);
        if (Encoding.UTF8.GetByteCount(full) > MaxPathBytes) throw new UsageException($"{option}: the path is longer than {MaxPathBytes} bytes");
        foreach (var part in full.Split(Path.DirectorySeparatorChar))
            if (Encoding.UTF8.GetByteCount(part) > MaxNameBytes)
                throw new UsageException($"{option}: a name of {part.Length} characters is longer than the {MaxNameBytes} bytes a file system allows");
        // The nearest existing ancestor must be a folder: "FILE/sub" cannot be made.
        for (var a = Path.GetDirectoryName(full); a is not null; a = Path.GetDirectoryName(a))
        {
            if (Directory.Exists(a)) break;
            if (File.Exists(a)) throw new InputException($"{path}: {a} is a file, so no {kind} can be made under it");
        }
        return full;
    }

    public static void Write(string dir, bool force, Action<string> writeInto)
    {
        Check(dir, force);
        var full = Path.GetFullPath(dir);
        var parent = Path.GetDirectoryName(full) ?? ".";
        var tmp = Path.Combine(parent, $".{Path.GetFileName(full)}.tmp-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(tmp);
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
        catch (IOException e)
        {
            throw OutputException.Writing(dir, e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new InputException($"{dir}: cannot write there ({InputException.OneLine(e.Message)})", e);
        }
        finally
        {
            TryDelete(tmp);
        }
    }

    private static void TryDelete(string tmp)
    {
        try
        {
            if (Directory.Exists(tmp)) Directory.Delete(tmp, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left behind only if the file system refuses even deletes; it is hidden and named .*.tmp-*.
        }
    }
}
