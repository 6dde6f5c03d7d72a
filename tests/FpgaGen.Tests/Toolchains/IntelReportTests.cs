using FpgaGen.Toolchains.Intel;
using FpgaGen.Toolchains.Reports;

namespace FpgaGen.Tests.Toolchains;

public class IntelReportTests
{
    [Fact]
    public void QuartusReportReadsEveryLineOfTheRealSample()
    {
        var r = QuartusReport.ParseText(Samples.QuartusReport, "acl_quartus_report.txt");

        Assert.Equal(107051, r.Aluts);
        Assert.Equal(124820, r.Registers);
        Assert.Equal(new QuartusUsage(82696, 427200), r.LogicUtilization);
        Assert.Equal(new QuartusUsage(305, 826), r.IoPins);
        Assert.Equal(new QuartusUsage(1, 1518), r.DspBlocks);
        Assert.Equal(new QuartusUsage(2635032, 55562240), r.MemoryBits);
        Assert.Equal(new QuartusUsage(343, 2713), r.RamBlocks);
        Assert.Equal(234, r.ActualClockMhz);
        Assert.Equal(234.85, r.KernelFmaxMhz);
        Assert.Equal(260.75, r.Clock1xFmaxMhz);
        Assert.Equal(469.7, r.Clock2xFmaxMhz);
        Assert.Equal(26696, r.HighestNonGlobalFanout);
        Assert.Equal(234, r.FmaxMhz);
        Assert.Equal(19.36, r.LogicUtilization.Percent!.Value, 2);
        Assert.Equal(new ResourceCounts { Aluts = 107051, Alms = 82696, Registers = 124820, RamBlocks = 343, Dsps = 1 }, r.Resources);
        Assert.Equal(new ResourceCounts { Alms = 427200, RamBlocks = 2713, Dsps = 1518 }, r.Available);
    }

    [Fact]
    public void QuartusReportTakesUnusedAsNoClock()
    {
        var text = Samples.QuartusReport.Replace("2x clock fmax: 469.7", "2x clock fmax: Unused").Replace("Actual clock freq: 234", "Actual clock freq: 147");
        var r = QuartusReport.ParseText(text, "q.txt");

        Assert.Null(r.Clock2xFmaxMhz);
        Assert.Equal(147, r.FmaxMhz);
    }

