using System.Text;
using System.Text.RegularExpressions;

namespace FpgaGen.Codegen.Rendering;

/// <summary>
/// The kernel bodies write every external memory access as <c>GM(pointer, index)</c> and every on-chip RAM access as
/// <c>RAM(buffer, index)</c>, so the schedule check can count the requests on each port and the accesses of each
/// bank (<see cref="Portable.ScheduleProbes"/>). Every other build gets the plain <c>pointer[index]</c> an engineer
/// would write: this rewrites the text, matching the parentheses of the index.
/// </summary>
public static partial class GlobalAccesses
{
    [GeneratedRegex(@"(?<![\w.])(?:GM|RAM)\((\w+), ")]
    private static partial Regex Access();

    public static string Plain(string text)
    {
        var s = new StringBuilder(text.Length);
        var at = 0;
        for (var m = Access().Match(text); m.Success; m = Access().Match(text, at))
        {
            s.Append(text, at, m.Index - at);
            var end = m.Index + m.Length;
            var depth = 1;
            var i = end;
            for (; depth > 0; i++)
            {
                if (i >= text.Length) throw new InvalidOperationException($"unbalanced {m.Value.TrimEnd(' ', ',')} at offset {m.Index}");
                depth += text[i] switch { '(' => 1, ')' => -1, _ => 0 };
            }
            // Nested accesses (an index read from memory) are rewritten too.
            s.Append(m.Groups[1].Value).Append('[').Append(Plain(text[end..(i - 1)])).Append(']');
            at = i;
        }
        return s.Append(text, at, text.Length - at).ToString();
    }
}
