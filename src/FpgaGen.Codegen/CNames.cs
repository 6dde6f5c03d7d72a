using System.Globalization;
using System.Text;

namespace FpgaGen.Codegen;

/// <summary>
/// The only ways a name that came from a model file (layer names are free text) may enter generated C, C++, OpenCL,
/// Tcl or Makefile text: as a sanitized identifier, or as an escaped C string literal. Nothing else from a model is
/// ever pasted into code, so a layer called <c>x; system("rm -rf /")</c> stays inert.
/// </summary>
public static class CNames
{
    /// <summary>
    /// A C identifier made of [A-Za-z0-9_] only: other characters become '_', runs of '_' collapse, a leading digit
    /// gets a prefix, and C/C++ keywords are suffixed. Not unique by itself; see <see cref="UniqueIdentifiers"/>.
    /// </summary>
    public static string Identifier(string name, string prefix = "l_")
    {
        var sb = new StringBuilder(name.Length);
        foreach (var ch in name)
        {
            var ok = ch is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9';
            if (ok) sb.Append(ch);
            else if (sb.Length == 0 || sb[^1] != '_') sb.Append('_');
        }
        var id = sb.ToString().Trim('_');
        if (id.Length == 0) id = "unnamed";
        if (char.IsAsciiDigit(id[0])) id = prefix + id;
        if (id.Length > 48) id = id[..48];
        // Identifiers with a double underscore or a leading underscore and capital are reserved in C; the trim and
        // collapse above already rule them out. Keywords cannot be names.
        return Keywords.Contains(id) ? id + "_" : id;
    }

    /// <summary>Sanitized identifiers for a list of names, made unique by numeric suffixes in list order.</summary>
    public static IReadOnlyList<string> UniqueIdentifiers(IEnumerable<string> names, string prefix = "l_")
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<string>();
        foreach (var name in names)
        {
            var id = Identifier(name, prefix);
            var candidate = id;
            for (var i = 2; !used.Add(candidate); i++) candidate = $"{id}_{i}";
            result.Add(candidate);
        }
        return result;
    }

    /// <summary>
    /// A double-quoted C/C++ string literal. Printable ASCII passes through except '"', '\\' and '?' (trigraphs);
    /// everything else, including newlines and non-ASCII UTF-8 bytes, becomes an octal escape, which cannot run into
    /// following characters the way hex escapes can.
    /// </summary>
    public static string StringLiteral(string text)
    {
        var sb = new StringBuilder("\"");
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            if (b is (byte)'"' or (byte)'\\' or (byte)'?') sb.Append('\\').Append(Convert.ToString(b, 8).PadLeft(3, '0'));
            else if (b is >= 0x20 and < 0x7f) sb.Append((char)b);
            else sb.Append('\\').Append(Convert.ToString(b, 8).PadLeft(3, '0'));
        }
        return sb.Append('"').ToString();
    }

    /// <summary>
    /// Text safe inside a C comment, a Makefile or Tcl comment and Markdown: printable ASCII without comment closers,
    /// line continuations, quotes, braces (Tcl counts them even in comments) or shell expansions.
    /// </summary>
    public static string CommentText(string text)
    {
        var sb = new StringBuilder();
        foreach (var ch in text)
            sb.Append(ch is >= ' ' and < '\x7f' and not ('\\' or '$' or '`' or '"' or '\'' or '{' or '}') ? ch : '_');
        return sb.ToString().Replace("*/", "*_").Replace("/*", "_*");
    }

    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else", "enum", "extern", "float", "for", "goto",
        "if", "inline", "int", "long", "register", "restrict", "return", "short", "signed", "sizeof", "static", "struct", "switch",
        "typedef", "union", "unsigned", "void", "volatile", "while", "bool", "true", "false", "class", "namespace", "template",
        "this", "new", "delete", "operator", "private", "public", "protected", "virtual", "friend", "using", "typename", "half",
        "kernel", "global", "local", "constant", "private_", "channel", "main", "system",
    };
}