    [Theory]
    [InlineData("Kernel fmax: 234.85\n", "no 'Logic utilization:' line")]
    [InlineData("Logic utilization: 82,696 / 427,200 ( 19 % )\n", "no 'Kernel fmax:' or 'Actual clock freq:' line")]
    [InlineData("Logic utilization: lots\nKernel fmax: 1\n", "line 1: 'Logic utilization: lots' is not a count")]
    [InlineData("Logic utilization: 1 / 2\nKernel fmax: fast\n", "line 2: 'Kernel fmax: fast' is not a frequency")]
    [InlineData("", "no 'Logic utilization:' line")]
    public void MalformedQuartusReportNamesTheFileAndTheProblem(string text, string expected)
    {
        var e = Assert.ThrowsAny<DocumentFormatException>(() => QuartusReport.ParseText(text, "work/acl_quartus_report.txt"));
        Assert.StartsWith("work/acl_quartus_report.txt: ", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void SummaryJsonSplitsKernelRowsFromTotalsAndTrimsColumnNames()
    {
        var s = AocSummary.ParseText(Samples.SummaryJson, "report.json");

        var kernel = Assert.Single(s.KernelRows);
        Assert.Equal(new AocResourceRow("convolution", 32, new ResourceCounts { Aluts = 114843, Registers = 169820, RamBlocks = 0, Dsps = 320 }), kernel);
        Assert.Equal(new ResourceCounts { Aluts = 246188, Registers = 486089, RamBlocks = 946, Dsps = 320 }, s.Total);
        Assert.Equal(new ResourceCounts { Aluts = 740500, Registers = 1481000, RamBlocks = 2336, Dsps = 1518 }, s.Available);
        Assert.Equal(new AocKernel("convolution", "Single work-item", true, 32), Assert.Single(s.Kernels));
    }

    [Fact]
    public void SummaryJsonMatchesColumnsByNameNotPosition()
    {
        // Newer aoc versions add MLABs between RAMs and DSPs.
        var json = Samples.SummaryJson
            .Replace("\"RAMs \", \"DSPs \"]", "\"RAMs \", \"MLABs \", \"DSPs \"]")
            .Replace("[114843, 169820, 0, 320]", "[114843, 169820, 0, 2, 320]")
            .Replace("[246188, 486089, 946, 320]", "[246188, 486089, 946, 12, 320]")
            .Replace("[740500, 1481000, 2336, 1518]", "[740500, 1481000, 2336, 9000, 1518]");
        var total = AocSummary.ParseText(json, "summary.json").Total;

        Assert.Equal(12, total.Mlabs);
        Assert.Equal(320, total.Dsps);
    }

    [Theory]
    [InlineData("\"name\":\"Total\"", "\"name\":\"Grand\"", "has no \"Total\" row")]
    [InlineData("[246188, 486089, 946, 320]", "[246188, 486089]", "estimatedResources.children[1].data: has 2 values, so no RAMs column")]
    [InlineData("\"ALUTs \", \"FFs  \", \"RAMs \", \"DSPs \"", "\"Widgets\"", "no resource columns")]
    [InlineData("[114843, 169820, 0, 320]", "[114843, \"lots\", 0, 320]", "estimatedResources.children[0].data[1]: expected a number, found the string \"lots\"")]
    [InlineData("\"estimatedResources\":", "\"estimated\":", "estimatedResources is missing")]
    public void MalformedSummaryJsonSaysWhatIsWrongWhere(string from, string to, string expected)
    {
        var e = Assert.ThrowsAny<DocumentFormatException>(() => AocSummary.ParseText(Samples.SummaryJson.Replace(from, to), "report.json"));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void TruncatedSummaryJsonIsReportedAsCutOff()
    {
        var cut = Samples.SummaryJson[..(Samples.SummaryJson.Length / 2)];
        var e = Assert.ThrowsAny<DocumentFormatException>(() => AocSummary.ParseText(cut, "summary.json"));
        Assert.StartsWith("summary.json: the file is not valid JSON", e.Message);
        Assert.Contains("cut off", e.Message);
    }

    [Fact]
    public void AreaJsonGivesTotalDeviceAndKernels()
    {
        var a = AocArea.ParseText(Samples.AreaJson, "report.json");

        Assert.Equal(new ResourceCounts { Aluts = 246188, Registers = 486089, RamBlocks = 946, Dsps = 320 }, a.Total);
        Assert.Equal(new ResourceCounts { Aluts = 740500, Registers = 1481000, RamBlocks = 2336, Dsps = 1518 }, a.Available);
        Assert.Equal(new AocAreaKernel("convolution_0_0_0", 1, new ResourceCounts { Aluts = 3896, Registers = 5460, RamBlocks = 0, Dsps = 10 }), Assert.Single(a.Kernels));
    }

    [Fact]
    public void LoopsJsonFlattensNestedLoopsWithTheirKernel()
    {
        var l = AocLoops.ParseText(Samples.LoopsJson, "report.json");

        Assert.Equal(
            [
                new AocLoop("weight_loader", "weight_loader.B1", true, new CycleRange(1, 1, true), null),
                new AocLoop("weight_loader", "weight_loader.B2", true, new CycleRange(1, null), null),
                new AocLoop("weight_loader", "Fully unrolled loop", null, CycleRange.Unknown, null),
                new AocLoop("result_unloader", "result_unloader.B1", true, new CycleRange(1, 1, true), null),
                new AocLoop("result_unloader", "result_unloader.B2", true, CycleRange.Exactly(4), "Memory dependency"),
            ],
            l.Loops);
        Assert.Equal(CycleRange.Exactly(4), l.WorstIi("result_unloader"));
        Assert.Equal(new CycleRange(1, 1, true), l.WorstIi("weight_loader"));
        Assert.Null(l.WorstIi("no_such_kernel"));
    }

    [Fact]
    public void LoopsJsonRejectsAnIiThatIsNotACycleCount()
    {
        var e = Assert.ThrowsAny<DocumentFormatException>(() => AocLoops.ParseText(Samples.LoopsJson.Replace("\"4\"", "\"fast\""), "report.json"));
        Assert.Contains("children[1].children[1]: II \"fast\" is not a cycle count", e.Message);
    }

    [Fact]
    public void InfoJsonGivesVersionAndProject()
    {
        var i = AocInfo.ParseText(Samples.InfoJson, "report.json");

        Assert.Equal("17.1.1 Build 273", i.AocVersion);
        Assert.Equal("conv3_64", i.ProjectName);
        Assert.Null(i.Command);
    }

    [Fact]
    public void TablesFromFilesOnDiskParseLikeTheirText()
    {
        using var dir = new TempDir();
        Assert.Equal(CycleRange.Exactly(4), AocLoops.Parse(dir.File("loops.json", Samples.LoopsJson)).WorstIi("result_unloader"));
        Assert.Equal("17.1.1 Build 273", AocInfo.Parse(dir.File("info.json", Samples.InfoJson)).AocVersion);
        Assert.Equal(320, AocArea.Parse(dir.File("area.json", Samples.AreaJson)).Total.Dsps);
        Assert.Equal(320, AocSummary.Parse(dir.File("summary.json", Samples.SummaryJson)).Total.Dsps);
        Assert.Equal(234.85, QuartusReport.Parse(dir.File("acl_quartus_report.txt", Samples.QuartusReport)).KernelFmaxMhz);
        var missing = Assert.ThrowsAny<DocumentFormatException>(() => AocSummary.Parse(Path.Combine(dir.Path, "nope.json")));
        Assert.EndsWith("nope.json: the file does not exist", missing.Message);
    }
}
