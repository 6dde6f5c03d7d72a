using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Mono.Unix;
using Mono.Unix.Native;

namespace FpgaGen;

/// <summary>Who holds (or held) a <see cref="FolderLock"/>, as its lock file says.</summary>
public sealed record LockHolder(int Pid, string Host, DateTime StartedUtc)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"PID {Pid} on host {Host}, since {StartedUtc:yyyy-MM-dd HH:mm:ss} UTC");

    public string Text => string.Create(CultureInfo.InvariantCulture, $"pid={Pid} host={Host} started={StartedUtc:O}\n");

    public static LockHolder? Parse(string text)
    {
        var fields = text.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries).Select(f => f.Split('=', 2)).Where(f => f.Length == 2)
            .GroupBy(f => f[0]).ToDictionary(g => g.Key, g => g.First()[1]);
        if (!fields.TryGetValue("pid", out var pid) || !int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var p)) return null;
        var host = fields.GetValueOrDefault("host") ?? "";
        var started = DateTime.TryParse(fields.GetValueOrDefault("started"), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t) ? t : DateTime.MinValue;
        return new LockHolder(p, host, started);
    }
}

/// <summary>
/// An exclusive lock on a folder, held for as long as one process works there (a compile sweep), so that a second
/// run on the same folder refuses at once instead of compiling every design twice. The lock is an fcntl write lock on
/// FOLDER/.fpgagen.lock, which names the holder (PID, host, start time) for the refusal. The kernel drops an fcntl lock
/// when its process dies, so a killed run leaves a file that the next run on the same host takes over (and says so).
/// A file left by another host is not taken over: whether that process still runs cannot be checked from here. On
/// file systems without record locks the holder's PID is checked instead (same host only).
/// </summary>
public sealed class FolderLock : IDisposable
{
    public const string FileName = ".fpgagen.lock";

    /// <summary>
    /// Lock files this process holds: fcntl locks belong to a process, so a second lock from the same process would
    /// succeed (and closing it would drop the first); this set refuses it instead.
    /// </summary>
    private static readonly HashSet<string> HeldHere = [];

    private int fd;

    private FolderLock(int fd, string path, LockHolder? tookOver)
    {
        this.fd = fd;
        Path = path;
        TookOver = tookOver;
    }

    public string Path { get; }

    /// <summary>True until <see cref="Dispose"/>.</summary>
    public bool IsHeld => fd >= 0;

    /// <summary>The holder of a stale lock this one replaced (its process had died), or null.</summary>
    public LockHolder? TookOver { get; }

    /// <summary>This host's name as lock files record it.</summary>
    public static string Host => Environment.MachineName;

    /// <summary>
    /// Takes the lock on <paramref name="folder"/> (creating the folder), or throws an <see cref="InputException"/>
    /// naming the holder. <paramref name="what"/> names the work for messages ("a compile sweep").
    /// </summary>
    public static FolderLock Acquire(string folder, string what)
    {
        var created = !Directory.Exists(folder);
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{folder}: cannot create the folder for {what} ({InputException.OneLine(e.Message)})");
        }
        var path = System.IO.Path.GetFullPath(System.IO.Path.Combine(folder, FileName));
        lock (HeldHere)
        {
            if (!HeldHere.Add(path)) throw Running(folder, what, new LockHolder(Environment.ProcessId, Host, File.GetLastWriteTimeUtc(path)));
        }
        try
        {
            return AcquireFile(folder, path, what);
        }
        catch
        {
            lock (HeldHere) HeldHere.Remove(path);
            // A run refused or failed before its work leaves no folder it made (only an empty one is removed).
            if (created)
            {
                try { Directory.Delete(folder); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
            }
            throw;
        }
    }

