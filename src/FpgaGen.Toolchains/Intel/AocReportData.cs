using FpgaGen.Toolchains.Reports;

namespace FpgaGen.Toolchains.Intel;

/// <summary>
/// The tables of reports/lib/report_data.js (areaJSON, summaryJSON, loopsJSON, infoJSON), parsed with the same
/// readers as the separate reports/lib/json files. Versions differ in which variables they write, so each is
/// optional, but a file with neither area nor summary data is not a report.
/// </summary>
public sealed record AocReportData(AocSummary? Summary, AocArea? Area, AocLoops? Loops, AocInfo? Info)
{
    public static AocReportData Parse(string path) => ParseText(ReportFile.Read(path), path);

    public static AocReportData ParseText(string text, string file)
    {
        var vars = ReportDataJs.ReadVariables(text, file);
        JNode? Json(string name) => vars.TryGetValue(name, out var json) ? JNode.Parse(json, file, $"var {name}") : null;

        var data = new AocReportData(
            Json("summaryJSON") is { } s ? AocSummary.FromJson(s) : null,
            Json("areaJSON") is { } a ? AocArea.FromJson(a) : null,
            Json("loopsJSON") is { } l ? AocLoops.FromJson(l) : null,
            Json("infoJSON") is { } i ? AocInfo.FromJson(i) : null);
        if (data.Summary is null && data.Area is null)
            throw new ReportFormatException(file, $"has neither summaryJSON nor areaJSON (found: {(vars.Count == 0 ? "no variables" : string.Join(", ", vars.Keys))})");
        return data;
    }
}
