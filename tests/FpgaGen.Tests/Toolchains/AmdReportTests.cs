using FpgaGen.Toolchains.Amd;
using FpgaGen.Toolchains.Reports;

namespace FpgaGen.Tests.Toolchains;

public class AmdReportTests
{
    [Fact]
    public void Csynth2020_2UsesDspAndGivesFmaxFromTheEstimatedPeriod()
    {
        var r = CsynthReport.ParseText(Samples.Csynth2020_2, "csynth.xml");

        Assert.Equal("2020.2", r.Version);
        Assert.Equal("gaussian", r.Top);
        Assert.Equal("xczu7ev-ffvc1156-2-e", r.Part);
        Assert.Equal(10.0, r.TargetClockNs);
        Assert.Equal(6.427, r.EstimatedClockNs);
        Assert.Equal(155.6, r.FmaxMhz!.Value, 1);
        Assert.Equal(CycleRange.Exactly(262673), r.Latency);
        Assert.Equal(CycleRange.Exactly(262674), r.Interval);
        Assert.Equal(new ResourceCounts { RamBlocks = 3, Registers = 976, Luts = 1870, Dsps = 0, Urams = 0 }, r.Resources);
        Assert.Equal(new ResourceCounts { RamBlocks = 624, Dsps = 1728, Registers = 460800, Luts = 230400, Urams = 96 }, r.Available);
        Assert.Equal(new HlsLoop("for_y_for_x", 262144, CycleRange.Exactly(262146), 1, 4), Assert.Single(r.Loops));
    }

    [Fact]
    public void Csynth2020_1ReadsDsp48eAndNestedUndefLoops()
    {
        var r = CsynthReport.ParseText(Samples.Csynth2020_1, "myproject_csynth.xml");

        Assert.Equal("myproject", r.Top);
        Assert.Equal(73, r.Resources.Dsps);
        Assert.Equal(6840, r.Available!.Dsps);
        Assert.Equal(new CycleRange(9, 13), r.Latency);
        Assert.Equal(new CycleRange(3, 5), r.Interval);
        Assert.Equal(
            [new HlsLoop("Loop1", null, CycleRange.Unknown, null, null), new HlsLoop("Loop1.1", 8, CycleRange.Exactly(10), 1, 3)],
            r.Loops);
    }

    [Fact]
    public void UndefOverallLatencyLeavesTheRangeOpen()
    {
        var xml = Samples.Csynth2020_2.Replace("<Best-caseLatency>262673", "<Best-caseLatency>undef").Replace("<Worst-caseLatency>262673", "<Worst-caseLatency>undef");
        var r = CsynthReport.ParseText(xml, "csynth.xml");

        Assert.False(r.Latency.IsKnown);
        Assert.Equal("undef", r.Latency.ToString());
    }

