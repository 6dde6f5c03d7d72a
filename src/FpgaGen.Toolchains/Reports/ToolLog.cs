using System.Text.RegularExpressions;

namespace FpgaGen.Toolchains.Reports;

/// <summary>
/// Picks the line worth showing a user from a failed tool's output: the first compiler diagnostic
/// ("k.cl:12:3: error: ..."), "Error: ..." (aoc's mydie, exit 1), or "ERROR: [v++ 60-661] ..." / "ERROR: [HLS 200-...]"
/// (Vitis tools), whichever comes first (docs/vendor-formats.md §0, §1.1, §2.1).
/// </summary>
public static partial class ToolLog
{
    public static string? FirstError(IEnumerable<string> lines)
    {
        string? found = null;
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (found is not null)
            {
                // aoc continues "Error: OpenCL parser FAILED." with "Refer to <workdir>/<log> for details."
                return line.StartsWith("Refer to ", StringComparison.Ordinal) ? $"{found} {InputException.OneLine(line)}" : found;
            }
            // Control characters (colour escapes, bells) from the tool are not passed on to a terminal.
            if (ErrorLine().IsMatch(line)) found = InputException.OneLine(line);
        }
        return found;
    }

    /// <summary>The first error in a log file, or null when there is none or the file is missing.</summary>
    public static string? FirstErrorInFile(string? path) =>
        path is not null && File.Exists(path) ? FirstError(File.ReadLines(path)) : null;

    [GeneratedRegex(@"^(?:ERROR:|Error:|\S+:\d+:\d+: (?:fatal )?error: )")]
    private static partial Regex ErrorLine();
}
