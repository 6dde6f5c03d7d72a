using System.Text.Json;
using FpgaGen.Exploration.Compiles;
using FpgaGen.Tests.Cli;

namespace FpgaGen.Tests.Exploration;

public class CalibrationTests
{
    private static CompileRecord Record(string key, string status, double predictedFmax, double? reportedFmax, double predictedLogic = 100_000, double? reportedLogic = null) => new()
    {
        Key = key, Device = "a10_385a", Kernel = "conv_tiled", Params = new FpgaGen.Exploration.Documents.DesignParameters([new("Tm", 64)]), Precision = "fp32", Target = "hw", Status = status,
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
        var c = Calibrator.Fit(dir, "a10_385a");
        Assert.Equal(2, c.Samples);
        Assert.Equal(Math.Sqrt(200.0 / 240 * 180 / 240), c.Fmax, 9);
        Assert.Equal(Math.Sqrt(1.5 * 1.2), c.Logic, 9);
        Assert.Equal(1.1, c.Ram, 9);
        Assert.Equal(1.0, c.Dsp, 9);
        Assert.Throws<InputException>(() => Calibrator.Fit(dir, "u250"));
        Directory.Delete(dir, true);
    }

    [Fact]
    public void ExploreSaysWhichFiguresAreCalibrated()
    {
        var dir = NewDir();
        var log = Path.Combine(dir, ResultsLog.FileName);
        ResultsLog.Append(log, Record("a", "ok", 240, 120, 100_000, 100_000));
        var plain = CliRunner.Run("explore", "alexnet", "--device", "a10_385a", "--top", "1", "--format", "json");
        var calibrated = CliRunner.Run("explore", "alexnet", "--device", "a10_385a", "--top", "1", "--format", "json", "--calibrate", dir);
        Assert.Equal(0, calibrated.Code);
        using var a = JsonDocument.Parse(plain.Out);
        using var b = JsonDocument.Parse(calibrated.Out);
        Assert.False(a.RootElement.GetProperty("calibration").GetProperty("calibrated").GetBoolean());
        Assert.True(b.RootElement.GetProperty("calibration").GetProperty("calibrated").GetBoolean());
        Assert.Equal(0.5, b.RootElement.GetProperty("calibration").GetProperty("factors").GetProperty("fmax_mhz").GetDouble());
        var fa = a.RootElement.GetProperty("designs")[0].GetProperty("freq_mhz").GetDouble();
        var fb = b.RootElement.GetProperty("designs")[0].GetProperty("freq_mhz").GetDouble();
        Assert.InRange(fb, 0.45 * fa, 0.55 * fa);
        var table = CliRunner.Run("explore", "alexnet", "--device", "a10_385a", "--top", "1", "--calibrate", dir);
        Assert.Contains("figures: calibrated from 1 compiles", table.Out);
        Assert.Equal(2, CliRunner.Run("explore", "alexnet", "--device", "a10_385a", "--calibrate", "/nonexistent").Code);
        Directory.Delete(dir, true);
    }
}
