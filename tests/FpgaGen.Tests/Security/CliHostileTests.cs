using FpgaGen.Tests.Cli;
using FpgaGen.Tests.Toolchains;

namespace FpgaGen.Tests.Security;

/// <summary>
/// What a careless user or an attacker types: every bad value is one line naming the option and what it accepts,
/// exit code 2, never a help dump or a stack trace; bad output places are refused before any work; a full disk during
/// the work is exit 1 with nothing partial left and earlier results intact.
/// </summary>
public sealed class CliHostileTests : IDisposable
{
    private readonly TempDir dir = new();

    public void Dispose()
    {
        foreach (var m in mounts) Unmount(m);
        dir.Dispose();
    }

    private static void AssertOneLineError(CliRunner.Result r, int code, string? contains = null)
    {
        Assert.True(r.Code == code, $"exit {r.Code}, expected {code}\n{r.Err}{r.Out}");
        var lines = r.Err.TrimEnd().Split('\n');
        Assert.True(lines.Length == 1, $"expected one line on stderr, got {lines.Length}:\n{r.Err}");
        Assert.StartsWith("error: ", lines[0]);
        Assert.DoesNotContain("   at ", r.Err);
        if (contains is not null) Assert.True(lines[0].Contains(contains, StringComparison.Ordinal), $"expected \"{contains}\" in: {lines[0]}");
    }

