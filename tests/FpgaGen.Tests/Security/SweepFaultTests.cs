using System.Diagnostics;
using System.Text.Json.Nodes;
using FpgaGen.Exploration.Compiles;
using FpgaGen.Tests.Cli;
using FpgaGen.Tests.Toolchains;

namespace FpgaGen.Tests.Security;

/// <summary>
/// Faults around a compile sweep's folder: a second sweep while one runs, a killed sweep's leftovers and stale lock,
/// a design listed twice, results.jsonl that is a folder or holds records without figures, and the append-only log
/// itself (whole lines, a torn last line closed off, unwritable places).
/// </summary>
public sealed class SweepFaultTests : IDisposable
{
    private readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    /// <summary>An exploration of TinyCNN's GEMM designs on the Arria 10 board: quick to explore and to compile with the fake aoc.</summary>
    private string Explore(string name = "e")
    {
        var explored = Path.Combine(dir.Path, name);
        var r = CliRunner.Run("explore", "tiny_cnn", "--device", "a10_385a", "--kernel", "gemm", "--precision", "int8", "--out", explored, "--top", "1");
        Assert.True(r.Code == 0, r.Err);
        return explored;
    }

    private static CliRunner.Result Sweep(string explored, int top, params (string, string?)[] vars) =>
        CliRunner.Run(FakeTools.Environment(vars), "compile", "--sweep", explored, "--top", top.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static void AssertOneLineError(CliRunner.Result r, string contains)
    {
        Assert.True(r.Code == 2, $"exit {r.Code}\n{r.Err}{r.Out}");
        var line = Assert.Single(r.Err.TrimEnd().Split('\n'));
        Assert.StartsWith("error: ", line);
        Assert.Contains(contains, line);
    }

    /// <summary>`dotnet fpgagen.dll compile --sweep` in its own process, with the fake tools hanging so that it holds the lock.</summary>
    private static Process StartHangingSweep(string explored, string pidFile)
    {
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "fpgagen.dll"), "compile", "--sweep", explored, "--top", "2", "--jobs", "1" })
            psi.ArgumentList.Add(a);
        psi.Environment["PATH"] = Fakes.Directory + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        psi.Environment["FAKE_TOOL_HANG"] = "1";
        psi.Environment["FAKE_TOOL_PIDFILE"] = pidFile;
        var p = Process.Start(psi)!;
        p.StandardOutput.ReadToEndAsync();
        p.StandardError.ReadToEndAsync();
        return p;
    }

    private static async Task<int> WaitForPidAsync(string file, Process owner)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(90))
        {
            if (File.Exists(file) && int.TryParse(File.ReadAllText(file).Trim(), out var pid)) return pid;
            Assert.False(owner.HasExited, $"the first sweep ended (exit {(owner.HasExited ? owner.ExitCode : 0)}) before its tool ran");
            await Task.Delay(50);
        }
        throw new TimeoutException($"no PID in {file}");
    }

    [Fact]
    public async Task ASecondSweepRefusesNamingTheHoldersPidAndHostAndTakesOverOnceTheHolderWasKilled()
    {
        var explored = Explore();
        var pidFile = Path.Combine(dir.Path, "tool.pid");
        using var first = StartHangingSweep(explored, pidFile);
        try
        {
            // The tool runs, so the first sweep holds the folder (a minute: the child starts a runtime, loads and generates).
            var toolPid = await WaitForPidAsync(pidFile, first);
            var second = Sweep(explored, 2);
            AssertOneLineError(second, $"a compile sweep is already running there (PID {first.Id} on host {Environment.MachineName}");
            Assert.Equal("", second.Out); // refused before the header
            Assert.Empty(ResultsLog.Read(Path.Combine(explored, ResultsLog.FileName)).Records);

            // SIGKILL: no cleanup runs, the lock file stays behind, the kernel drops the fcntl lock.
            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync();
            Assert.True(await ChildProcesses.DiesWithinAsync(toolPid, TimeSpan.FromSeconds(10)));
            Assert.True(File.Exists(Path.Combine(explored, "sweep", FolderLock.FileName)));
        }
        finally
        {
            if (!first.HasExited) first.Kill(entireProcessTree: true);
        }

        var third = Sweep(explored, 2);
        Assert.True(third.Code == 0, third.Err + third.Out);
        Assert.Contains($"note: took over the lock of an earlier sweep that no longer runs (PID {first.Id} on host {Environment.MachineName}", third.Err);
        var (records, skipped) = ResultsLog.Read(Path.Combine(explored, ResultsLog.FileName));
        Assert.Equal((2, 0), (records.Count, skipped));
        Assert.All(records, r => Assert.Equal("ok", r.Status));
        Assert.False(File.Exists(Path.Combine(explored, "sweep", FolderLock.FileName)), "the lock file outlived the sweep");
    }

    [Fact]
    public async Task TwoSweepProcessesAppendingToOneLogLoseNoRecord()
    {
        // Two explorations (other designs, so neither skips the other's) whose results.jsonl is one file: each sweep
        // holds its own folder's lock, so the two processes append to the same log at once.
        var gemm = Explore("gemm");
        var tiled = Path.Combine(dir.Path, "tiled");
        Assert.Equal(0, CliRunner.Run("explore", "tiny_cnn", "--device", "a10_385a", "--kernel", "conv_tiled", "--precision", "int8", "--out", tiled, "--top", "1").Code);
        File.WriteAllText(Path.Combine(gemm, ResultsLog.FileName), "");
        File.CreateSymbolicLink(Path.Combine(tiled, ResultsLog.FileName), Path.Combine(gemm, ResultsLog.FileName));

        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "fpgagen.dll"), "compile", "--sweep", tiled, "--top", "8", "--jobs", "2" }) psi.ArgumentList.Add(a);
        psi.Environment["PATH"] = Fakes.Directory + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        using var child = Process.Start(psi)!;
        var childErr = child.StandardError.ReadToEndAsync();
        var childOut = child.StandardOutput.ReadToEndAsync();
        var here = Task.Run(() => Sweep(gemm, 8));
        await child.WaitForExitAsync();
        var mine = await here;
        Assert.True(child.ExitCode == 0, await childErr + await childOut);
        Assert.True(mine.Code == 0, mine.Err + mine.Out);

        var (records, skipped) = ResultsLog.Read(Path.Combine(gemm, ResultsLog.FileName));
        Assert.Equal(0, skipped);
        Assert.Equal(16, records.Count);
        Assert.Equal(16, records.Select(r => r.Key).Distinct().Count());
        Assert.Equal(8, records.Count(r => r.Kernel == "gemm"));
        Assert.DoesNotContain("", File.ReadAllLines(Path.Combine(gemm, ResultsLog.FileName)));
    }

    [Fact]
    public void LeftoverTemporaryFoldersOfAKilledSweepAreRemovedOnResumeAndNothingElse()
    {
        var explored = Explore();
        var sweepDir = Path.Combine(explored, "sweep");
        var leftover = Path.Combine(sweepDir, $".1-gemm-0123abcd.tmp-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(leftover, "device"));
        File.WriteAllText(Path.Combine(leftover, "device", "fpgagen.cl"), "half");
        var second = Path.Combine(sweepDir, $".2-gemm-89abcdef.tmp-{Guid.NewGuid():N}");
        Directory.CreateDirectory(second);
        // Not a name the sweep writes: the user's, kept.
        var mine = Path.Combine(sweepDir, ".notes.tmp-keep");
        Directory.CreateDirectory(mine);

        var r = Sweep(explored, 1);
        Assert.True(r.Code == 0, r.Err + r.Out);
        Assert.Contains("note: removed 2 temporary project folder(s) a killed sweep left in", r.Err);
        Assert.False(Directory.Exists(leftover));
        Assert.False(Directory.Exists(second));
        Assert.True(Directory.Exists(mine));
        Assert.DoesNotContain(Directory.GetDirectories(sweepDir), d => Path.GetFileName(d).Contains(".tmp-") && d != mine);
    }

    [Fact]
    public void ADesignListedTwiceInDesignsJsonIsCompiledOnce()
    {
        var explored = Explore();
        var file = Path.Combine(explored, "designs.json");
        var root = JsonNode.Parse(File.ReadAllText(file))!;
        var designs = root["designs"]!.AsArray();
        // Design 1 again as design 2; the later ones move down a rank.
        var copy = designs[0]!.DeepClone();
        designs.Insert(1, copy);
        for (var i = 0; i < designs.Count; i++) designs[i]!["rank"] = i + 1;
        File.WriteAllText(file, root.ToJsonString());

        var r = Sweep(explored, 3);
        Assert.True(r.Code == 0, r.Err + r.Out);
        Assert.Contains("note: design 2 of designs.json is design 1 again; compiled once", r.Err);
        var (records, _) = ResultsLog.Read(Path.Combine(explored, ResultsLog.FileName));
        Assert.Equal(3, records.Count);
        Assert.Equal(3, records.Select(x => x.Key).Distinct().Count());
        Assert.Equal([1, 3, 4], records.Select(x => x.Rank).Order());
    }

    [Fact]
    public void RecordsWithoutPredictedFiguresAreSkippedByCalibrateAndCounted()
    {
        var explored = Explore();
        Assert.Equal(0, Sweep(explored, 2).Code);
        var log = Path.Combine(explored, ResultsLog.FileName);
        var line = File.ReadAllLines(log)[0];
        var nulled = JsonNode.Parse(line)!;
        nulled["predicted"] = null;
        nulled["key"] = "gemm|int8|1|other|report";
        var noReported = JsonNode.Parse(line)!;
        noReported["key"] = "gemm|int8|1|third|report";
        noReported.AsObject().Remove("predicted");
        File.AppendAllText(log, nulled.ToJsonString() + "\n" + noReported.ToJsonString() + "\n");

        var r = CliRunner.Run("explore", "tiny_cnn", "--device", "a10_385a", "--kernel", "gemm", "--precision", "int8", "--top", "1", "--calibrate", explored);
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("2 unreadable line(s) skipped", r.Out);
        Assert.Contains("calibrated per kernel kind from 2 compiles", r.Out);

        // Nothing but such records: one clear error, not a crash.
        File.WriteAllText(log, nulled.ToJsonString() + "\n");
        var none = CliRunner.Run("explore", "tiny_cnn", "--device", "a10_385a", "--kernel", "gemm", "--calibrate", explored);
        AssertOneLineError(none, "no successful compile with reported figures");
        Assert.Contains("1 unreadable line(s) skipped", none.Err);
    }

    [Fact]
    public void AResultsLogThatIsAFolderIsOneErrorAndNothingIsCompiled()
    {
        var explored = Explore();
        Directory.CreateDirectory(Path.Combine(explored, ResultsLog.FileName));
        var r = Sweep(explored, 1);
        AssertOneLineError(r, ResultsLog.FileName);
        Assert.Contains("folder", r.Err);
        Assert.Empty(Directory.GetDirectories(Path.Combine(explored, "sweep")));
        Assert.False(File.Exists(Path.Combine(explored, "sweep", FolderLock.FileName)));

        var calibrate = CliRunner.Run("explore", "tiny_cnn", "--device", "a10_385a", "--calibrate", explored);
        AssertOneLineError(calibrate, ResultsLog.FileName);
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("{\"format\": \"fpgagen-designs-1\", \"designs\": [")]
    [InlineData("[]")]
    public void ABadDesignsJsonStopsTheSweepBeforeItsHeader(string text)
    {
        var explored = Explore();
        File.WriteAllText(Path.Combine(explored, "designs.json"), text);
        var r = Sweep(explored, 1);
        AssertOneLineError(r, "designs.json");
        Assert.Equal("", r.Out);
        Assert.False(Directory.Exists(Path.Combine(explored, "sweep")));
    }

    // ---- LineLog: the append-only log under results.jsonl ----

    [Fact]
    public void ConcurrentAppendsKeepEveryLineWhole()
    {
        var log = Path.Combine(dir.Path, "log.jsonl");
        // Lines far longer than a page and than PIPE_BUF, so a write in pieces would show as interleaving.
        const int writers = 8, lines = 40;
        Parallel.For(0, writers, new ParallelOptions { MaxDegreeOfParallelism = writers }, w =>
        {
            for (var i = 0; i < lines; i++) LineLog.Append(log, $"{w}:{i}:" + new string((char)('a' + w), 20_000 + 997 * i), "a test log");
        });
        var read = File.ReadAllLines(log);
        Assert.Equal(writers * lines, read.Length);
        foreach (var l in read)
        {
            var parts = l.Split(':');
            Assert.Equal(3, parts.Length);
            var (w, i) = (int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(new string((char)('a' + w), 20_000 + 997 * i), parts[2]);
        }
        Assert.Equal(writers * lines, read.Distinct().Count());
    }

    [Fact]
    public void AnAppendClosesOffALineAKillCutShort()
    {
        var log = Path.Combine(dir.Path, "log.jsonl");
        File.WriteAllText(log, "{\"key\": \"a\"}\n{\"key\": \"b\", \"sta");
        LineLog.Append(log, "{\"key\": \"c\"}", "a test log");
        Assert.Equal(["{\"key\": \"a\"}", "{\"key\": \"b\", \"sta", "{\"key\": \"c\"}"], File.ReadAllLines(log));
        Assert.EndsWith("\n", File.ReadAllText(log));
        LineLog.Append(log, "d", "a test log");
        Assert.Equal(4, File.ReadAllLines(log).Length); // a terminated last line gets no extra break
    }

    [Fact]
    public void ALogThatIsAFolderOrCannotBeWrittenIsAnInputError()
    {
        var folder = Directory.CreateDirectory(Path.Combine(dir.Path, "results.jsonl")).FullName;
        Assert.Contains("is a folder", Assert.Throws<InputException>(() => LineLog.Append(folder, "x", "a test log")).Message);
        var missing = Path.Combine(dir.Path, "no", "such", "results.jsonl");
        Assert.Contains("cannot write a test log there", Assert.Throws<InputException>(() => LineLog.Append(missing, "x", "a test log")).Message);
        var underFile = Path.Combine(dir.File("plain", "x"), "results.jsonl");
        Assert.Contains("cannot write", Assert.Throws<InputException>(() => LineLog.Append(underFile, "x", "a test log")).Message);
        Assert.Throws<ArgumentException>(() => LineLog.Append(Path.Combine(dir.Path, "ok.jsonl"), "two\nlines", "a test log"));
    }

    [Fact]
    public void AJobsLogLineWithoutAFieldOrWithANullDesignIsSkipped()
    {
        // Found by FuzzTests.SlurmJobsLog: a design without "project" came back with a null path.
        const string whole = """{"job_id":7,"submitted_utc":"2026-01-02T03:04:05Z","target":"report","array":"1-1","designs":[{"rank":1,"key":"k","project":"sweep/1-gemm-0a1b2c3d"}]}""";
        var file = dir.File("jobs.jsonl", string.Join("\n",
            whole,
            whole.Replace(",\"project\":\"sweep/1-gemm-0a1b2c3d\"", ""),
            whole.Replace("\"designs\":[{", "\"designs\":[null,{"),
            whole.Replace("\"key\":\"k\",", ""),
            whole.Replace("\"target\":\"report\",", "")) + "\n");
        var arrays = FpgaGen.Toolchains.Slurm.JobsLog.Read(file);
        Assert.Equal("sweep/1-gemm-0a1b2c3d", Assert.Single(Assert.Single(arrays).Designs).Project);
    }

    // ---- FolderLock ----

    [Fact]
    public void AFolderLockIsExclusiveNamesItsHolderAndIsGoneAfterwards()
    {
        var folder = Path.Combine(dir.Path, "work");
        using (var held = FolderLock.Acquire(folder, "a test run"))
        {
            Assert.True(held.IsHeld);
            Assert.Null(held.TookOver);
            var holder = LockHolder.Parse(File.ReadAllText(Path.Combine(folder, FolderLock.FileName)));
            Assert.Equal((Environment.ProcessId, Environment.MachineName), (holder!.Pid, holder.Host));
            var e = Assert.Throws<InputException>(() => FolderLock.Acquire(folder, "a test run"));
            Assert.Contains($"a test run is already running there (PID {Environment.ProcessId} on host {Environment.MachineName}", e.Message);
        }
        Assert.False(File.Exists(Path.Combine(folder, FolderLock.FileName)));
        using var again = FolderLock.Acquire(folder, "a test run");
        Assert.True(again.IsHeld);
    }

    [Fact]
    public void ALockLeftByADeadProcessOnThisHostIsTakenOverAndOneFromAnotherHostIsNot()
    {
        using var gone = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        gone.WaitForExit();
        var folder = Path.Combine(dir.Path, "work");
        var started = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        dir.File(Path.Combine("work", FolderLock.FileName), new LockHolder(gone.Id, Environment.MachineName, started).Text);
        using (var held = FolderLock.Acquire(folder, "a test run"))
        {
            Assert.Equal(new LockHolder(gone.Id, Environment.MachineName, started), held.TookOver);
            Assert.Equal(Environment.ProcessId, LockHolder.Parse(File.ReadAllText(held.Path))!.Pid);
        }

        dir.File(Path.Combine("work", FolderLock.FileName), new LockHolder(4242, "elsewhere.example", started).Text);
        var e = Assert.Throws<InputException>(() => FolderLock.Acquire(folder, "a test run"));
        Assert.Contains("a test run by PID 4242 on host elsewhere.example, since 2026-01-02 03:04:05 UTC may still run", e.Message);
        Assert.Contains($"delete {Path.Combine(Path.GetFullPath(folder), FolderLock.FileName)}", e.Message);
    }

    [Fact]
    public void ARefusedLockLeavesNoFolderItMade()
    {
        var plain = dir.File("plain", "x");
        var e = Assert.Throws<InputException>(() => FolderLock.Acquire(Path.Combine(plain, "sub"), "a test run"));
        Assert.Contains("cannot create the folder for a test run", e.Message);
        Assert.Equal("x", File.ReadAllText(plain));
    }
}
