namespace FpgaGen;

/// <summary>
/// A problem with what the user gave us (a file, a field, an option). The CLI prints <see cref="Exception.Message"/>
/// as one line and exits with code 2; it never shows a stack trace for this type.
/// </summary>
public class InputException : Exception
{
    public InputException(string message) : base(message) { }

    public InputException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Builds "file:line:column: message", leaving out the parts that are unknown.</summary>
    public static InputException At(string? file, SourceMark mark, string message) =>
        new(Locate(file, mark) + message);

    public static string Locate(string? file, SourceMark mark)
    {
        var where = file ?? "";
        if (mark.Line > 0) where += (where.Length > 0 ? ":" : "line ") + mark.Line + ":" + mark.Column;
        return where.Length > 0 ? where + ": " : "";
    }
}

/// <summary>A 1-based position in a source file; line 0 means unknown.</summary>
public readonly record struct SourceMark(int Line, int Column)
{
    public static readonly SourceMark None = new(0, 0);
}
