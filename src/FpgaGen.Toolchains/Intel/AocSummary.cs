using System.Globalization;
using System.Text.RegularExpressions;
using FpgaGen.Toolchains.Reports;

namespace FpgaGen.Toolchains.Intel;

/// <summary>A kernel row of summary.json's "Kernel Summary" (performanceSummary).</summary>
public sealed record AocKernel(string Name, string? KernelType, bool? Autorun, int? ComputeUnits);

/// <summary>A kernel row of the "Estimated Resource Usage" table; "convolution (x128)" gives Copies = 128.</summary>
public sealed record AocResourceRow(string Name, int Copies, ResourceCounts Resources);

/// <summary>
/// reports/lib/json/summary.json: the estimated resources of each kernel, the "Total" row and the device's
/// "Available" row. Rows marked with the "summary-highlight" class are the totals (Kernel Subtotal, Channel
/// Resources, Global Interconnect, Board Interface, Total, Available); the rest are kernels.
/// Layout: docs/vendor-formats.md §1.2 (real 17.1.1 file from fingersnail/fccm-ttm-experiments-vlab).
/// </summary>
public sealed partial record AocSummary(
    IReadOnlyList<AocKernel> Kernels,
    IReadOnlyList<AocResourceRow> KernelRows,
    ResourceCounts Total,
    ResourceCounts? Available)
{
    public static AocSummary Parse(string path) => ParseText(ReportFile.Read(path), path);

    public static AocSummary ParseText(string json, string file) => FromJson(JNode.Parse(json, file));

    internal static AocSummary FromJson(JNode root)
    {
        var resources = root.Prop("estimatedResources");
        var columns = IntelResourceColumns.From(resources.Prop("columns"));
        var rows = new List<AocResourceRow>();
        ResourceCounts? total = null, available = null;
        foreach (var child in resources.Prop("children").Items())
        {
            var name = child.Prop("name").String();
            var counts = columns.Read(child.Prop("data"));
            if (!IsSummaryRow(child))
            {
                var m = Copies().Match(name);
                rows.Add(m.Success && int.TryParse(m.Groups[2].Value, CultureInfo.InvariantCulture, out var copies)
                    ? new AocResourceRow(m.Groups[1].Value, copies, counts)
                    : new AocResourceRow(name, 1, counts));
            }
            else if (name == "Total") total = counts;
            else if (name == "Available") available = counts;
        }
        if (total is null) throw resources.Error("has no \"Total\" row (cut off?)");
        var kernels = root.TryProp("performanceSummary") is { } perf ? ReadKernels(perf) : [];
        return new AocSummary(kernels, rows, total, available);
    }

    private static bool IsSummaryRow(JNode row) =>
        row.TryProp("classes") is { } classes && classes.Items().Any(c => c.Text() == "summary-highlight");

    private static List<AocKernel> ReadKernels(JNode perf)
    {
        var columns = perf.Prop("columns").Items().Select(c => c.String().Trim()).ToList();
        var kernels = new List<AocKernel>();
        foreach (var child in perf.Prop("children").Items())
        {
            var data = child.Prop("data").Items();
            // Data skips the "Kernel Name" column, like the resource table.
            JNode? Cell(string column) => columns.IndexOf(column) is var i and >= 1 && i - 1 < data.Count ? data[i - 1] : null;
            kernels.Add(new AocKernel(
                child.Prop("name").String(),
                Cell("Kernel Type")?.Text(),
                Cell("Autorun")?.Text() switch { "Yes" => true, "No" => false, _ => null },
                Cell("# Compute Units")?.TryNumber() is { } cu ? (int)cu : null));
        }
        return kernels;
    }

    [GeneratedRegex(@"^(.*) \(x(\d+)\)$")]
    private static partial Regex Copies();
}
