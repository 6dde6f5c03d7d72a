using FpgaGen.Toolchains.Intel;
using FpgaGen.Toolchains.Reports;

namespace FpgaGen.Tests.Toolchains;

public class ReportDataJsTests
{
    /// <summary>Encodes JSON as aoc 17.1 does: one line, inside a single-quoted JS string.</summary>
    private static string JsString(string json) =>
        "'" + string.Join(' ', json.Split('\n').Select(l => l.Trim())).Replace("\\", "\\\\").Replace("'", "\\'") + "'";

    private static readonly string File17 =
        $"var areaJSON={JsString(Samples.AreaJson)};\n" +
        $"var loopsJSON={JsString(Samples.LoopsJson)};\n" +
        $"var summaryJSON={JsString(Samples.SummaryJson)};\n" +
        $"var infoJSON={JsString(Samples.InfoJson)};\n";

    [Fact]
    public void StringEncodedTablesOfAoc17Decode()
    {
        var data = AocReportData.ParseText(File17, "report_data.js");

        Assert.Equal(320, data.Area!.Total.Dsps);
        Assert.Equal(246188, data.Summary!.Total.Aluts);
        Assert.Equal(CycleRange.Exactly(4), data.Loops!.WorstIi("result_unloader"));
        Assert.Equal("17.1.1 Build 273", data.Info!.AocVersion);
    }

    [Fact]
    public void EscapedQuotesAndSemicolonsInsideStringsDoNotEndTheValue()
    {
        // The area sample's "Private Variable: \\n - 'buffer'" becomes \\\\n and \' inside the JS string.
        var vars = ReportDataJs.ReadVariables(File17 + "var tricky='a;b \\' var x=1; \\u0041\\x42';", "report_data.js");

        Assert.Contains("Private Variable: \\n - 'buffer' (conv3-64.cl:70)", vars["areaJSON"]);
        Assert.Equal("a;b ' var x=1; AB", vars["tricky"]);
        Assert.DoesNotContain("x", vars.Keys);
    }

    [Fact]
    public void ObjectLiteralsAndStringConcatenationAreRead()
    {
        const string text = """
            // written by the HLS compiler
            var areaJSON={"columns":["", "ALUTs", "FFs", "RAMs", "DSPs", "MLABs", "Details"], "total":[10, 20, 3, 4, 5],
              "name":"has } and ; in a string"};
            var fileJSON='{"a":' + '1}';
            /* var hidden={"b":2}; */
            """;
        var vars = ReportDataJs.ReadVariables(text, "report_data.js");

        Assert.Equal(["areaJSON", "fileJSON"], vars.Keys.Order());
        Assert.Equal("{\"a\":1}", vars["fileJSON"]);
        var area = AocReportData.ParseText(text, "report_data.js").Area!;
        Assert.Equal(new ResourceCounts { Aluts = 10, Registers = 20, RamBlocks = 3, Dsps = 4, Mlabs = 5 }, area.Total);
    }

    [Theory]
    [InlineData("var areaJSON='{\"total\":[1,2", "line 1: var areaJSON is cut off: the string opened here never ends")]
    [InlineData("var areaJSON={\"total\":[1,2", "line 1: var areaJSON is cut off: the '{' opened here is never closed")]
    [InlineData("\n\nvar areaJSON='{\"a\":1}\n';", "line 3: var areaJSON: line break inside the string")]
    [InlineData("var areaJSON=42;", "var areaJSON: expected a string or an object after '=', found '4'")]
    [InlineData("var areaJSON='{}' junk;", "var areaJSON: expected ';' after the value, found 'j'")]
    [InlineData("var areaJSON='{\"total\":[1,}';", "var areaJSON is not valid JSON")]
    [InlineData("var other='{}';", "has neither summaryJSON nor areaJSON (found: other)")]
    [InlineData("", "has neither summaryJSON nor areaJSON (found: no variables)")]
    public void BrokenFilesNameTheVariableAndTheLine(string text, string expected)
    {
        var e = Assert.ThrowsAny<DocumentFormatException>(() => AocReportData.ParseText(text, "reports/lib/report_data.js"));
        Assert.StartsWith("reports/lib/report_data.js: ", e.Message);
        Assert.Contains(expected, e.Message);
    }
}
