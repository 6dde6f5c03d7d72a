using System.Text.Json;
using FpgaGen.Estimation;
using FpgaGen.Exploration.Compiles;
using FpgaGen.Tests.Cli;

namespace FpgaGen.Tests.Exploration;

public class CalibrationTests
{
    private static CompileRecord Record(string key, string status, double predictedFmax, double? reportedFmax, double predictedLogic = 100_000, double? reportedLogic = null,
        string kernel = "conv_tiled", string device = "a10_385a", string target = "hw") => new()
    {
        Key = key, Device = device, Kernel = kernel, Params = new FpgaGen.Exploration.Documents.DesignParameters([new("Tm", 64)]), Precision = "fp32", Target = target, Status = status,
        Predicted = new Figures { FmaxMhz = predictedFmax, Logic = predictedLogic, Dsp = 500, Bram = 1000 },
        Reported = reportedFmax is null ? null : new Figures { FmaxMhz = reportedFmax, Logic = reportedLogic, Dsp = 500, Bram = 1100 },
    };

    private static string NewDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"fpgagen-cal-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    [Fact]
    public void TornLastLineIsSkippedAndTheNextAppendStaysReadable()
    {
        var dir = NewDir();
        var log = Path.Combine(dir, ResultsLog.FileName);
        ResultsLog.Append(log, Record("a", "ok", 240, 200));
        File.AppendAllText(log, "{\"key\":\"b\",\"dev"); // a writer killed in the middle of a line
        var (records, skipped) = ResultsLog.Read(log);
        Assert.Single(records);
        Assert.Equal(1, skipped);
        ResultsLog.Append(log, Record("c", "failed", 240, null));
        (records, skipped) = ResultsLog.Read(log);
        Assert.Equal(["a", "c"], records.Select(r => r.Key));
        Assert.Equal(1, skipped);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void FactorsAreGeometricMeansOfSuccessfulCompiles()
    {
        var dir = NewDir();
        var log = Path.Combine(dir, ResultsLog.FileName);
        ResultsLog.Append(log, Record("a", "ok", 240, 200, 100_000, 150_000));
        ResultsLog.Append(log, Record("b", "ok", 240, 180, 100_000, 120_000));
        ResultsLog.Append(log, Record("c", "failed", 240, null));
        var c = Calibrator.Fit(dir, "a10_385a").For("conv_tiled");
        Assert.Equal(2, c.Compiles);
        Assert.Equal(2, c.Fmax.Samples);
        Assert.Equal(Math.Sqrt(200.0 / 240 * 180 / 240), c.Fmax.Value, 9);
        Assert.Equal(Math.Sqrt(1.5 * 1.2), c.Logic.Value, 9);
        Assert.Equal(1.1, c.Ram.Value, 9);
        Assert.Equal(1.0, c.Dsp.Value, 9);
        Assert.Equal(2, c.Dsp.Samples);
        Assert.Throws<InputException>(() => Calibrator.Fit(dir, "u250"));
        Directory.Delete(dir, true);
    }

    [Fact]
    public void EachKindRestsOnlyOnItsOwnCompilesOfTheSameFamily()
    {
        var dir = NewDir();
        var log = Path.Combine(dir, ResultsLog.FileName);
        foreach (var k in new[] { "a", "b", "c" }) ResultsLog.Append(log, Record(k, "ok", 240, 120, 100_000, 200_000, kernel: "gemm"));
        // Same family on another board counts; another vendor's family does not.
        ResultsLog.Append(log, Record("d", "ok", 240, 180, 100_000, 100_000, kernel: "conv_tiled", device: "a10_devkit"));
        ResultsLog.Append(log, Record("e", "ok", 240, 60, 100_000, 400_000, kernel: "conv_systolic", device: "u250"));
        var set = Calibrator.Fit(dir, "a10_385a");
        Assert.Equal("intel Arria 10 GX", set.Family);
        Assert.Equal(4, set.Compiles);
        var gemm = set.For("gemm");
        Assert.Equal(new CalibrationFactor(0.5, 3), gemm.Fmax);
        Assert.Equal(3, gemm.Logic.Samples);
        Assert.Equal(2.0, gemm.Logic.Value, 9);
        Assert.Equal(new CalibrationFactor(0.75, 1), set.For("conv_tiled").Fmax);
        Assert.True(set.For("conv_systolic").IsIdentity);
        Assert.Equal(0, set.For("conv_systolic").Compiles);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void ReportTargetWithoutPlacementDoesNotCalibrateTheClock()
    {
        var dir = NewDir();
        var log = Path.Combine(dir, ResultsLog.FileName);
        ResultsLog.Append(log, Record("a", "ok", 240, 120, 100_000, 150_000, target: "report"));
        ResultsLog.Append(log, Record("b", "ok", 240, null, 100_000, 150_000));
        var c = Calibrator.Fit(dir, "a10_385a").For("conv_tiled");
        Assert.Equal(CalibrationFactor.None, c.Fmax);
        Assert.Equal(1, c.Logic.Samples);
        Directory.Delete(dir, true);
    }

    [Theory]
    [InlineData(5.0, 1000.0)]
    [InlineData(0.0001, 1.0)]
    public void ACalibratedClockStaysInTheClockRange(double factor, double expected)
    {
        var calibration = new FpgaGen.Estimation.Calibration("gemm", new(factor, 3), CalibrationFactor.None, CalibrationFactor.None, CalibrationFactor.None, 3);
        var estimator = FpgaGen.Tests.Estimation.EstimationTestData.Estimator("gemm", "tiny_cnn", "s10_gx2800", FpgaGen.Precision.Fp32, calibration: calibration);
        var config = FpgaGen.Kernels.Kinds.KernelKinds.Get("gemm").Space.Parse("Tm=8,Tn=8,Tk=8,vu=8");
        Assert.Equal(expected, estimator.Evaluate(config).FreqMhz);
    }

    [Fact]
    public void AnEstimatorRefusesAnotherKindsCalibration()
    {
        var gemm = new FpgaGen.Estimation.Calibration("gemm", new(0.5, 1), CalibrationFactor.None, CalibrationFactor.None, CalibrationFactor.None, 1);
        Assert.Throws<ArgumentException>(() => FpgaGen.Tests.Estimation.EstimationTestData.Estimator("conv_tiled", "alexnet", "a10_385a", FpgaGen.Precision.Fp32, calibration: gemm));
    }

    [Fact]
    public void GemmCompilesLeaveConvSystolicAsTheModelPredictsIt()
    {
        var dir = NewDir();
        var log = Path.Combine(dir, ResultsLog.FileName);
        foreach (var k in new[] { "a", "b", "c" }) ResultsLog.Append(log, Record(k, "ok", 240, 96, 100_000, 300_000, kernel: "gemm"));
        string[] args = ["explore", "alexnet", "--device", "a10_385a", "--kernel", "conv_systolic,gemm", "--top", "400", "--format", "json"];
        var plain = CliRunner.Run(args);
        var calibrated = CliRunner.Run([.. args, "--calibrate", dir]);
        Assert.Equal(0, calibrated.Code);
        using var a = JsonDocument.Parse(plain.Out);
        using var b = JsonDocument.Parse(calibrated.Out);
        static Dictionary<string, double> Systolic(JsonDocument d) => d.RootElement.GetProperty("designs").EnumerateArray()
            .Where(x => x.GetProperty("kernel").GetString() == "conv_systolic")
            .ToDictionary(x => x.GetProperty("params").GetRawText(), x => x.GetProperty("freq_mhz").GetDouble());
        var before = Systolic(a);
        var after = Systolic(b);
        Assert.NotEmpty(after);
        foreach (var (k, f) in after.Where(x => before.ContainsKey(x.Key))) Assert.Equal(before[k], f);
        var kinds = b.RootElement.GetProperty("calibration").GetProperty("kinds").EnumerateArray().ToDictionary(x => x.GetProperty("kernel").GetString()!);
        Assert.False(kinds["conv_systolic"].GetProperty("calibrated").GetBoolean());
        Assert.Equal(3, kinds["gemm"].GetProperty("fmax_mhz").GetProperty("compiles").GetInt32());
        Assert.Equal(0.4, kinds["gemm"].GetProperty("fmax_mhz").GetProperty("factor").GetDouble(), 9);
        var table = CliRunner.Run("explore", "alexnet", "--device", "a10_385a", "--kernel", "conv_systolic,gemm", "--top", "1", "--calibrate", dir);
        Assert.Contains("conv_systolic: uncalibrated (no compile of conv_systolic on intel Arria 10 GX)", table.Out);
        Assert.Contains("gemm: fmax x0.4 (3 compiles)", table.Out);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void ExploreSaysWhichFiguresAreCalibrated()
    {
        var dir = NewDir();
        var log = Path.Combine(dir, ResultsLog.FileName);
        ResultsLog.Append(log, Record("a", "ok", 240, 120, 100_000, 100_000));
        var plain = CliRunner.Run("explore", "alexnet", "--device", "a10_385a", "--kernel", "conv_tiled", "--top", "1", "--format", "json");
        var calibrated = CliRunner.Run("explore", "alexnet", "--device", "a10_385a", "--kernel", "conv_tiled", "--top", "1", "--format", "json", "--calibrate", dir);
        Assert.Equal(0, calibrated.Code);
        using var a = JsonDocument.Parse(plain.Out);
        using var b = JsonDocument.Parse(calibrated.Out);
        Assert.False(a.RootElement.GetProperty("calibration").GetProperty("calibrated").GetBoolean());
        Assert.True(b.RootElement.GetProperty("calibration").GetProperty("calibrated").GetBoolean());
        var kind = b.RootElement.GetProperty("calibration").GetProperty("kinds").EnumerateArray().Single(k => k.GetProperty("kernel").GetString() == "conv_tiled");
        Assert.Equal(0.5, kind.GetProperty("fmax_mhz").GetProperty("factor").GetDouble());
        Assert.Equal(1, kind.GetProperty("fmax_mhz").GetProperty("compiles").GetInt32());
        var fa = a.RootElement.GetProperty("designs")[0].GetProperty("freq_mhz").GetDouble();
        var fb = b.RootElement.GetProperty("designs")[0].GetProperty("freq_mhz").GetDouble();
        Assert.InRange(fb, 0.45 * fa, 0.55 * fa);
        var table = CliRunner.Run("explore", "alexnet", "--device", "a10_385a", "--top", "1", "--calibrate", dir);
        Assert.Contains("figures: calibrated per kernel kind from 1 compiles on intel Arria 10 GX", table.Out);
        Assert.Contains("conv_tiled: fmax x0.5 (1 compile)", table.Out);
        Assert.Equal(2, CliRunner.Run("explore", "alexnet", "--device", "a10_385a", "--calibrate", "/nonexistent").Code);
        Directory.Delete(dir, true);
    }
}
