using FpgaGen.Toolchains.Amd;
using FpgaGen.Toolchains.Intel;
using FpgaGen.Toolchains.Reports;

namespace FpgaGen.Tests.Toolchains;

/// <summary>
/// A tool killed mid-write leaves a report cut anywhere. Every prefix of every sample must either parse or fail
/// with a ReportFormatException; a NullReference, Index or Format exception would reach the user as a stack trace.
/// </summary>
public class ReportRobustnessTests
{
    public static TheoryData<string> Parsers() => ["quartus", "summary", "area", "loops", "info", "report_data", "csynth", "csynth2020_1", "estimate", "estimate_doc", "csim"];

    [Theory]
    [MemberData(nameof(Parsers))]
    public void EveryTruncationParsesOrFailsCleanly(string parser)
    {
        var (sample, parse) = Pick(parser);
        var failures = 0;
        for (var cut = 0; cut < sample.Length; cut += Math.Max(1, sample.Length / 400))
        {
            try
            {
                parse(sample[..cut]);
            }
            catch (DocumentFormatException e)
            {
                Assert.StartsWith("f: ", e.Message);
                failures++;
            }
        }
        parse(sample);
        Assert.True(failures > 0, "no truncation was rejected");
    }

    internal static (string Sample, Action<string> Parse) Pick(string parser) => parser switch
    {
        "quartus" => (Samples.QuartusReport, t => QuartusReport.ParseText(t, "f")),
        "summary" => (Samples.SummaryJson, t => AocSummary.ParseText(t, "f")),
        "area" => (Samples.AreaJson, t => AocArea.ParseText(t, "f")),
        "loops" => (Samples.LoopsJson, t => AocLoops.ParseText(t, "f")),
        "info" => (Samples.InfoJson, t => AocInfo.ParseText(t, "f")),
        "report_data" => ($"var summaryJSON={Samples.SummaryJson};\nvar areaJSON='{Samples.AreaJson.Replace("\n", " ").Replace("\\", "\\\\").Replace("'", "\\'")}';\n", t => AocReportData.ParseText(t, "f")),
        "csynth" => (Samples.Csynth2020_2, t => CsynthReport.ParseText(t, "f")),
        "csynth2020_1" => (Samples.Csynth2020_1, t => CsynthReport.ParseText(t, "f")),
        "estimate" => (Samples.SystemEstimateFull, t => SystemEstimate.ParseText(t, "f")),
        "estimate_doc" => (Samples.SystemEstimateAbridged, t => SystemEstimate.ParseText(t, "f")),
        "csim" => (Samples.CsimPassVitis, t => CsimLog.ParseText(t, "f")),
        _ => throw new ArgumentException(parser),
    };

    [Theory]
    [InlineData("{}")]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("{\"estimatedResources\":[]}")]
    [InlineData("{\"estimatedResources\":{\"columns\":\"x\",\"children\":{}}}")]
    [InlineData("{\"estimatedResources\":{\"columns\":[\"Kernel Name\",\"DSPs\"],\"children\":[{\"name\":\"Total\",\"classes\":[\"summary-highlight\"],\"data\":[]}]}}")]
    [InlineData("{\"columns\":[\"\",\"II\"],\"children\":[{\"name\":3}]}")]
    [InlineData("{\"rows\":[{\"name\":\"AOC Version\"}]}")]
    public void WrongShapesAreFormatErrors(string json)
    {
        Assert.ThrowsAny<DocumentFormatException>(() => AocSummary.ParseText(json, "f"));
        Assert.ThrowsAny<DocumentFormatException>(() => AocArea.ParseText(json, "f"));
        Assert.ThrowsAny<DocumentFormatException>(() => AocLoops.ParseText(json, "f"));
        Assert.ThrowsAny<DocumentFormatException>(() => AocInfo.ParseText(json, "f"));
    }
}
