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

    /// <summary>
    /// <paramref name="text"/> on one line: line breaks become a visible "\n" and other control characters '?', so a
    /// layer name or a tool's error text with newlines cannot split a message (or forge a line of its own).
    /// </summary>
    public static string OneLine(string text)
    {
        text = text.TrimEnd('\r', '\n');
        if (!text.Any(char.IsControl)) return text;
        var sb = new System.Text.StringBuilder(text.Length + 8);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') continue;
            sb.Append(c switch { '\n' or '\r' => "\\n", '\t' => " ", _ when char.IsControl(c) => "?", _ => c.ToString() });
        }
        return sb.ToString();
    }

    /// <summary>Longest error line printed whole; beyond it <see cref="Shorten"/> cuts out the middle.</summary>
    public const int MaxMessageChars = 1000;

    /// <summary>
    /// <paramref name="message"/> with its middle left out when it is longer than <see cref="MaxMessageChars"/>: a
    /// message quoting a 100,000-character value (an expression of 50,000 parentheses, a huge unknown argument) stays
    /// readable, and its beginning (file, line, field) and end (the reason, which follows the quoted value) are kept.
    /// </summary>
    public static string Shorten(string message)
    {
        if (message.Length <= MaxMessageChars) return message;
        const int head = 600, tail = 300;
        var cut = message.Length - head - tail;
        return $"{message[..head]} ...({cut:N0} characters left out)... {message[^tail..]}";
    }

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
