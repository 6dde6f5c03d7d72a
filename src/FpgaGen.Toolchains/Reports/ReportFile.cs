namespace FpgaGen.Toolchains.Reports;

internal static class ReportFile
{
    /// <summary>
    /// Reads a report or document through <see cref="InputFile"/> (regular files only, at most
    /// <paramref name="limit"/> bytes), turning a missing, unreadable or oversized file into a one-line error naming it.
    /// </summary>
    public static string Read(string path, long limit = InputFile.ReportBytes, string what = "vendor report")
    {
        try
        {
            return InputFile.ReadAllText(path, limit, what);
        }
        catch (InputException e) when (e is not DocumentFormatException)
        {
            var prefix = path + ": ";
            var problem = e.Message.StartsWith(prefix, StringComparison.Ordinal) ? e.Message[prefix.Length..] : e.Message;
            throw new ReportFormatException(path, problem == "file not found" ? "the file does not exist" : problem, e);
        }
    }
}
