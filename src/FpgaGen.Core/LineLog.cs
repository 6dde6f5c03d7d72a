using System.Runtime.InteropServices;
using System.Text;
using Mono.Unix;
using Mono.Unix.Native;

namespace FpgaGen;

/// <summary>
/// Appends whole lines to a log file that several processes may write at once (two sweeps on one folder). Each line
/// is one write(2) on a descriptor opened with O_APPEND, so the kernel places it at the end of the file whatever the
/// others wrote meanwhile (POSIX: "the file offset shall be set to the end of the file prior to each write"), and it
/// is done under an exclusive fcntl lock on the whole file, so that no two lines interleave and the check for an
/// unterminated last line (a writer killed mid-line) and the line that closes it off are one step. The lock is
/// released by the kernel if the process dies, so a kill never leaves the log locked. .NET's FileMode.Append does
/// not use O_APPEND on Unix (it seeks to the end once at open), hence the direct system calls.
/// </summary>
public static class LineLog
{
    private static readonly object InProcess = new();

    /// <summary>Appends <paramref name="line"/> (without its newline) and flushes it to disk.</summary>
    public static void Append(string path, string line, string what)
    {
        if (line.Contains('\n')) throw new ArgumentException("a log line cannot contain a newline", nameof(line));
        var fd = Syscall.open(path, OpenFlags.O_RDWR | OpenFlags.O_APPEND | OpenFlags.O_CREAT | OpenFlags.O_CLOEXEC,
            FilePermissions.S_IRUSR | FilePermissions.S_IWUSR | FilePermissions.S_IRGRP | FilePermissions.S_IROTH);
        if (fd < 0) throw Failure(path, what, Stdlib.GetLastError());
        try
        {
            // fcntl locks belong to a process: they keep other processes out, not this one's other threads (a sweep
            // appends from each of its parallel compiles). Without this, a thread could see another's line half
            // written (the size grows page by page during a write) and close it off with a spurious line break.
            lock (InProcess)
            {
                Lock(fd, path, what);
                var prefix = EndsUnterminated(fd) ? "\n" : "";
                WriteAll(fd, Encoding.UTF8.GetBytes(prefix + line + "\n"), path, what);
                if (Syscall.fsync(fd) < 0) throw Failure(path, what, Stdlib.GetLastError());
            }
        }
        finally
        {
            // Closing the descriptor releases the fcntl lock.
            Syscall.close(fd);
        }
    }

    private static void Lock(int fd, string path, string what)
    {
        var whole = new Flock { l_type = LockType.F_WRLCK, l_whence = SeekFlags.SEEK_SET, l_start = 0, l_len = 0 };
        while (Syscall.fcntl(fd, FcntlCommand.F_SETLKW, ref whole) < 0)
        {
            var errno = Stdlib.GetLastError();
            if (errno == Errno.EINTR) continue;
            // A file system without record locks (some network and FUSE mounts): O_APPEND alone still keeps lines whole.
            if (errno is Errno.ENOLCK or Errno.EINVAL or Errno.EOPNOTSUPP) return;
            throw Failure(path, what, errno);
        }
    }

    /// <summary>True when the file is not empty and its last byte is not a newline.</summary>
    private static bool EndsUnterminated(int fd)
    {
        if (Syscall.fstat(fd, out var st) < 0 || st.st_size == 0) return false;
        var last = Marshal.AllocHGlobal(1);
        try
        {
            return Syscall.pread(fd, last, 1, st.st_size - 1) == 1 && Marshal.ReadByte(last) != (byte)'\n';
        }
        finally
        {
            Marshal.FreeHGlobal(last);
        }
    }

    private static void WriteAll(int fd, byte[] bytes, string path, string what)
    {
        var buffer = Marshal.AllocHGlobal(bytes.Length);
        try
        {
            Marshal.Copy(bytes, 0, buffer, bytes.Length);
            long done = 0;
            while (done < bytes.Length)
            {
                var n = Syscall.write(fd, buffer + (nint)done, (ulong)(bytes.Length - done));
                if (n < 0)
                {
                    var errno = Stdlib.GetLastError();
                    if (errno == Errno.EINTR) continue;
                    throw Failure(path, what, errno);
                }
                done += n;
            }
        }
        finally
        {
            Marshal.FreeHGlobal(buffer);
        }
    }

    /// <summary>A place that cannot take the file is the user's to fix (exit 2); a full disk or I/O error fails the run (exit 1).</summary>
    private static Exception Failure(string path, string what, Errno errno)
    {
        var reason = UnixMarshal.GetErrorDescription(errno);
        return errno switch
        {
            Errno.EISDIR => new InputException($"{path}: is a folder, not a file; expected {what}"),
            Errno.EACCES or Errno.EPERM or Errno.EROFS or Errno.ENOTDIR or Errno.ENOENT or Errno.ENAMETOOLONG =>
                new InputException($"{path}: cannot write {what} there ({reason})"),
            // A full disk mid-line leaves at most an unterminated last line, which readers skip and the next append closes.
            _ => new OutputException($"writing {path} failed: {(errno is Errno.ENOSPC or Errno.EDQUOT ? "no space left on the device" : reason)}", new IOException(reason)),
        };
    }
}
