using FpgaGen.Toolchains.Reports;

namespace FpgaGen.Toolchains.Intel;

/// <summary>
/// aoc's JSON tables name their columns (summary.json: ["Kernel Name", "ALUTs ", "FFs  ", "RAMs ", "DSPs "];
/// area.json: ["", "ALUTs", "FFs", "RAMs", "DSPs", "Details"]) and each row's "data" list skips the first, name
/// column. Names carry trailing spaces and newer versions add "MLABs", so columns are matched by trimmed name, not
/// position (docs/vendor-formats.md §1.2).
/// </summary>
internal sealed class IntelResourceColumns
{
    private static readonly Dictionary<string, Func<ResourceCounts, double, ResourceCounts>> Known = new()
    {
        ["ALUTs"] = (r, v) => r with { Aluts = v },
        ["ALMs"] = (r, v) => r with { Alms = v },
        ["FFs"] = (r, v) => r with { Registers = v },
        ["REGs"] = (r, v) => r with { Registers = v },
        ["RAMs"] = (r, v) => r with { RamBlocks = v },
        ["MLABs"] = (r, v) => r with { Mlabs = v },
        ["DSPs"] = (r, v) => r with { Dsps = v },
    };

    private readonly List<(int DataIndex, string Name)> columns;

    private IntelResourceColumns(List<(int, string)> columns) => this.columns = columns;

    public static IntelResourceColumns From(JNode columnsNode)
    {
        var names = columnsNode.Items().Select(c => c.String().Trim()).ToList();
        var found = names.Select((name, i) => (DataIndex: i - 1, Name: name)).Where(c => c.DataIndex >= 0 && Known.ContainsKey(c.Name)).ToList();
        if (found.Count == 0)
            throw columnsNode.Error($"no resource columns (ALUTs, FFs, RAMs, DSPs) among [{string.Join(", ", names)}]");
        return new IntelResourceColumns(found);
    }

    public ResourceCounts Read(JNode data)
    {
        var values = data.Items();
        var counts = new ResourceCounts();
        foreach (var (index, name) in columns)
        {
            if (index >= values.Count) throw data.Error($"has {values.Count} values, so no {name} column (cut off?)");
            counts = Known[name](counts, values[index].Number());
        }
        return counts;
    }
}
