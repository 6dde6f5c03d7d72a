using System.Text;
using System.Text.RegularExpressions;

namespace FpgaGen.Cli.Tables;

/// <summary>
/// Word wrap for the CLI's prose lines (summaries, notes, messages), the companion of <see cref="TextTable"/>: a line
/// wider than the terminal is broken at spaces only, so a number, a path, a parameter set or a command stays whole and
/// can be copied; a number keeps its unit ("1.47 s", "85 %") on its line. Continuation lines are indented by two
/// spaces. A word longer than the width stays whole on a line of its own.
/// </summary>
public static partial class TextWrap
{
    public const string Indent = "  ";

    public static IReadOnlyList<string> Wrap(string text, int width)
    {
        var lines = new List<string>();
        foreach (var line in text.Replace("\r", "").Split('\n')) WrapLine(line, width, lines);
        return lines;
    }

    private static void WrapLine(string line, int width, List<string> lines)
    {
        if (line.Length <= width)
        {
            lines.Add(line);
            return;
        }
        // Keep the line's own leading spaces (an indented list item) and indent its continuations further.
        var lead = line[..(line.Length - line.TrimStart(' ').Length)];
        var units = Units(line.TrimStart(' '));
        var current = new StringBuilder(lead);
        var empty = true;
        foreach (var unit in units)
        {
            if (!empty && current.Length + 1 + unit.Length > width)
            {
                lines.Add(current.ToString());
                current.Clear().Append(lead).Append(Indent);
                empty = true;
            }
            if (!empty) current.Append(' ');
            current.Append(unit);
            empty = false;
        }
        lines.Add(current.ToString());
    }

    /// <summary>The words of a line, a number joined to the unit after it ("1.47 s"), in order.</summary>
    private static List<string> Units(string line)
    {
        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var units = new List<string>();
        foreach (var word in words)
        {
            if (units.Count > 0 && EndsInNumber().IsMatch(units[^1]) && Unit().IsMatch(word)) units[^1] += " " + word;
            else units.Add(word);
        }
        return units;
    }

    [GeneratedRegex(@"[0-9]$")]
    private static partial Regex EndsInNumber();

    /// <summary>A unit written after a number, with the punctuation that may follow it.</summary>
    [GeneratedRegex(@"^(%|s|ms|µs|ns|min|h|B|KiB|MiB|GiB|kB|MB|GB|MHz|GHz|GOPS|GFLOPS|GMACs|images/s|LSB)[,;:.)]*$")]
    private static partial Regex Unit();
}

/// <summary>
/// A writer that wraps each line written to it with <see cref="TextWrap"/> at a width before passing it on, for
/// prose on stdout and notes on stderr (never for tables, JSON or CSV). Text is passed on a whole line at a time.
/// </summary>
public sealed class WrappingWriter(TextWriter inner, Func<int> width) : TextWriter
{
    private readonly StringBuilder line = new();

    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value)
    {
        if (value == '\n')
        {
            foreach (var l in TextWrap.Wrap(line.ToString(), width())) inner.WriteLine(l);
            line.Clear();
        }
        else if (value != '\r') line.Append(value);
    }

    public override void Write(string? value)
    {
        foreach (var c in value ?? "") Write(c);
    }

    public override void Flush()
    {
        if (line.Length > 0)
        {
            inner.Write(line.ToString());
            line.Clear();
        }
        inner.Flush();
    }
}