    [Theory]
    [InlineData("<TopModelName>gaussian</TopModelName>", "", "<profile/UserAssignments/TopModelName> is missing")]
    [InlineData("<FF>976</FF>", "<FF>many</FF>", "<profile/AreaEstimates/Resources/FF> is \"many\", not a resource count")]
    [InlineData("<Interval-max>262674</Interval-max>", "<Interval-max>soon</Interval-max>", "Interval-max> is \"soon\", not a cycle count")]
    [InlineData("<profile>", "<report>", "is not valid XML")]
    public void MalformedCsynthNamesTheElement(string from, string to, string expected)
    {
        var e = Assert.ThrowsAny<DocumentFormatException>(() => CsynthReport.ParseText(Samples.Csynth2020_2.Replace(from, to), "prj/solution1/syn/report/csynth.xml"));
        Assert.StartsWith("prj/solution1/syn/report/csynth.xml: ", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void CsynthOfAnotherKindIsRejected()
    {
        var e = Assert.ThrowsAny<DocumentFormatException>(() => CsynthReport.ParseText("<root/>", "x.xml"));
        Assert.Contains("expected a <profile> report, found <root>", e.Message);
    }

    [Fact]
    public void SystemEstimateFromTheDocReadsAllThreeTables()
    {
        var s = SystemEstimate.ParseText(Samples.SystemEstimateAbridged, "system_estimate_pi.xtxt");

        Assert.Equal("pi_container", s.DesignName);
        Assert.Equal("xilinx:u250:xdma:201830.2", s.TargetDevice);
        Assert.Equal(300.0, s.TargetClockMhz);
        Assert.Equal(new EstimateTiming("krnl_Tree_1", "krnl_Tree", "krnl_Tree", 300.300293, 213.492737), Assert.Single(s.Timing));
        Assert.Equal(
            [
                new EstimateLatency("krnl_Tree_1", "krnl_Tree", "p_get...", new CycleRange(162, 770), new CycleRange(162, 770), 429),
                new EstimateLatency("krnl_Tree_1", "krnl_Tree", "krnl_Tree", CycleRange.Unknown, CycleRange.Unknown, null),
            ],
            s.Latency);
        Assert.Equal(new ResourceCounts { Registers = 22036, Luts = 31772, Dsps = 0, RamBlocks = 5, Urams = 0 }, s.AreaOf("krnl_Tree_1")!.Resources);
        Assert.Equal(["krnl_Tree_1"], s.ComputeUnits);
    }

    [Fact]
    public void SystemEstimatePicksEachComputeUnitsOwnRow()
    {
        var s = SystemEstimate.ParseText(Samples.SystemEstimateFull, "system_estimate_vadd.xtxt");

        Assert.Equal(["conv_1", "pool_1"], s.ComputeUnits);
        Assert.Equal(286.615082, s.TimingOf("conv_1")!.EstimatedMhz);
        Assert.Equal(new CycleRange(162, 770), s.LatencyOf("conv_1")!.StartInterval);
        Assert.Equal(16, s.AreaOf("conv_1")!.Resources.Dsps);
        Assert.Equal(2, s.AreaOf("pool_1")!.Resources.Urams);
        Assert.False(s.LatencyOf("pool_1")!.Latency.IsKnown);
        Assert.Equal(3, s.Area.Count);
    }

    [Theory]
    [InlineData("22036  31772  16", "22036  lots   16", "'LUT' is \"lots\", not a number")]
    [InlineData("Compute Unit  Kernel Name  Module Name  FF     LUT    DSP", "Compute Unit  Kernel Name  Module Name  FF     LUTS   DSP", "the table has no 'LUT' column")]
    [InlineData("162 ~ 770       162", "162 - 770       162", "'Start Interval' is \"162 - 770\", not a cycle count")]
    public void MalformedSystemEstimateNamesLineAndColumn(string from, string to, string expected)
    {
        var e = Assert.ThrowsAny<DocumentFormatException>(() => SystemEstimate.ParseText(Samples.SystemEstimateFull.Replace(from, to), "est.xtxt"));
        Assert.Matches(@"^est\.xtxt: line \d+: ", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void SystemEstimateCutBeforeItsTablesIsRejected()
    {
        var cut = Samples.SystemEstimateFull[..Samples.SystemEstimateFull.IndexOf("Timing Information", StringComparison.Ordinal)];
        var e = Assert.ThrowsAny<DocumentFormatException>(() => SystemEstimate.ParseText(cut, "est.xtxt"));
        Assert.Contains("no 'Timing Information', 'Latency Information' or 'Area Information' table rows", e.Message);

        var headerOnly = Samples.SystemEstimateFull[..(Samples.SystemEstimateFull.IndexOf("Area Information", StringComparison.Ordinal) + 17)];
        Assert.Contains("'Area Information' has no header line", Assert.ThrowsAny<DocumentFormatException>(() => SystemEstimate.ParseText(headerOnly, "est.xtxt")).Message);
    }

    [Fact]
    public void CsimLogMarkers()
    {
        Assert.Equal(new CsimLog(true, 0, null), CsimLog.ParseText(Samples.CsimPassVitis, "t_csim.log"));
        Assert.Equal(new CsimLog(true, 0, null), CsimLog.ParseText(Samples.CsimPassVivado, "t_csim.log"));
        Assert.Equal(new CsimLog(false, null, "@E Simulation failed: Function 'main' returns nonzero value '1'."), CsimLog.ParseText(Samples.CsimFail, "t_csim.log"));
        Assert.Equal(new CsimLog(false, null, "CSim failed with errors"), CsimLog.ParseText("CSim failed with errors\n", "t_csim.log"));
        Assert.False(CsimLog.ParseText("INFO: [SIM 211-1] CSim done with 3 errors.\n", "t_csim.log").Passed);
    }

    [Fact]
    public void CsimLogWithoutAResultIsIncomplete()
    {
        var cut = Samples.CsimPassVitis[..Samples.CsimPassVitis.IndexOf("Test passed", StringComparison.Ordinal)];
        var e = Assert.ThrowsAny<DocumentFormatException>(() => CsimLog.ParseText(cut, "prj/solution1/csim/report/top_csim.log"));
        Assert.Equal("prj/solution1/csim/report/top_csim.log: no C-simulation result ('CSim done with N errors' or a failure line); the simulation did not finish", e.Message);
    }
}
