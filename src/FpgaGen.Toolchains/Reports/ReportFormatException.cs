namespace FpgaGen.Toolchains.Reports;

/// <summary>
/// A vendor report that is malformed or cut off (a tool killed mid-write leaves half a file). The message names the
/// file and what was missing, so the CLI can print it as one line. JSON reports fail through <see cref="JNode"/>
/// with the base <see cref="DocumentFormatException"/>; catch that to cover both.
/// </summary>
public sealed class ReportFormatException : DocumentFormatException
{
    public ReportFormatException(string file, string problem) : base(file, problem) { }

    public ReportFormatException(string file, string problem, Exception inner) : base(file, problem, inner) { }
}
