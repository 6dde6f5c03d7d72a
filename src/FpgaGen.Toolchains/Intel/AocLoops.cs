using FpgaGen.Toolchains.Reports;

namespace FpgaGen.Toolchains.Intel;

/// <summary>One row of loops.json: a loop (e.g. "weight_loader.B1") of a kernel, with II as printed ("~1", ">=1").</summary>
public sealed record AocLoop(string Kernel, string Name, bool? Pipelined, CycleRange Ii, string? Bottleneck);

/// <summary>
/// reports/lib/json/loops.json: top-level children are "Kernel: NAME" nodes whose nested children are loops with
/// data [Pipelined, II, Bottleneck] (columns ["", "Pipelined", "II", "Bottleneck", "Details"]);
/// docs/vendor-formats.md §1.2.
/// </summary>
public sealed record AocLoops(IReadOnlyList<AocLoop> Loops)
{
    private const string KernelPrefix = "Kernel: ";

    public static AocLoops Parse(string path) => ParseText(ReportFile.Read(path), path);

    public static AocLoops ParseText(string json, string file) => FromJson(JNode.Parse(json, file));

    /// <summary>The largest II among the kernel's pipelined loops whose II is known, or null.</summary>
    public CycleRange? WorstIi(string kernel) =>
        Loops.Where(l => l.Kernel == kernel && l.Pipelined == true && l.Ii.Min is not null)
            .Select(l => (CycleRange?)l.Ii)
            .MaxBy(ii => ii!.Value.Min);

    internal static AocLoops FromJson(JNode root)
    {
        var columns = root.Prop("columns").Items().Select(c => c.String().Trim()).ToList();
        var loops = new List<AocLoop>();
        foreach (var kernelNode in root.Prop("children").Items())
        {
            var name = kernelNode.Prop("name").String();
            var kernel = name.StartsWith(KernelPrefix, StringComparison.Ordinal) ? name[KernelPrefix.Length..] : name;
            if (kernelNode.TryProp("children") is { } children) Collect(kernel, children, columns, loops);
        }
        return new AocLoops(loops);
    }

    private static void Collect(string kernel, JNode children, List<string> columns, List<AocLoop> loops)
    {
        foreach (var node in children.Items())
        {
            var data = node.Prop("data").Items();
            string? Cell(string column) => columns.IndexOf(column) is var i and >= 1 && i - 1 < data.Count ? data[i - 1].Text() : null;
            var iiText = Cell("II");
            if (!CycleRange.TryParse(iiText, out var ii)) throw node.Error($"II \"{iiText}\" is not a cycle count");
            loops.Add(new AocLoop(
                kernel,
                node.Prop("name").String(),
                Cell("Pipelined") switch { "Yes" => true, "No" => false, _ => null },
                ii,
                Cell("Bottleneck") is { } b and not ("" or "n/a") ? b : null));
            if (node.TryProp("children") is { } inner) Collect(kernel, inner, columns, loops);
        }
    }
}
