namespace FpgaGen;

/// <summary>
/// A JSON document or report that is malformed, cut off or holds a value of the wrong kind. The message is
/// "file: problem" on one line, with the field's path in the document, so the CLI prints it as it is.
/// </summary>
public class DocumentFormatException : InputException
{
    public DocumentFormatException(string file, string problem)
        : base($"{file}: {problem}") => (File, Problem) = (file, problem);

    public DocumentFormatException(string file, string problem, Exception inner)
        : base($"{file}: {problem}", inner) => (File, Problem) = (file, problem);

    public string File { get; }

    public string Problem { get; }
}