    [Theory]
    [InlineData(new[] { "explore", "tiny_cnn", "--device", "u250", "--batch", "abc" }, "--batch: 'abc' is not a whole number")]
    [InlineData(new[] { "explore", "tiny_cnn", "--device", "u250", "--top", "99999999999" }, "--top: '99999999999' is not a whole number")]
    [InlineData(new[] { "explore", "tiny_cnn", "--device", "u250", "--bogus" }, "unrecognized command or argument '--bogus'")]
    [InlineData(new[] { "frobnicate" }, "unrecognized command or argument 'frobnicate'; see 'fpgagen --help'")]
    [InlineData(new[] { "analyze" }, "required argument 'model' missing")]
    [InlineData(new[] { "explore", "tiny_cnn", "--device", "u250", "--batch" }, "--batch")]
    [InlineData(new[] { "explore", "tiny_cnn", "--device", "u250", "--format", "xml" }, "--format: 'xml' is not accepted (expected one of: table, json, csv)")]
    [InlineData(new[] { "report", "x", "--target", "nope" }, "--target: 'nope' is not accepted")]
    [InlineData(new[] { "explore", "tiny_cnn", "--device", "u250", "--objective", "fast" }, "--objective: 'fast' is not accepted (expected one of: throughput, latency, efficiency)")]
    public void ParseErrorsAreOneLineWithAPointerToTheHelp(string[] args, string expected)
    {
        var r = CliRunner.Run(args);
        AssertOneLineError(r, 2, expected);
        Assert.Matches(@"; see 'fpgagen( \w+)? --help'$", r.Err.TrimEnd());
        Assert.Equal("", r.Out);
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-5")]
    [InlineData("0")]
    [InlineData("1e400")]
    public void FreqMustBeAClock(string freq)
    {
        var r = CliRunner.Run("estimate", "tiny_cnn", "--device", "u250", "--kernel", "gemm", "--set", "Tm=8,Tn=8,Tk=8,vu=8", "--freq", freq);
        AssertOneLineError(r, 2, "--freq");
    }

    [Fact]
    public void AParameterGivenTwiceIsRefused() =>
        AssertOneLineError(CliRunner.Run("estimate", "tiny_cnn", "--device", "u250", "--kernel", "gemm", "--set", "Tm=64,Tm=32,Tn=8,Tk=8,vu=8"), 2, "--set: Tm is given twice");

    [Theory]
    [InlineData("99999999999h", "at most 30 days")]
    [InlineData("1e400s", "expected a positive duration")]
    [InlineData("0s", "expected a positive duration")]
    public void TimeoutsAreBounded(string timeout, string expected) =>
        AssertOneLineError(CliRunner.Run(FakeTools.Environment(), "compile", TestProjects.Intel(dir), "--timeout", timeout), 2, expected);

    [Fact]
    public void BadOutputPlacesAreRefusedBeforeAnyWork()
    {
        var file = dir.File("plain.txt", "x");
        string[] places = ["", "   ", Path.Combine(file, "sub"), "/proc/self/x", Path.Combine(dir.Path, new string('a', 5000)), Path.Combine(dir.Path, string.Join("/", Enumerable.Repeat("abcdefgh", 600))), "a\nb"];
        foreach (var place in places)
        {
            AssertOneLineError(CliRunner.Run("generate", "tiny_cnn", "--device", "u250", "--out", place), 2);
            AssertOneLineError(CliRunner.Run("explore", "tiny_cnn", "--device", "u250", "--out", place), 2);
        }
        Assert.Equal("x", File.ReadAllText(file));
    }

    [Fact]
    public void BadOutputFilePlacesAreRefusedBeforeAnyWork()
    {
        // The output files (calibrate's ranges file, tune's export) get the checks output folders get. --inputs names
        // no folder, so an error about the place shows that it was checked before anything else.
        var file = dir.File("plain.txt", "x");
        var folder = Directory.CreateDirectory(Path.Combine(dir.Path, "a-folder")).FullName;
        var db = Path.Combine(dir.Path, "t.sqlite");
        string[] places = ["", "   ", Path.Combine(file, "sub.json"), "/proc/self/x.json", Path.Combine(dir.Path, new string('a', 5000)),
            Path.Combine(dir.Path, string.Join("/", Enumerable.Repeat("abcdefgh", 600))), "a\nb.json", folder];
        foreach (var place in places)
        {
            var c = CliRunner.Run("calibrate", "tiny_cnn", "--inputs", Path.Combine(dir.Path, "no-inputs"), "--out", place);
            AssertOneLineError(c, 2);
            Assert.DoesNotContain("--inputs", c.Err);
            AssertOneLineError(CliRunner.Run("tune", "--export", place, "--db", db), 2);
        }
        Assert.Equal("x", File.ReadAllText(file));
        Assert.Empty(Directory.GetFileSystemEntries(folder));
        Assert.False(File.Exists(db), "the database was opened before the export's place was checked");
        AssertOneLineError(CliRunner.Run("calibrate", "tiny_cnn", "--inputs", folder, "--out", file), 2, "file exists; pass --force");
    }

    [Fact]
    public void AMessageQuotingAHugeValueIsShortenedKeepingItsReason()
    {
        // An expression of 50,000 parentheses is quoted by the error: the line keeps its start (file, line) and
        // its end (why), not 100 kB.
        var deep = new string('(', 50_000) + "16" + new string(')', 50_000);
        var design = dir.File("deep.yaml", $"input: [3, 8, 8]\nlayers:\n  - {{kind: conv, out: ${deep}, kernel: 1}}\n");
        var r = CliRunner.Run("analyze", design);
        AssertOneLineError(r, 2, "deep.yaml:3:");
        Assert.InRange(r.Err.TrimEnd().Length, 100, InputException.MaxMessageChars + 100);
        Assert.Contains("characters left out", r.Err);
        Assert.EndsWith("nested more than 100 deep at position 102", r.Err.TrimEnd());
        // A parse error quoting a huge word, too.
        var p = CliRunner.Run("analyze", "tiny_cnn", new string('b', 20_000));
        AssertOneLineError(p, 2, "unrecognized command or argument");
        Assert.EndsWith("; see 'fpgagen analyze --help'", p.Err.TrimEnd());
        Assert.True(p.Err.Length < InputException.MaxMessageChars + 100, $"{p.Err.Length} characters");
    }

    [Fact]
    public void ControlCharactersInADesignsNamesAreRefusedAndTableCellsStayOneLine()
    {
        foreach (var (yaml, what) in new[]
        {
            ("name: \"net\\nerror: forged\"\ninput: [3, 8, 8]\nlayers: [relu]\n", "network name"),
            ("input: [3, 8, 8]\nlayers:\n  - {kind: relu, name: \"a\\tb\"}\n", "layer name"),
            ("input: [3, 8, 8]\nlayers:\n  - {kind: relu, name: \"a\\e[31m\"}\n", "layer name"),
            ("input: [3, 8, 8]\nblocks:\n  b: {layers: [relu]}\nlayers:\n  - {repeat: b, name: \"x\\ry\"}\n", "repeat name"),
            ("input: [3, 8, 8]\nblocks:\n  \"b\\nc\": {layers: [relu]}\nlayers: [relu]\n", "block name"),
        })
            AssertOneLineError(CliRunner.Run("analyze", dir.File("names.yaml", yaml)), 2, $"{what} '");
        // Names from other sources (an ONNX graph, a tool) cannot split a table row either.
        var lines = new FpgaGen.Cli.Tables.TextTable().Column("layer").Column("kind").Row("a\nerror: forged", "relu\u001b[31m").Render(80, wide: false);
        Assert.Equal(3, lines.Count);
        Assert.Contains("a\\nerror: forged", lines[2]);
        Assert.DoesNotContain('\u001b', lines[2]);
    }

    [Fact]
    public void OpenClDeviceOutOfRangeIsOneLine() =>
        AssertOneLineError(CliRunner.Run("simulate", "tiny_cnn", "--device", "u250", "--opencl-device", "999"), 2, "no OpenCL device 999");

    [Fact]
    public void NewlinesInLayerNamesDoNotSplitMessages()
    {
        var design = dir.File("nl.yaml", "input: [3, 8, 8]\nlayers:\n  - {kind: relu, name: \"a\\nerror: forged\"}\n  - {kind: relu, name: \"a\\nerror: forged\"}\n");
        AssertOneLineError(CliRunner.Run("analyze", design), 2, "a\\nerror: forged");
    }

    [Fact]
    public void BuildSummaryWithNumericStatusAndErrorIsRead()
    {
        var project = TestProjects.Intel(dir);
        dir.File("intel/build/report.report.json", """{"status": 3, "error": 12.5}""");
        dir.File("intel/build/hw.report.json", """[1, 2]""");
        var r = CliRunner.Run("report", project);
        AssertOneLineError(r, 2, "nothing compiled yet");
        Assert.Contains("ended: 3 (12.5)", r.Err);
    }

    [Fact]
    public void AProjectFromADeviceFileKeepsACopyAndCompilesLater()
    {
        var deviceFile = Path.Combine(dir.Path, "boards", "my_a10.yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(deviceFile)!);
        File.Copy(Path.Combine(DataPaths.Hw, "a10_385a.yaml"), deviceFile);
        var design = dir.File("choice.json", """{"kernel": "conv_tiled", "params": {"Tm": 16, "Tn": 4, "Tr": 7, "Tc": 7, "vu": 8}, "precision": "int8"}""");
        var project = Path.Combine(dir.Path, "project");
        var gen = CliRunner.Run("generate", "tiny_cnn", "--device", deviceFile, "--design", design, "--out", project);
        Assert.True(gen.Code == 0, gen.Err);
        Assert.Equal(File.ReadAllText(deviceFile), File.ReadAllText(Path.Combine(project, "hw", "my_a10.yaml")));
        File.Delete(deviceFile); // compile must not need the original any more
        var compile = CliRunner.Run(FakeTools.Environment(), "compile", project);
        Assert.True(compile.Code == 0, compile.Err + compile.Out);
    }

    // ---- read-only and full file systems: small tmpfs mounts (the tests run as root, as CI does) ----

    private readonly List<string> mounts = [];

    private string? Mount(string name, string options)
    {
        var point = Path.Combine(dir.Path, name);
        Directory.CreateDirectory(point);
        var r = Codegen.CodegenSupport.Run("mount", ["-t", "tmpfs", "-o", options, "tmpfs", point], timeoutSeconds: 20);
        if (r.Code != 0) return null;
        mounts.Add(point);
        return point;
    }

    private static void Unmount(string point) => Codegen.CodegenSupport.Run("umount", [point], timeoutSeconds: 20);

    [Fact]
    public void AReadOnlyPlaceIsExit2AndAFullDiskIsExit1WithEarlierResultsIntact()
    {
        var readOnly = Mount("ro", "ro,size=1m");
        var full = Mount("full", "size=16m");
        if (readOnly is null || full is null)
        {
            // No mount here (not root): the same failures, injected.
            InjectedFullDisk();
            return;
        }
        AssertOneLineError(CliRunner.Run("generate", "tiny_cnn", "--device", "u250", "--out", Path.Combine(readOnly, "p")), 2, "cannot create the folder");
        AssertOneLineError(CliRunner.Run("explore", "tiny_cnn", "--device", "u250", "--out", Path.Combine(readOnly, "e")), 2, "cannot create the folder");

        // An earlier result, then a run that needs more room than is left.
        var earlier = Path.Combine(full, "e");
        Assert.Equal(0, CliRunner.Run("explore", "tiny_cnn", "--device", "u250", "--out", earlier, "--kernel", "gemm", "--precision", "int8").Code);
        var before = Directory.GetFiles(earlier).ToDictionary(f => f, File.ReadAllText);
        // Leave 40 kB: enough for the temporary folder, not for the designs of every kernel kind.
        var filler = Path.Combine(full, "filler");
        File.WriteAllBytes(filler, new byte[Math.Max(0, new DriveInfo(full).AvailableFreeSpace - 40_000)]);
        var r = CliRunner.Run("explore", "tiny_cnn", "--device", "u250", "--out", earlier, "--force");
        AssertOneLineError(r, 1, "no space left");
        Assert.Equal(before, Directory.GetFiles(earlier).ToDictionary(f => f, File.ReadAllText));
        Assert.Equal([earlier, filler], Directory.GetFileSystemEntries(full).Order());
        var g = CliRunner.Run("generate", "tiny_cnn", "--device", "u250", "--out", Path.Combine(full, "p"));
        AssertOneLineError(g, 1, "no space left");
        Assert.Equal([earlier, filler], Directory.GetFileSystemEntries(full).Order());
    }

    private void InjectedFullDisk()
    {
        var target = Path.Combine(dir.Path, "out");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "old.txt"), "earlier");
        var e = Assert.Throws<OutputException>(() => FpgaGen.Cli.OutputFolder.Write(target, force: true, tmp =>
        {
            File.WriteAllText(Path.Combine(tmp, "half.txt"), "partial");
            throw new IOException("No space left on device", 28);
        }));
        Assert.Contains("no space left", e.Message);
        Assert.Equal(["old.txt"], Directory.GetFiles(target).Select(Path.GetFileName));
        Assert.Equal([target], Directory.GetFileSystemEntries(dir.Path).Where(p => !p.EndsWith("ro") && !p.EndsWith("full")));
    }

    [Fact]
    public void AFullDiskDuringWorkIsAnOutputErrorEvenWithoutAMount() => InjectedFullDisk();
}
