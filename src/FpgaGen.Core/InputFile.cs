using Mono.Unix;
using Mono.Unix.Native;

namespace FpgaGen;

/// <summary>
/// The one way FpgaGen reads a file the user named or pointed it at. It refuses what is not a regular file (a
/// directory, a FIFO, a socket, a device such as /dev/zero, also behind a symlink) before opening it, since reading a
/// FIFO blocks and reading a device never ends, and it refuses files above a size limit per kind of file, checked on
/// the size the file system reports and again while reading (a file that grows while it is read is caught too).
/// Every refusal is an <see cref="InputException"/> naming the file. The limits (documented in docs/limits.md):
/// </summary>
public static class InputFile
{
    /// <summary>Design files, device files and kernel spaces (YAML): real ones are a few KiB.</summary>
    public const long YamlBytes = 4L << 20;

    /// <summary>A project's design.json, a single design document, build/*.report.json: tens of KiB.</summary>
    public const long DocumentBytes = 16L << 20;

    /// <summary>An explore designs.json lists every feasible design (about 1 KiB each).</summary>
    public const long DesignListBytes = 512L << 20;

    /// <summary>A sweep's results.jsonl: one line (about 1 KiB) per compile.</summary>
    public const long ResultsLogBytes = 512L << 20;

    /// <summary>A tuning export (`fpgagen tune --import`): about 100 bytes per trial, so millions of trials.</summary>
    public const long TuningExportBytes = 256L << 20;

    /// <summary>Vendor reports (aoc JSON and report_data.js, Quartus text, HLS XML, v++ estimates, logs).</summary>
    public const long ReportBytes = 256L << 20;

    /// <summary>ONNX models: protobuf cannot serialize a message over 2 GiB, so no valid ONNX file is larger.</summary>
    public const long OnnxBytes = 2L << 30;

    /// <summary>Weight archives (.npz) and arrays (.npy): the largest zoo network in fp64 is about 1.1 GiB.</summary>
    public const long ArrayBytes = 4L << 30;

    /// <summary>
    /// Checks that <paramref name="path"/> names a regular file (following symlinks) of at most <paramref name="limit"/>
    /// bytes and returns its size. <paramref name="what"/> says what the file should be, for the message.
    /// </summary>
    public static long Check(string path, long limit, string what)
    {
        if (string.IsNullOrEmpty(path)) throw new InputException($"{what}: empty file name");
        // stat follows symlinks, so a link to /dev/zero is seen as the device it names.
        if (Syscall.stat(path, out var st) != 0)
        {
            var errno = Stdlib.GetLastError();
            throw new InputException(errno is Errno.ENOENT or Errno.ENOTDIR
                ? $"{path}: file not found"
                : $"{path}: cannot read: {UnixMarshal.GetErrorDescription(errno)}");
        }
        var type = st.st_mode & FilePermissions.S_IFMT;
        if (type != FilePermissions.S_IFREG)
            throw new InputException($"{path}: is {Describe(type)}, not a file; expected {what}");
        if (st.st_size > limit)
            throw new InputException($"{path}: {st.st_size:N0} bytes is more than the {Size(limit)} a{(StartsWithVowel(what) ? "n" : "")} {what} may have");
        return st.st_size;
    }

    /// <summary>The whole file as UTF-8 text, after <see cref="Check"/>.</summary>
    public static string ReadAllText(string path, long limit, string what)
    {
        var bytes = ReadAllBytes(path, limit, what);
        // Skips a UTF-8 byte-order mark like File.ReadAllText does.
        var start = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
        return System.Text.Encoding.UTF8.GetString(bytes, start, bytes.Length - start);
    }

    /// <summary>The whole file, after <see cref="Check"/>, reading at most <paramref name="limit"/> bytes.</summary>
    public static byte[] ReadAllBytes(string path, long limit, string what)
    {
        if (limit > Array.MaxLength) throw new ArgumentOutOfRangeException(nameof(limit), "read larger files as a stream");
        using var stream = OpenRead(path, limit, what);
        var buffer = new MemoryStream((int)Math.Min(stream.Length, limit));
        try
        {
            CopyBounded(stream, buffer, limit, path, what);
        }
        catch (IOException e)
        {
            throw new InputException($"{path}: cannot read: {e.Message}");
        }
        return buffer.ToArray();
    }

    /// <summary>Opens the file for reading, after <see cref="Check"/>; the caller bounds what it reads by the limit.</summary>
    public static FileStream OpenRead(string path, long limit, string what)
    {
        Check(path, limit, what);
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{path}: cannot read: {e.Message}");
        }
    }

    /// <summary>Copies at most <paramref name="limit"/> bytes, failing clearly when the source holds more.</summary>
    public static void CopyBounded(Stream from, Stream to, long limit, string path, string what)
    {
        var buffer = new byte[1 << 16];
        long total = 0;
        int n;
        while ((n = from.Read(buffer, 0, buffer.Length)) > 0)
        {
            total += n;
            if (total > limit) throw new InputException($"{path}: more than the {Size(limit)} a{(StartsWithVowel(what) ? "n" : "")} {what} may have");
            to.Write(buffer, 0, n);
        }
    }

    /// <summary>"4 MiB", "2 GiB": a limit as the messages and docs write it.</summary>
    public static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 when bytes % (1L << 30) == 0 => $"{bytes >> 30} GiB",
        >= 1L << 20 when bytes % (1L << 20) == 0 => $"{bytes >> 20} MiB",
        >= 1L << 10 when bytes % (1L << 10) == 0 => $"{bytes >> 10} KiB",
        _ => $"{bytes} bytes",
    };

    private static string Describe(FilePermissions type) => type switch
    {
        FilePermissions.S_IFDIR => "a folder",
        FilePermissions.S_IFIFO => "a named pipe (FIFO)",
        FilePermissions.S_IFSOCK => "a socket",
        FilePermissions.S_IFCHR => "a character device",
        FilePermissions.S_IFBLK => "a block device",
        _ => "not a regular file",
    };

    private static bool StartsWithVowel(string s) => s.Length > 0 && "aeiouAEIOU".Contains(s[0]);
}
