using FpgaGen.Toolchains.Reports;

namespace FpgaGen.Toolchains.Intel;

/// <summary>A kernel of area.json (a node of type "function").</summary>
public sealed record AocAreaKernel(string Name, int? ComputeUnits, ResourceCounts Resources);

/// <summary>
/// reports/lib/json/area.json (also areaJSON in report_data.js): "total" is the whole system, "max_resources" the
/// device, and each kernel is a "function" node with "total_kernel_resources". "total_percent" has one more element
/// than "total" (docs/vendor-formats.md §1.2), so it is not used.
/// </summary>
public sealed record AocArea(ResourceCounts Total, ResourceCounts? Available, IReadOnlyList<AocAreaKernel> Kernels)
{
    public static AocArea Parse(string path) => ParseText(ReportFile.Read(path), path);

    public static AocArea ParseText(string json, string file) => FromJson(JNode.Parse(json, file));

    internal static AocArea FromJson(JNode root)
    {
        var columns = IntelResourceColumns.From(root.Prop("columns"));
        var total = columns.Read(root.Prop("total"));
        var available = root.TryProp("max_resources") is { } max ? columns.Read(max) : null;
        var kernels = new List<AocAreaKernel>();
        if (root.TryProp("children") is { } children) CollectKernels(children, columns, kernels);
        return new AocArea(total, available, kernels);
    }

    private static void CollectKernels(JNode children, IntelResourceColumns columns, List<AocAreaKernel> kernels)
    {
        foreach (var child in children.Items())
        {
            if (child.TryProp("type")?.Text() == "function")
            {
                var data = child.TryProp("total_kernel_resources") ?? child.TryProp("data")
                    ?? throw child.Error("kernel has neither total_kernel_resources nor data");
                var cu = child.TryProp("compute_units")?.TryNumber();
                kernels.Add(new AocAreaKernel(child.Prop("name").String(), cu is { } n ? (int)n : null, columns.Read(data)));
            }
            else if (child.TryProp("children") is { } inner)
            {
                CollectKernels(inner, columns, kernels);
            }
        }
    }
}
