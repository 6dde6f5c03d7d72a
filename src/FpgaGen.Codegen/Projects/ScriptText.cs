using System.Text;

namespace FpgaGen.Codegen.Projects;

/// <summary>
/// Quoting for the build files of a project: a value that a Makefile hands to shell command lines, and a Tcl string.
/// The device loader already refuses names outside strict patterns (<see cref="FpgaGen.Hardware.DeviceNames"/>), so
/// for real names these return the text unchanged; they quote anyway, so that no text can become live make, shell or
/// Tcl even if a name slips past a pattern or a new field is added without one.
/// </summary>
public static class ScriptText
{
    /// <summary>
    /// The right-hand side of <c>VAR ?= value</c> whose $(VAR) is pasted into recipe lines: plain when every
    /// character is inert for make and sh, else a single-quoted shell word with make's '$' and '#' escaped (a backslash is literal inside single quotes, and the closing quote keeps a trailing one from continuing the line).
    /// </summary>
    public static string MakeShellValue(string text)
    {
        if (text.Length > 0 && text.All(IsPlain)) return text;
        if (text.Any(c => c is '\n' or '\r' or '\0')) throw new ArgumentException("a Makefile value cannot hold a line break or NUL", nameof(text));
        var sb = new StringBuilder("'");
        foreach (var c in text)
            sb.Append(c switch
            {
                '\'' => @"'\''",
                '$' => "$$",
                '#' => @"\#",
                _ => c.ToString(),
            });
        return sb.Append('\'').ToString();
    }

    /// <summary>A double-quoted Tcl word in which '$', '[', ']', '\\' and '"' are escaped, so nothing is substituted.</summary>
    public static string TclString(string text)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in text)
        {
            if (c is '\\' or '"' or '$' or '[' or ']' or '{' or '}' or ';') sb.Append('\\').Append(c);
            else if (c == '\n') sb.Append(@"\n");
            else if (c == '\r') sb.Append(@"\r");
            else if (char.IsControl(c)) sb.Append($@"\u{(int)c:x4}");
            else sb.Append(c);
        }
        return sb.Append('"').ToString();
    }

    private static bool IsPlain(char c) => c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '_' or '-' or '.' or ':' or '/' or '+' or ',' or '=' or '@';
}
