using System.Globalization;

namespace FpgaGen.Cli.Tables;

/// <summary>
/// A table printed as plain lines, one row per line: a cell is never wrapped or cut, so a number, a parameter set or
/// a part name can always be read and copied whole. When the rows are wider than the terminal, whole columns are
/// left out, highest <see cref="Column"/> priority first (priority 0 always stays), and a line says which and that
/// <c>--wide</c> shows them. Every table the CLI prints goes through here.
/// </summary>
public sealed class TextTable(string? title = null)
{
    /// <summary>Spaces between columns.</summary>
    public const int Gap = 2;

    private sealed record ColumnSpec(string Header, bool Right, int Priority);

    private readonly List<ColumnSpec> columns = [];
    private readonly List<string?[]?> rows = []; // null: a blank separator line (before a totals row)

    /// <param name="priority">0: always shown; otherwise columns with the highest number go first when space runs out.</param>
    public TextTable Column(string header, bool right = false, int priority = 0)
    {
        columns.Add(new ColumnSpec(header, right, priority));
        return this;
    }

    public int ColumnCount => columns.Count;

    public TextTable Row(params string?[] cells)
    {
        if (cells.Length != columns.Count) throw new ArgumentException($"a row of {cells.Length} cells in a table of {columns.Count} columns", nameof(cells));
        // One row, one line: a cell's line break or terminal escape (a name from some file) is shown, not obeyed.
        rows.Add(cells.Select(c => c is null ? null : InputException.OneLine(c)).ToArray());
        return this;
    }

    public TextTable Separator()
    {
        rows.Add(null);
        return this;
    }

    /// <summary>The columns shown within <paramref name="width"/> characters (all of them when <paramref name="wide"/>).</summary>
    public IReadOnlyList<int> Layout(int width, bool wide)
    {
        var widths = Widths();
        var shown = Enumerable.Range(0, columns.Count).ToList();
        if (wide) return shown;
        int Total() => shown.Sum(c => widths[c]) + Gap * Math.Max(0, shown.Count - 1);
        while (Total() > width)
        {
            // The highest priority number goes first; of equals, the rightmost.
            var drop = shown.Where(c => columns[c].Priority > 0).OrderByDescending(c => columns[c].Priority).ThenByDescending(c => c).Cast<int?>().FirstOrDefault();
            if (drop is null) break; // only essential columns left: the line is longer than the terminal, but still one line
            shown.Remove(drop.Value);
        }
        return shown;
    }

    /// <summary>Renders the table as lines (title, header, rule, rows) and the note on left-out columns, if any.</summary>
    public IReadOnlyList<string> Render(int width, bool wide)
    {
        var widths = Widths();
        var shown = Layout(width, wide);
        var lines = new List<string>();
        // The title is prose: wrapped like the CLI's other lines (the rows never are).
        if (title is not null) lines.AddRange(TextWrap.Wrap(title, width));
        lines.Add(Line(shown.Select(c => columns[c].Header).ToArray(), shown, widths));
        lines.Add(new string('─', shown.Sum(c => widths[c]) + Gap * Math.Max(0, shown.Count - 1)));
        foreach (var row in rows)
            lines.Add(row is null ? "" : Line(shown.Select(c => row[c] ?? "").ToArray(), shown, widths));
        if (shown.Count < columns.Count)
        {
            var hidden = Enumerable.Range(0, columns.Count).Except(shown).Select(c => columns[c].Header).ToList();
            var note = string.Create(CultureInfo.InvariantCulture, $"(hidden at {width} columns: {string.Join(", ", hidden)}; --wide shows all)");
            // The note, too, stays on one line.
            lines.Add(note.Length <= width ? note : string.Create(CultureInfo.InvariantCulture, $"({hidden.Count} columns hidden; --wide shows all)"));
        }
        return lines;
    }

    public void Write(CliIo io, bool wide)
    {
        foreach (var line in Render(io.Width, wide)) io.Out.WriteLine(line);
    }

    private int[] Widths() => Enumerable.Range(0, columns.Count)
        .Select(c => rows.Where(r => r is not null).Select(r => (r![c] ?? "").Length).Append(columns[c].Header.Length).Max()).ToArray();

    private string Line(string[] cells, IReadOnlyList<int> shown, int[] widths)
    {
        var parts = new string[cells.Length];
        for (var i = 0; i < cells.Length; i++)
        {
            var c = shown[i];
            // Numbers are right-aligned, and so are their headers, so that header and figures line up.
            parts[i] = columns[c].Right ? cells[i].PadLeft(widths[c]) : i == cells.Length - 1 ? cells[i] : cells[i].PadRight(widths[c]);
        }
        return string.Join(new string(' ', Gap), parts).TrimEnd();
    }
}
