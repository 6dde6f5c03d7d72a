using FpgaGen.Exploration.Compiles;
using FpgaGen.Tests.Cli;
using FpgaGen.Tests.Toolchains;

namespace FpgaGen.Tests.Security;

/// <summary>
/// compile, the sweep and tune's database on a read-only file system (exit 2: a place the user must change) and on a
/// full one (exit 1: the run failed), on small tmpfs mounts (the tests run as root, as CI does). Each ends in one line,
/// leaves nothing half written and keeps what was there before. explore and generate: <see cref="CliHostileTests"/>.
/// </summary>
public sealed class FileSystemFaultTests : IDisposable
{
    private readonly TempDir dir = new();
    private readonly List<string> mounts = [];

    public void Dispose()
    {
        foreach (var m in mounts) Codegen.CodegenSupport.Run("umount", [m], timeoutSeconds: 20);
        dir.Dispose();
    }

    /// <summary>A fresh tmpfs at DIR/<paramref name="name"/>, or null where this process may not mount.</summary>
    private string? Mount(string name, string size = "16m")
    {
        var point = Path.Combine(dir.Path, name);
        Directory.CreateDirectory(point);
        if (Codegen.CodegenSupport.Run("mount", ["-t", "tmpfs", "-o", "size=" + size, "tmpfs", point], timeoutSeconds: 20).Code != 0) return null;
        mounts.Add(point);
        return point;
    }

    private static void ReadOnly(string point, bool on = true) =>
        Assert.Equal(0, Codegen.CodegenSupport.Run("mount", ["-o", on ? "remount,ro" : "remount,rw", point], timeoutSeconds: 20).Code);

    /// <summary>Fills <paramref name="point"/> so that at most <paramref name="leave"/> bytes stay free.</summary>
    private static string Fill(string point, long leave = 0)
    {
        var filler = Path.Combine(point, "filler");
        using (var f = new FileStream(filler, FileMode.Create))
        {
            var block = new byte[1 << 16];
            try
            {
                while (new DriveInfo(point).AvailableFreeSpace > leave)
                    f.Write(block, 0, (int)Math.Min(block.Length, Math.Max(1, new DriveInfo(point).AvailableFreeSpace - leave)));
                f.Flush();
            }
            catch (IOException)
            {
                // Full.
            }
        }
        return filler;
    }

