using FpgaGen.Hardware;
using FpgaGen.OpenCl.Kernels;
using FpgaGen.Tests.Cli;
using FpgaGen.Tests.Toolchains;

namespace FpgaGen.Tests.Security;

/// <summary>
/// Values at and beyond the documented limits (docs/limits.md): the one clock range (<see cref="ClockRange"/>) in every
/// place a clock is given, tuning shapes and budgets, and the places `tune` reads and writes.
/// </summary>
public sealed class ClockAndShapeLimitTests : IDisposable
{
    private readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    private static void AssertOneLineError(CliRunner.Result r, string contains, int code = 2)
    {
        Assert.True(r.Code == code, $"exit {r.Code}, expected {code}\n{r.Err}{r.Out}");
        var line = Assert.Single(r.Err.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("error: ", line);
        Assert.True(line.Contains(contains, StringComparison.Ordinal), $"expected \"{contains}\" in: {line}");
        Assert.DoesNotContain("   at ", r.Err);
    }

    [Theory]
    [InlineData(1.0, true)]
    [InlineData(1000.0, true)]
    [InlineData(240.5, true)]
    [InlineData(0.999, false)]
    [InlineData(1000.001, false)]
    [InlineData(1e-300, false)]
    [InlineData(0.0, false)]
    [InlineData(-300.0, false)]
    [InlineData(double.NaN, false)]
    [InlineData(double.PositiveInfinity, false)]
    public void TheClockRangeIsOneToAThousandMegahertz(double mhz, bool accepted)
    {
        Assert.Equal(accepted, ClockRange.Contains(mhz));
        if (accepted) Assert.Equal(mhz, ClockRange.Check(mhz, "x"));
        else Assert.StartsWith("x: expected a clock of 1 to 1000 MHz, got ", Assert.Throws<InputException>(() => ClockRange.Check(mhz, "x")).Message);
    }

    [Theory]
    [InlineData("NaN", "got NaN")]
    [InlineData("1e-300", "got 1E-300")]
    [InlineData("1e400", "got Infinity")]
    [InlineData("-Infinity", "got -Infinity")]
    [InlineData("0.5", "got 0.5 (the unit is MHz, not GHz)")]
    [InlineData("250000000", "got 250000000 (the unit is MHz, not Hz)")]
    public void EstimateFreqOutsideTheRangeIsOneError(string freq, string expected)
    {
        var r = CliRunner.Run("estimate", "tiny_cnn", "--device", "u250", "--kernel", "gemm", "--set", "Tm=8,Tn=8,Tk=8,vu=8", "--freq", freq);
        AssertOneLineError(r, $"--freq: expected a clock of 1 to 1000 MHz, {expected}");
        Assert.Equal("", r.Out);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("1000")]
    public void EstimateFreqAtTheBoundsRuns(string freq) =>
        Assert.Equal(0, CliRunner.Run("estimate", "tiny_cnn", "--device", "u250", "--kernel", "gemm", "--set", "Tm=8,Tn=8,Tk=8,vu=8", "--freq", freq).Code);

    [Theory]
    [InlineData("1e400", "is out of range")]
    [InlineData("1e-300", "expected a clock of 1 to 1000 MHz, got 1E-300")]
    [InlineData("0.25", "expected a clock of 1 to 1000 MHz, got 0.25 (the unit is MHz, not GHz)")]
    [InlineData("\"fast\"", "freq_mhz")]
    public void AProjectDesignClockOutsideTheRangeIsOneError(string value, string expected)
    {
        var project = TestProjects.Intel(dir);
        var file = Path.Combine(project, "design.json");
        File.WriteAllText(file, File.ReadAllText(file).Replace("\"freq_mhz\": 240", $"\"freq_mhz\": {value}"));
        foreach (var r in new[] { CliRunner.Run("report", project), CliRunner.Run(FakeTools.Environment(), "compile", project) })
        {
            AssertOneLineError(r, expected);
            Assert.Contains("design.json", r.Err);
            Assert.Contains("freq_mhz", r.Err);
        }
        Assert.False(Directory.Exists(Path.Combine(project, "build")), "compile ran on a design it could not read");
    }

    [Fact]
    public void ADesignsListClockOutsideTheRangeStopsASweep()
    {
        var explored = Path.Combine(dir.Path, "e");
        Assert.Equal(0, CliRunner.Run("explore", "tiny_cnn", "--device", "a10_385a", "--kernel", "gemm", "--precision", "int8", "--out", explored).Code);
        var file = Path.Combine(explored, "designs.json");
        var root = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(file))!;
        root["designs"]![0]!["freq_mhz"] = 5000;
        File.WriteAllText(file, root.ToJsonString());
        var r = CliRunner.Run(FakeTools.Environment(), "compile", "--sweep", explored, "--top", "1");
        AssertOneLineError(r, "expected a clock of 1 to 1000 MHz, got 5000");
        Assert.Contains("designs.json", r.Err);
        Assert.Equal("", r.Out);
    }

