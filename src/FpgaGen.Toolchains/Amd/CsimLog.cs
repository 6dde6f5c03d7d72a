using System.Globalization;
using System.Text.RegularExpressions;
using FpgaGen.Toolchains.Reports;

namespace FpgaGen.Toolchains.Amd;

/// <summary>
/// The outcome of an HLS C simulation, from &lt;solution&gt;/csim/report/&lt;top&gt;_csim.log or the tool's log.
/// Pass: "INFO: [SIM 211-1] CSim done with 0 errors." (Vitis) or "INFO: [SIM 1] CSim done with 0 errors." (Vivado
/// HLS). Fail: "CSim failed with errors", "@E Simulation failed: ...", "'csim_design' failed: nonzero return value"
/// (docs/vendor-formats.md §2.2).
/// </summary>
public sealed partial record CsimLog(bool Passed, int? ErrorCount, string? FailureLine)
{
    public static CsimLog Parse(string path) => ParseText(ReportFile.Read(path), path);

    public static CsimLog ParseText(string text, string file)
    {
        var lines = text.Replace("\r", "").Split('\n');
        var failure = lines.FirstOrDefault(l => l.StartsWith("@E ", StringComparison.Ordinal))
            ?? lines.FirstOrDefault(l => l.Contains("CSim failed with errors", StringComparison.Ordinal)
                                         || l.Contains("'csim_design' failed", StringComparison.Ordinal));
        var done = lines.Select(l => Done().Match(l)).FirstOrDefault(m => m.Success);
        int? errors = done is not null && int.TryParse(done.Groups[1].Value, CultureInfo.InvariantCulture, out var n) ? n : null;
        if (failure is not null) return new CsimLog(false, errors, failure.Trim());
        if (errors is { } count) return new CsimLog(count == 0, count, count == 0 ? null : done!.Value);
        throw new ReportFormatException(file, "no C-simulation result ('CSim done with N errors' or a failure line); the simulation did not finish");
    }

    [GeneratedRegex(@"CSim done with (\d+) errors?")]
    private static partial Regex Done();
}
