using System.Globalization;
using System.Text;
using FpgaGen.Toolchains.Reports;

namespace FpgaGen.Toolchains.Intel;

/// <summary>
/// Reads the top-level <c>var NAME = VALUE;</c> declarations of aoc's reports/lib/report_data.js. aoc 17.1 writes
/// each value as a single-quoted JS string holding JSON (<c>var areaJSON='{"columns":...}';</c>, with \' and \\n
/// escapes inside); Intel's HLS compiler writes object literals, sometimes joined with '+' (hls4ml's
/// quartus_report.py folds those). We scan the file once, skipping strings and comments and tracking bracket depth,
/// so a ';' or "var" inside a string never ends or starts a value (docs/vendor-formats.md §1.2).
/// </summary>
public sealed class ReportDataJs
{
    private readonly string text;
    private readonly string file;
    private int pos;

    private ReportDataJs(string text, string file) => (this.text, this.file) = (text, file);

    /// <summary>Maps each declared variable to its JSON text (string values decoded, literals as written).</summary>
    public static IReadOnlyDictionary<string, string> ReadVariables(string text, string file) => new ReportDataJs(text, file).Scan();

    private Dictionary<string, string> Scan()
    {
        var vars = new Dictionary<string, string>();
        var depth = 0;
        while (pos < text.Length)
        {
            var c = text[pos];
            if (c is '\'' or '"' or '`') ReadString("a string");
            else if (c == '/' && Peek(1) is '/' or '*') SkipComment();
            else if (c is '{' or '[' or '(') { depth++; pos++; }
            else if (c is '}' or ']' or ')') { depth--; pos++; }
            else if (depth == 0 && AtWord("var"))
            {
                pos += 3;
                var name = ReadIdentifier();
                SkipSpace();
                if (name is null || Peek(0) != '=') continue;
                pos++;
                vars[name] = ReadValue(name);
            }
            else pos++;
        }
        return vars;
    }

    private string ReadValue(string name)
    {
        SkipSpace();
        var c = Peek(0);
        string value;
        if (c is '\'' or '"')
        {
            var sb = new StringBuilder(ReadString($"var {name}"));
            // 'a' + 'b' + ...: constant string concatenation.
            while (true)
            {
                var save = pos;
                SkipSpace();
                if (Peek(0) != '+') { pos = save; break; }
                pos++;
                SkipSpace();
                if (Peek(0) is not ('\'' or '"')) throw Error($"var {name}: '+' is not followed by a string", pos);
                sb.Append(ReadString($"var {name}"));
            }
            value = sb.ToString();
        }
        else if (c is '{' or '[')
        {
            var start = pos;
            SkipBalanced(name);
            value = text[start..pos];
        }
        else
        {
            throw Error($"var {name}: expected a string or an object after '=', found {(c == '\0' ? "the end of the file" : $"'{c}'")}", pos);
        }
        SkipSpace(stopAtNewline: true);
        if (Peek(0) is not (';' or '\n' or '\r' or '\0'))
            throw Error($"var {name}: expected ';' after the value, found '{Peek(0)}'", pos);
        return value;
    }

    private void SkipBalanced(string name)
    {
        var start = pos;
        var depth = 0;
        do
        {
            var c = Peek(0);
            if (c == '\0') throw Error($"var {name} is cut off: the '{text[start]}' opened here is never closed", start);
            if (c is '\'' or '"' or '`') { ReadString($"var {name}"); continue; }
            if (c is '{' or '[') depth++;
            else if (c is '}' or ']') depth--;
            pos++;
        }
        while (depth > 0);
    }

    /// <summary>Reads a string literal at pos and returns its decoded value.</summary>
    private string ReadString(string what)
    {
        var start = pos;
        var quote = text[pos++];
        var sb = new StringBuilder();
        while (true)
        {
            if (pos >= text.Length) throw Error($"{what} is cut off: the string opened here never ends", start);
            var c = text[pos++];
            if (c == quote) return sb.ToString();
            if (c is '\n' or '\r' && quote != '`') throw Error($"{what}: line break inside the string opened here (cut off?)", start);
            if (c != '\\') { sb.Append(c); continue; }
            if (pos >= text.Length) throw Error($"{what} is cut off inside an escape", start);
            var e = text[pos++];
            switch (e)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'v': sb.Append('\v'); break;
                case '0': sb.Append('\0'); break;
                case '\n': break; // line continuation
                case 'x': sb.Append((char)Hex(2, start, what)); break;
                case 'u': sb.Append((char)Hex(4, start, what)); break;
                default: sb.Append(e); break; // \' \" \\ \/ and any other escaped character stand for themselves
            }
        }
    }

    private int Hex(int digits, int start, string what)
    {
        if (pos + digits > text.Length || !int.TryParse(text.AsSpan(pos, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var v))
            throw Error($"{what}: bad \\x or \\u escape in the string opened here", start);
        pos += digits;
        return v;
    }

    private void SkipComment()
    {
        var block = Peek(1) == '*';
        var end = block ? text.IndexOf("*/", pos + 2, StringComparison.Ordinal) : text.IndexOf('\n', pos);
        pos = end < 0 ? text.Length : end + (block ? 2 : 1);
    }

    private bool AtWord(string word) =>
        string.CompareOrdinal(text, pos, word, 0, word.Length) == 0
        && (pos == 0 || !IsIdent(text[pos - 1]))
        && !IsIdent(Peek(word.Length));

    private string? ReadIdentifier()
    {
        SkipSpace();
        var start = pos;
        while (IsIdent(Peek(0))) pos++;
        return pos > start ? text[start..pos] : null;
    }

    private void SkipSpace(bool stopAtNewline = false)
    {
        while (pos < text.Length && char.IsWhiteSpace(text[pos]) && !(stopAtNewline && text[pos] is '\n' or '\r')) pos++;
    }

    private char Peek(int offset) => pos + offset < text.Length ? text[pos + offset] : '\0';

    private static bool IsIdent(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '$';

    private ReportFormatException Error(string problem, int at)
    {
        var line = 1 + text.AsSpan(0, Math.Min(at, text.Length)).Count('\n');
        return new ReportFormatException(file, $"line {line}: {problem}");
    }
}
