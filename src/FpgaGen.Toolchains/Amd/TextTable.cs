using System.Globalization;
using System.Text.RegularExpressions;
using FpgaGen.Toolchains.Reports;

namespace FpgaGen.Toolchains.Amd;

/// <summary>
/// A whitespace-aligned table as v++ prints it: a title line, a header line, usually a dashed underline
/// ("------------  -----------"), then rows until a blank or all-dash line. Columns start where the dash runs start;
/// without an underline, where a header word follows two or more spaces (header names have single spaces).
/// </summary>
internal sealed partial class TextTable
{
    private readonly string[] lines;
    private readonly int headerLine;
    private readonly int firstRow;
    private readonly List<int> starts;

    private TextTable(string[] lines, int headerLine, int firstRow, List<int> starts) =>
        (this.lines, this.headerLine, this.firstRow, this.starts) = (lines, headerLine, firstRow, starts);

    public static TextTable? Find(string[] lines, string title, string file)
    {
        var t = Array.FindIndex(lines, l => l.Trim() == title);
        if (t < 0) return null;
        var header = t + 1;
        if (header >= lines.Length || lines[header].Trim() == "")
            throw new ReportFormatException(file, $"line {t + 1}: '{title}' has no header line (cut off?)");
        var dashed = header + 1 < lines.Length && IsDashes(lines[header + 1]);
        var starts = dashed
            ? DashRun().Matches(lines[header + 1]).Select(m => m.Index).ToList()
            : HeaderWord().Matches(lines[header]).Select(m => m.Index).ToList();
        return new TextTable(lines, header, dashed ? header + 2 : header + 1, starts);
    }

    public IEnumerable<Row> Rows(string file)
    {
        var names = Cut(lines[headerLine]);
        for (var i = firstRow; i < lines.Length && lines[i].Trim() != "" && !IsDashes(lines[i]); i++)
            yield return new Row(names, Cut(lines[i]), file, i + 1);
    }

    private string[] Cut(string line) =>
        starts.Select((s, i) =>
        {
            if (s >= line.Length) return "";
            var end = i + 1 < starts.Count ? Math.Min(starts[i + 1], line.Length) : line.Length;
            return line[s..end].Trim();
        }).ToArray();

    private static bool IsDashes(string line) => line.Trim().Length > 0 && line.Trim().All(c => c is '-' or ' ');

    [GeneratedRegex("-+")]
    private static partial Regex DashRun();

    [GeneratedRegex(@"(?<=^|\s{2})\S")]
    private static partial Regex HeaderWord();

    public sealed class Row(string[] names, string[] cells, string file, int line)
    {
        public string Cell(string column)
        {
            var i = Array.IndexOf(names, column);
            if (i < 0) throw new ReportFormatException(file, $"line {line}: the table has no '{column}' column");
            if (cells[i] == "") throw new ReportFormatException(file, $"line {line}: empty '{column}' cell (cut off?)");
            return cells[i];
        }

        public double? Number(string column)
        {
            var text = Cell(column);
            if (text == "undef") return null;
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
                ? v
                : throw new ReportFormatException(file, $"line {line}: '{column}' is \"{text}\", not a number");
        }

        public CycleRange Cycles(string column)
        {
            var text = Cell(column);
            return CycleRange.TryParse(text, out var range)
                ? range
                : throw new ReportFormatException(file, $"line {line}: '{column}' is \"{text}\", not a cycle count");
        }
    }
}
