namespace FpgaGen.Toolchains.Reports;

internal static class ReportFile
{
    /// <summary>Reads a report, turning a missing or unreadable file into a one-line error naming it.</summary>
    public static string Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ReportFormatException(path, "the file does not exist", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ReportFormatException(path, $"cannot read it: {e.Message}", e);
        }
    }
}