    private static void AssertOneLineError(CliRunner.Result r, int code, string contains)
    {
        Assert.True(r.Code == code, $"exit {r.Code}, expected {code}\n{r.Err}{r.Out}");
        var line = Assert.Single(r.Err.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("error: ", line);
        Assert.True(line.Contains(contains, StringComparison.Ordinal), $"expected \"{contains}\" in: {line}");
        Assert.DoesNotContain("   at ", r.Err);
    }

    private static Dictionary<string, string> Snapshot(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(folder, f), File.ReadAllText);

    private static string[] Hidden(string folder) =>
        Directory.GetFileSystemEntries(folder, ".*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(folder, p)).ToArray();

    [Fact]
    public void CompileOnAReadOnlyProjectIsExit2AndOnAFullDiskExit1()
    {
        if (Mount("fs") is not { } fs) return;
        var project = Path.Combine(fs, "p");
        Assert.Equal(0, CliRunner.Run("generate", "tiny_cnn", "--device", "a10_385a", "--out", project, "--precision", "int8").Code);
        var before = Snapshot(project);

        ReadOnly(fs);
        AssertOneLineError(CliRunner.Run(FakeTools.Environment(), "compile", project), 2, "cannot write the build folder there");
        ReadOnly(fs, on: false);
        Assert.Equal(before, Snapshot(project));

        Fill(fs);
        var full = CliRunner.Run(FakeTools.Environment(), "compile", project);
        AssertOneLineError(full, 1, "no space left on the device");
        Assert.False(File.Exists(Path.Combine(project, "build", "report.report.json")), "a summary of a compile that could not finish");
        Assert.Empty(Hidden(project));
        Assert.All(before, kv => Assert.Equal(kv.Value, File.ReadAllText(Path.Combine(project, kv.Key))));
    }

    [Fact]
    public void ASweepOnAReadOnlyFolderIsExit2AndOnAFullDiskExit1WithNothingLeft()
    {
        if (Mount("fs") is not { } fs) return;
        var explored = Path.Combine(fs, "e");
        Assert.Equal(0, CliRunner.Run("explore", "tiny_cnn", "--device", "a10_385a", "--kernel", "gemm", "--precision", "int8", "--out", explored).Code);
        var before = Snapshot(explored);

        ReadOnly(fs);
        var ro = CliRunner.Run(FakeTools.Environment(), "compile", "--sweep", explored, "--top", "1");
        AssertOneLineError(ro, 2, "cannot create the folder for a compile sweep");
        Assert.Equal("", ro.Out);
        ReadOnly(fs, on: false);

        // No room even for the lock: refused before the header, the sweep folder it made is gone again.
        var filler = Fill(fs);
        var noRoom = CliRunner.Run(FakeTools.Environment(), "compile", "--sweep", explored, "--top", "1");
        AssertOneLineError(noRoom, 1, "no space left on the device");
        Assert.Equal("", noRoom.Out);
        Assert.False(Directory.Exists(Path.Combine(explored, "sweep")));
        Assert.Equal(before, Snapshot(explored));

        // Room for the lock, not for a project: the half-generated project is removed, nothing is logged.
        File.Delete(filler);
        Fill(fs, leave: 64 * 1024);
        var midway = CliRunner.Run(FakeTools.Environment(), "compile", "--sweep", explored, "--top", "2");
        AssertOneLineError(midway, 1, "no space left on the device");
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(explored, "sweep")));
        Assert.False(File.Exists(Path.Combine(explored, ResultsLog.FileName)));
        Assert.Equal(before, Snapshot(explored));
    }

    [Fact]
    public void TheTuningDatabaseOnAReadOnlyFolderIsExit2AndOnAFullDiskExit1()
    {
        if (Mount("fs") is not { } fs) return;
        var db = Path.Combine(fs, "tuning.sqlite");
        var export = Path.Combine(dir.Path, "export.json");
        Assert.Equal(0, CliRunner.Run("tune", "--export", export, "--db", db).Code);

        ReadOnly(fs);
        AssertOneLineError(CliRunner.Run("tune", "--export", export, "--db", Path.Combine(fs, "new.sqlite")), 2, "cannot open the tuning database");
        AssertOneLineError(CliRunner.Run("tune", "--export", export, "--db", db), 2, "its folder cannot be written (read-only or permissions)");
        AssertOneLineError(CliRunner.Run("tune", "--export", Path.Combine(fs, "x.json"), "--db", Path.Combine(dir.Path, "elsewhere.sqlite")), 2, "cannot write the export");
        ReadOnly(fs, on: false);

        Fill(fs);
        // A new database cannot be set up: exit 1, and no empty file left behind.
        AssertOneLineError(CliRunner.Run("tune", "--export", export, "--db", Path.Combine(fs, "new.sqlite")), 1, "no space left on the device");
        Assert.False(File.Exists(Path.Combine(fs, "new.sqlite")));
        // An export that does not fit: exit 1, no partial or temporary file.
        AssertOneLineError(CliRunner.Run("tune", "--export", Path.Combine(fs, "x.json"), "--db", db), 1, "no space left on the device");
        Assert.False(File.Exists(Path.Combine(fs, "x.json")));
        Assert.Empty(Hidden(fs));
        // Trials that cannot be committed (the OpenCL device of this machine, PoCL in CI): exit 1, the database still opens.
        var tune = CliRunner.Run("tune", "--kernel", "gemm", "--shape", "8x8x8", "--budget", "2", "--db", db);
        AssertOneLineError(tune, 1, $"writing the tuning database {db} failed");
        Assert.Contains("trials committed earlier are kept", tune.Err);
        File.Delete(Path.Combine(fs, "filler"));
        Assert.Equal(0, CliRunner.Run("tune", "--export", export, "--db", db).Code);
    }
}