    [Theory]
    [InlineData("0.5", "got 0.5")]
    [InlineData("1e400", "fmax_mhz")]
    [InlineData("300000000", "(the unit is MHz, not Hz)")]
    [InlineData("1001", "got 1001")]
    public void ADeviceFmaxOutsideTheRangeIsOneError(string value, string expected)
    {
        var text = File.ReadAllText(Path.Combine(DataPaths.Hw, "a10_385a.yaml"));
        var line = text.Split('\n').First(l => l.StartsWith("fmax_mhz:", StringComparison.Ordinal));
        var file = dir.File("bad_clock.yaml", text.Replace(line, $"fmax_mhz: {value}"));
        var e = Assert.Throws<InputException>(() => DeviceLoader.Load(file));
        Assert.Contains(expected, e.Message);
        Assert.Contains("bad_clock.yaml", e.Message);
        Assert.DoesNotContain("\n", e.Message);
        AssertOneLineError(CliRunner.Run("explore", "tiny_cnn", "--device", file), "fmax_mhz");
    }

    [Fact]
    public void EveryCatalogDeviceClockIsInTheRange() =>
        Assert.All(DeviceCatalog.Default.LoadAll(), d => Assert.True(ClockRange.Contains(d.FmaxMhz), $"{d.Id}: {d.FmaxMhz} MHz"));

    // ---- tune: shapes, budgets, the database and export places ----

    [Theory]
    [InlineData("99999999x99999999x99999999", "a matrix of 9,999,999,800,000,000 elements; at most 268,435,456 (2^28, 1 GiB as float32)")]
    [InlineData("9999999999x8x8", "is not MxNxK")]
    [InlineData("46341x46341x1", "a matrix of 2,147,488,281 elements; at most 268,435,456")]
    [InlineData("16384x16384x16384", "4,398,046,511,104 multiply-accumulates; at most 1,099,511,627,776")]
    [InlineData("1x1x8388608", "sums of 8,388,608 products; at most 4,194,304")]
    [InlineData("8x8x-8", "is not MxNxK")]
    [InlineData("8x8x8\nerror: forged", "8x8x8\\nerror: forged")]
    public void GemmTuningShapesAreBounded(string shape, string expected)
    {
        Assert.Contains(expected, Assert.Throws<InputException>(() => GemmShape.Parse(shape)).Message);
        // Refused before any device, database or reference is touched.
        var db = Path.Combine(dir.Path, "never.sqlite");
        AssertOneLineError(CliRunner.Run("tune", "--kernel", "gemm", "--shape", shape, "--budget", "1", "--db", db), expected);
        Assert.False(File.Exists(db));
    }

    [Fact]
    public void GemmShapesAtTheLimitsParse()
    {
        Assert.Equal(new GemmShape(16384, 16384, 1), GemmShape.Parse("16384x16384x1"));
        Assert.Equal(new GemmShape(1, 1, 4_194_304), GemmShape.Parse("1x1x4194304"));
        Assert.Equal(new GemmShape(8192, 8192, 16384), GemmShape.Parse("8192x8192x16384")); // exactly 2^40 MACs
    }

    [Theory]
    [InlineData("c=3,h=2147483647,w=2147483647,o=3,k=3", "32-bit indexing")]
    [InlineData("c=3,h=8,w=8,o=3,k=65537,d=65536", "produces an empty output")]
    [InlineData("c=3,h=8,w=8,o=3,k=3,p=2147483647", "32-bit indexing")]
    [InlineData("c=4096,h=40,w=40,o=8,k=33", "sums of 4,460,544 products; at most 4,194,304")]
    [InlineData("n=32,c=256,h=224,w=224,o=64,k=3,p=1", "a matrix of 411,041,792 elements; at most 268,435,456")]
    [InlineData("c=3,h=8,w=8,o=3,k=99999999999", "is not name=integer")]
    public void ConvTuningShapesAreBounded(string shape, string expected)
    {
        Assert.Contains(expected, Assert.Throws<InputException>(() => ConvShape.Parse(shape)).Message);
        AssertOneLineError(CliRunner.Run("tune", "--kernel", "conv", "--shape", shape, "--budget", "1", "--db", Path.Combine(dir.Path, "never.sqlite")), expected);
    }

    [Fact]
    public void TuneDatabaseAndExportPlacesAreClearErrors()
    {
        var folder = Directory.CreateDirectory(Path.Combine(dir.Path, "folder.sqlite")).FullName;
        var plain = dir.File("plain.txt", "x");
        AssertOneLineError(CliRunner.Run("tune", "--export", Path.Combine(dir.Path, "x.json"), "--db", folder), "is a folder, not a tuning database file");
        AssertOneLineError(CliRunner.Run("tune", "--export", Path.Combine(dir.Path, "x.json"), "--db", Path.Combine(dir.Path, "no", "db.sqlite")), "folder");
        AssertOneLineError(CliRunner.Run("tune", "--export", Path.Combine(dir.Path, "x.json"), "--db", Path.Combine(plain, "db.sqlite")), "db.sqlite");
        AssertOneLineError(CliRunner.Run("tune", "--export", Path.Combine(dir.Path, "x.json"), "--db", plain), "not an SQLite file");
        Assert.Equal("x", File.ReadAllText(plain));

        var db = Path.Combine(dir.Path, "ok.sqlite");
        AssertOneLineError(CliRunner.Run("tune", "--export", folder, "--db", db), "is a folder; expected a file name");
        AssertOneLineError(CliRunner.Run("tune", "--export", Path.Combine(dir.Path, "no", "x.json"), "--db", db), "folder");
        AssertOneLineError(CliRunner.Run("tune", "--export", Path.Combine(plain, "x.json"), "--db", db), "x.json");
        AssertOneLineError(CliRunner.Run("tune", "--export", "/proc/fpgagen-export.json", "--db", db), "cannot write the export");
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
    }
}