    private static FolderLock AcquireFile(string folder, string path, string what)
    {
        // A holder that ends removes its file; one opened just before may then be locked but no longer in place: retry.
        for (var attempt = 0; ; attempt++)
        {
            var fd = Syscall.open(path, OpenFlags.O_RDWR | OpenFlags.O_CREAT | OpenFlags.O_CLOEXEC,
                FilePermissions.S_IRUSR | FilePermissions.S_IWUSR | FilePermissions.S_IRGRP | FilePermissions.S_IROTH);
            if (fd < 0) throw new InputException($"{path}: cannot write the lock for {what} there ({Describe(Stdlib.GetLastError())})");
            try
            {
                var locked = TryLock(fd, path, what);
                if (!SameFile(fd, path) && attempt < 10)
                {
                    Syscall.close(fd);
                    continue;
                }
                var holder = ReadHolder(fd);
                if (locked is false) throw Running(folder, what, holder);
                LockHolder? tookOver = null;
                if (holder is not null && holder.Pid != Environment.ProcessId)
                {
                    if (holder.Host != Host)
                        throw new InputException($"{folder}: {what} by {holder} may still run (lock file {FileName}); if it does not, delete {path}");
                    // Without record locks the PID is all there is to go by.
                    if (locked is null && IsRunning(holder.Pid)) throw Running(folder, what, holder);
                    tookOver = holder;
                }
                WriteHolder(fd, path, new LockHolder(Environment.ProcessId, Host, DateTime.UtcNow));
                return new FolderLock(fd, path, tookOver);
            }
            catch
            {
                Syscall.close(fd);
                throw;
            }
        }
    }

    /// <summary>Removes the lock file, then releases the lock (in this order, so no one locks a file that is about to go).</summary>
    public void Dispose()
    {
        if (fd < 0) return;
        Syscall.unlink(Path);
        Syscall.close(fd);
        fd = -1;
        lock (HeldHere) HeldHere.Remove(Path);
    }

    private static InputException Running(string folder, string what, LockHolder? holder) =>
        new($"{folder}: {what} is already running there ({holder?.ToString() ?? "holder unknown"}); wait for it to end or stop it");

    /// <summary>True: locked; false: another process holds it; null: this file system has no record locks.</summary>
    private static bool? TryLock(int fd, string path, string what)
    {
        var whole = new Flock { l_type = LockType.F_WRLCK, l_whence = SeekFlags.SEEK_SET, l_start = 0, l_len = 0 };
        while (Syscall.fcntl(fd, FcntlCommand.F_SETLK, ref whole) < 0)
        {
            var errno = Stdlib.GetLastError();
            switch (errno)
            {
                case Errno.EINTR: continue;
                case Errno.EAGAIN or Errno.EACCES: return false;
                case Errno.ENOLCK or Errno.EINVAL or Errno.EOPNOTSUPP: return null;
                default: throw new InputException($"{path}: cannot lock the folder for {what} ({Describe(errno)})");
            }
        }
        return true;
    }

    private static bool SameFile(int fd, string path) =>
        Syscall.fstat(fd, out var open) == 0 && Syscall.stat(path, out var named) == 0 && open.st_dev == named.st_dev && open.st_ino == named.st_ino;

    private static LockHolder? ReadHolder(int fd)
    {
        const int max = 4096;
        var buffer = Marshal.AllocHGlobal(max);
        try
        {
            var n = Syscall.pread(fd, buffer, max, 0);
            if (n <= 0) return null;
            var bytes = new byte[n];
            Marshal.Copy(buffer, bytes, 0, (int)n);
            return LockHolder.Parse(Encoding.UTF8.GetString(bytes));
        }
        finally
        {
            Marshal.FreeHGlobal(buffer);
        }
    }

    private static void WriteHolder(int fd, string path, LockHolder me)
    {
        var bytes = Encoding.UTF8.GetBytes(me.Text);
        var buffer = Marshal.AllocHGlobal(bytes.Length);
        try
        {
            Marshal.Copy(bytes, 0, buffer, bytes.Length);
            if (Syscall.ftruncate(fd, 0) < 0 || Syscall.pwrite(fd, buffer, (ulong)bytes.Length, 0) != bytes.Length || Syscall.fsync(fd) < 0)
            {
                var errno = Stdlib.GetLastError();
                // Still holding the lock, so no one else uses the file: remove it rather than leave an empty one.
                Syscall.unlink(path);
                if (errno is Errno.ENOSPC or Errno.EDQUOT)
                    throw new OutputException($"writing the lock file {path} failed: no space left on the device; nothing was changed there", new IOException(Describe(errno)));
                throw new InputException($"{path}: cannot write the lock file ({Describe(errno)})");
            }
        }
        finally
        {
            Marshal.FreeHGlobal(buffer);
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    private static string Describe(Errno errno) => UnixMarshal.GetErrorDescription(errno);
}
