using FpgaGen.Toolchains.Reports;

namespace FpgaGen.Toolchains.Intel;

/// <summary>
/// reports/lib/json/info.json: {"name":"Info","rows":[{"name":"AOC Version","data":["17.1.1 Build 273"]}, ...]}
/// (docs/vendor-formats.md §1.2). Rows are kept by name; the common ones have properties.
/// </summary>
public sealed record AocInfo(IReadOnlyDictionary<string, string> Rows)
{
    public string? ProjectName => Get("Project Name");

    /// <summary>E.g. "Arria 10, 10AX115S2F45I2SGES, dcp_bsp:pac_a10".</summary>
    public string? Target => Get("Target Family, Device, Board");

    public string? AocVersion => Get("AOC Version");

    public string? QuartusVersion => Get("Quartus Version");

    /// <summary>The aoc command line that produced the reports.</summary>
    public string? Command => Get("Command");

    public string? Get(string row) => Rows.TryGetValue(row, out var v) ? v : null;

    public static AocInfo Parse(string path) => ParseText(ReportFile.Read(path), path);

    public static AocInfo ParseText(string json, string file) => FromJson(JNode.Parse(json, file));

    internal static AocInfo FromJson(JNode root)
    {
        var rows = new Dictionary<string, string>();
        foreach (var row in root.Prop("rows").Items())
        {
            var data = row.Prop("data").Items();
            rows[row.Prop("name").String()] = string.Join(", ", data.Select(d => d.Text()).OfType<string>());
        }
        return new AocInfo(rows);
    }
}
