namespace FpgaGen.Toolchains.Reports;

/// <summary>
/// A vendor report that is malformed or cut off (a tool killed mid-write leaves half a file). The message names the
/// file and what was missing, so the CLI can print it as one line.
/// </summary>
public sealed class ReportFormatException : InputException
{
    public ReportFormatException(string file, string problem)
        : base($"{file}: {problem}") => (File, Problem) = (file, problem);

    public ReportFormatException(string file, string problem, Exception inner)
        : base($"{file}: {problem}", inner) => (File, Problem) = (file, problem);

    public string File { get; }

    public string Problem { get; }
}
