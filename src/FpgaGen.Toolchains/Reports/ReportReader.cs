using FpgaGen.Toolchains.Amd;
using FpgaGen.Toolchains.Intel;

namespace FpgaGen.Toolchains.Reports;

/// <summary>
/// Finds and reads vendor reports for `fpgagen report PATH`. PATH may be one report file, an aoc work folder, or any
/// folder above them (a project folder with several runs): it is searched a few levels deep for aoc work folders,
/// HLS csynth.xml files and v++ system_estimate_*.xtxt files.
/// </summary>
public static class ReportReader
{
    private const int MaxDepth = 8;

    public static IReadOnlyList<SynthesisReport> Read(string path)
    {
        if (File.Exists(path)) return [ReadFile(Path.GetFullPath(path))];
        if (!Directory.Exists(path)) throw new InputException($"{path}: no such file or folder");
        var reports = Find(Path.GetFullPath(path)).Select(ReadFile).ToList();
        if (reports.Count == 0)
            throw new InputException($"no vendor reports under {path}: looked for aoc work folders (reports/lib/json/summary.json, " +
                                     "reports/lib/report_data.js, acl_quartus_report.txt), HLS csynth.xml and v++ system_estimate_*.xtxt");
        return reports;
    }

    /// <summary>Every report under a folder, none when nothing was built there; a malformed report still throws.</summary>
    public static IReadOnlyList<SynthesisReport> ReadAll(string folder) =>
        Directory.Exists(folder) ? Find(Path.GetFullPath(folder)).Select(ReadFile).ToList() : [];

    /// <summary>Reads one found report: an aoc work folder or a report file.</summary>
    private static SynthesisReport ReadFile(string file)
    {
        if (Directory.Exists(file)) return AocReports.Read(file);
        var name = Path.GetFileName(file);
        var dir = Path.GetDirectoryName(file)!;
        if (name == "acl_quartus_report.txt") return AocReports.Read(dir);
        if (name == "report_data.js") return AocReports.Read(Up(dir, 2));
        if (name.EndsWith(".json", StringComparison.Ordinal) && Path.GetFileName(dir) == "json") return AocReports.Read(Up(dir, 3));
        if (name.StartsWith("system_estimate", StringComparison.Ordinal)) return AmdReports.FromEstimate(SystemEstimate.Parse(file), file);
        if (name.EndsWith(".xml", StringComparison.Ordinal)) return AmdReports.FromCsynth(CsynthReport.Parse(file), file);
        throw new InputException($"{file}: not a report FpgaGen reads (acl_quartus_report.txt, reports/lib/json/*.json, report_data.js, csynth.xml, system_estimate_*.xtxt)");
    }

    /// <summary>The reports under a folder, one per run: aoc work folders, HLS top reports, v++ estimates.</summary>
    private static IEnumerable<string> Find(string root)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = MaxDepth, IgnoreInaccessible = true };
        var found = new List<string>();
        if (AocReports.LooksLikeWorkDirectory(root)) found.Add(root);
        foreach (var dir in Directory.EnumerateDirectories(root, "*", options).Order(StringComparer.Ordinal))
        {
            if (AocReports.LooksLikeWorkDirectory(dir)) found.Add(dir);
            else if (Path.GetFileName(dir) == "report" && Path.GetFileName(Path.GetDirectoryName(dir)) == "syn" && TopCsynth(dir) is { } xml) found.Add(xml);
            else if (Path.GetFileName(dir) == "link" && Path.GetFileName(Path.GetDirectoryName(dir)) == "reports")
                found.AddRange(Directory.EnumerateFiles(dir, "system_estimate*.xtxt").Order(StringComparer.Ordinal));
        }
        return found;
    }

    /// <summary>
    /// The top function's report in a syn/report folder. The Tcl flow names it csynth.xml; the unified flow only
    /// writes &lt;function&gt;_csynth.xml, one per synthesized function, and the top is the one that contains the
    /// others, so it is the largest.
    /// </summary>
    private static string? TopCsynth(string reportDir)
    {
        var csynth = Path.Combine(reportDir, "csynth.xml");
        if (File.Exists(csynth)) return csynth;
        return Directory.EnumerateFiles(reportDir, "*_csynth.xml")
            .Select(f => (File: f, Report: CsynthReport.Parse(f)))
            .MaxBy(r => (r.Report.Resources.Luts ?? 0) + (r.Report.Resources.Registers ?? 0))
            .File;
    }

    private static string Up(string dir, int levels)
    {
        for (var i = 0; i < levels; i++) dir = Path.GetDirectoryName(dir) ?? dir;
        return dir;
    }
}
