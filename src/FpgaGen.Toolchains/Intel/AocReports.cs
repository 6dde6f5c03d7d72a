using FpgaGen.Toolchains.Reports;

namespace FpgaGen.Toolchains.Intel;

/// <summary>Summarizes an aoc work folder: estimates from reports/lib, replaced by Quartus's numbers once fitted.</summary>
public static class AocReports
{
    public static bool LooksLikeWorkDirectory(string directory) =>
        File.Exists(Path.Combine(directory, "reports", "lib", "json", "summary.json"))
        || File.Exists(Path.Combine(directory, "reports", "lib", "report_data.js"))
        || File.Exists(Path.Combine(directory, "acl_quartus_report.txt"));

    public static SynthesisReport Read(string workDirectory)
    {
        var lib = Path.Combine(workDirectory, "reports", "lib");
        var json = Path.Combine(lib, "json");
        var quartusFile = Path.Combine(workDirectory, "acl_quartus_report.txt");
        string JsonFile(string name) => Path.Combine(json, name);

        AocSummary? summary = null;
        AocLoops? loops = null;
        AocInfo? info = null;
        if (File.Exists(JsonFile("summary.json")))
        {
            summary = AocSummary.Parse(JsonFile("summary.json"));
            loops = File.Exists(JsonFile("loops.json")) ? AocLoops.Parse(JsonFile("loops.json")) : null;
            info = File.Exists(JsonFile("info.json")) ? AocInfo.Parse(JsonFile("info.json")) : null;
        }
        else if (File.Exists(Path.Combine(lib, "report_data.js")))
        {
            var data = AocReportData.Parse(Path.Combine(lib, "report_data.js"));
            summary = data.Summary;
            loops = data.Loops;
            info = data.Info;
            if (summary is null && data.Area is { } area)
                summary = new AocSummary([], area.Kernels.Select(k => new AocResourceRow(k.Name, k.ComputeUnits ?? 1, k.Resources)).ToList(), area.Total, area.Available);
        }
        var quartus = File.Exists(quartusFile) ? QuartusReport.Parse(quartusFile) : null;
        if (summary is null && quartus is null)
            throw new ReportFormatException(workDirectory, "no aoc reports (reports/lib/json/summary.json, reports/lib/report_data.js or acl_quartus_report.txt)");

        var kernels = summary?.KernelRows.Select(row => new KernelResult(row.Name)
        {
            Resources = row.Resources,
            ComputeUnits = row.Copies,
            Ii = loops?.WorstIi(row.Name),
        }).ToList() ?? [];
        return new SynthesisReport(quartus is null ? ReportKind.AocEstimate : ReportKind.AocFit, quartus is null ? workDirectory : quartusFile)
        {
            Design = info?.ProjectName ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(workDirectory)),
            ToolVersion = info?.AocVersion,
            Resources = quartus?.Resources ?? summary!.Total,
            Available = quartus?.Available ?? summary?.Available,
            FmaxMhz = quartus?.FmaxMhz,
            Kernels = kernels,
        };
    }
}
