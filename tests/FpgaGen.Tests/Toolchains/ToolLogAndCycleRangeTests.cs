using FpgaGen.Toolchains.Reports;

namespace FpgaGen.Tests.Toolchains;

public class ToolLogAndCycleRangeTests
{
    [Fact]
    public void FirstVppErrorIsFound()
    {
        string[] log =
        [
            "INFO: [v++ 60-1306] Additional information associated with this v++ link can be found at:",
            "WARNING: [v++ 60-1216] --report/-r option has been deprecated. Please use --report_level/-R estimate to generate an estimate report file for software emulation",
            "ERROR: [v++ 60-661] v++ link run 'run_link' failed",
            "ERROR: [v++ 60-626] Kernel link failed to complete",
            "INFO: [v++ 60-1653] Closing dispatch client.",
        ];
        Assert.Equal("ERROR: [v++ 60-661] v++ link run 'run_link' failed", ToolLog.FirstError(log));
    }

    [Fact]
    public void AocErrorKeepsItsReferToLine()
    {
        string[] log = ["aoc: Running OpenCL parser....", "Error: OpenCL parser FAILED.", "Refer to conv/conv.log for details.", ""];
        Assert.Equal("Error: OpenCL parser FAILED. Refer to conv/conv.log for details.", ToolLog.FirstError(log));
    }

    [Fact]
    public void CompilerDiagnosticBeforeTheDriverErrorWins()
    {
        string[] log = ["aoc: Running OpenCL parser....", "conv.cl:12:3: error: use of undeclared identifier 'x'", "Error: OpenCL parser FAILED."];
        Assert.Equal("conv.cl:12:3: error: use of undeclared identifier 'x'", ToolLog.FirstError(log));
    }

    [Fact]
    public void CleanLogHasNoError()
    {
        Assert.Null(ToolLog.FirstError(["aoc: First stage compilation completed successfully.", "INFO: no ERROR: here"]));
        Assert.Null(ToolLog.FirstErrorInFile("/nonexistent/log"));
    }

    [Theory]
    [InlineData("262673", 262673L, 262673L, false)]
    [InlineData("162 ~ 770", 162L, 770L, false)]
    [InlineData("~1", 1L, 1L, true)]
    [InlineData(">=1", 1L, null, false)]
    [InlineData("undef", null, null, false)]
    [InlineData("n/a", null, null, false)]
    [InlineData(" 7 ", 7L, 7L, false)]
    public void CycleRangesParse(string text, long? min, long? max, bool approximate)
    {
        Assert.True(CycleRange.TryParse(text, out var r));
        Assert.Equal(new CycleRange(min, max, approximate), r);
    }

    [Theory]
    [InlineData("fast")]
    [InlineData("1.5")]
    [InlineData("-3")]
    [InlineData("99999999999999999999999")]
    public void NonCycleTextIsRejected(string text) => Assert.False(CycleRange.TryParse(text, out _));

    [Fact]
    public void CycleRangePrintsLikeTheTools()
    {
        Assert.Equal("162 ~ 770", new CycleRange(162, 770).ToString());
        Assert.Equal("~1", new CycleRange(1, 1, true).ToString());
        Assert.Equal(">=1", new CycleRange(1, null).ToString());
        Assert.Equal("undef", CycleRange.Unknown.ToString());
    }
}
