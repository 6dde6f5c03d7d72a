using System.Text.Json;
using FpgaGen.Toolchains.Reports;

namespace FpgaGen.Toolchains.Projects;

/// <summary>The vendor figures of one built target of a project, compared with the design's predictions.</summary>
public sealed record TargetReport(CompileTarget Target, string Folder, FigureComparison Comparison);

/// <summary>
/// Reads what the tools left under &lt;project&gt;/build/&lt;target&gt;/ (aoc work folders, acl_quartus_report.txt,
/// csynth.xml, system_estimate_*.xtxt) for every target that reports hardware figures.
/// </summary>
public static class ProjectReports
{
    public static IReadOnlyList<TargetReport> Read(BuildProject project, CompileTarget? only = null)
    {
        var found = new List<TargetReport>();
        foreach (var target in CompileTargets.For(project.ToolchainKind).Where(t => t.Reports() && (only is null || only == t)))
        {
            var folder = ProjectCompiler.TargetDirectory(project, target);
            if (ReportedFigures.From(ReportReader.ReadAll(folder), project.Device) is { } reported)
                found.Add(new TargetReport(target, folder, FigureComparison.Compare(project.Predicted, reported, project.Device)));
        }
        return found;
    }

    /// <summary>Why there is nothing to show: no build yet, or the last builds' errors from build/&lt;target&gt;.report.json.</summary>
    public static string NothingBuilt(BuildProject project, string shownPath)
    {
        var failures = new List<string>();
        foreach (var target in CompileTargets.For(project.ToolchainKind))
        {
            var summary = ProjectCompiler.SummaryPath(project, target);
            if (!File.Exists(summary)) continue;
            try
            {
                var root = JNode.Parse(ReportFile.Read(summary, InputFile.DocumentBytes, "build summary"), summary, "the build summary");
                // Only text is trusted: a summary edited by hand or by another tool may hold anything.
                if (root.Element.ValueKind == JsonValueKind.Object && root.TryProp("status")?.Text() is { } status and not "ok")
                    failures.Add($"the last {target.Name()} compile {(status == "failed" ? "failed" : "ended: " + OneLine(status))}" +
                                 (root.TryProp("error")?.Text() is { } error ? $" ({OneLine(error)})" : ""));
            }
            catch (DocumentFormatException)
            {
                // A summary cut off by a kill (or not a file) says nothing reliable; the message below still holds.
            }
        }
        var targets = string.Join("|", CompileTargets.For(project.ToolchainKind).Where(t => t.Reports()).Select(t => t.Name()));
        return $"{shownPath}: nothing compiled yet: no vendor reports under build/ ({targets})" +
               (failures.Count > 0 ? "; " + string.Join("; ", failures) : "") +
               $"; run `fpgagen compile {shownPath}` first";
    }

    private static string OneLine(string s) => InputException.OneLine(s.Length > 300 ? s[..300] + "..." : s);
}
