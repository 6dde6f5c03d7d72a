using System.Globalization;
using System.Text.RegularExpressions;
using FpgaGen.Toolchains.Reports;

namespace FpgaGen.Toolchains.Intel;

/// <summary>"used / available" as Quartus prints it ("82,696 / 427,200 ( 19 % )"); Available is null for a bare count.</summary>
public sealed record QuartusUsage(long Used, long? Available)
{
    public double? Percent => Available > 0 ? 100.0 * Used / Available : null;
}

/// <summary>
/// acl_quartus_report.txt, written into the aoc work folder by the BSP once Quartus has fitted the design:
/// "Key: value" lines such as "Logic utilization: 82,696 / 427,200 ( 19 % )", "DSP blocks: 1 / 1,518 ( &lt; 1 % )",
/// "Kernel fmax: 234.85" and "2x clock fmax: Unused". Values carry thousands separators. Intel's own reader takes
/// the first token after each key (docs/vendor-formats.md §1.2, real files [S1][S2][S3]).
/// </summary>
public sealed partial record QuartusReport
{
    public long? Aluts { get; init; }

    public long? Registers { get; init; }

    /// <summary>ALMs used / available.</summary>
    public required QuartusUsage LogicUtilization { get; init; }

    public QuartusUsage? IoPins { get; init; }

    public QuartusUsage? DspBlocks { get; init; }

    public QuartusUsage? MemoryBits { get; init; }

    public QuartusUsage? RamBlocks { get; init; }

    /// <summary>The kernel clock the BSP actually set.</summary>
    public double? ActualClockMhz { get; init; }

    public double? KernelFmaxMhz { get; init; }

    public double? Clock1xFmaxMhz { get; init; }

    /// <summary>Null when the BSP writes "Unused".</summary>
    public double? Clock2xFmaxMhz { get; init; }

    public long? HighestNonGlobalFanout { get; init; }

    /// <summary>The kernel clock: the frequency aoc actually ran at, else the fitter's fmax.</summary>
    public double FmaxMhz => ActualClockMhz ?? KernelFmaxMhz ?? 0;

    public ResourceCounts Resources => new()
    {
        Aluts = Aluts,
        Alms = LogicUtilization.Used,
        Registers = Registers,
        RamBlocks = RamBlocks?.Used,
        Dsps = DspBlocks?.Used,
    };

    public ResourceCounts Available => new()
    {
        Alms = LogicUtilization.Available,
        RamBlocks = RamBlocks?.Available,
        Dsps = DspBlocks?.Available,
    };

    public static QuartusReport Parse(string path) => ParseText(ReportFile.Read(path), path);

    public static QuartusReport ParseText(string text, string file)
    {
        var values = new Dictionary<string, (string Value, int Line)>(StringComparer.OrdinalIgnoreCase);
        var lineNo = 0;
        foreach (var line in text.Split('\n'))
        {
            lineNo++;
            var colon = line.IndexOf(':');
            if (colon > 0) values.TryAdd(line[..colon].Trim(), (line[(colon + 1)..].Trim(), lineNo));
        }

        QuartusUsage? Usage(string key)
        {
            if (!values.TryGetValue(key, out var v)) return null;
            var m = UsagePattern().Match(v.Value);
            if (m.Success && Integer(m.Groups[1].Value) is { } used)
            {
                if (!m.Groups[2].Success) return new QuartusUsage(used, null);
                if (Integer(m.Groups[2].Value) is { } available) return new QuartusUsage(used, available);
            }
            throw new ReportFormatException(file, $"line {v.Line}: '{key}: {v.Value}' is not a count or 'used / available'");
        }

        double? Mhz(string key)
        {
            if (!values.TryGetValue(key, out var v) || v.Value.Equals("Unused", StringComparison.OrdinalIgnoreCase)) return null;
            if (double.TryParse(v.Value.Replace(",", ""), NumberStyles.Float, CultureInfo.InvariantCulture, out var mhz)) return mhz;
            throw new ReportFormatException(file, $"line {v.Line}: '{key}: {v.Value}' is not a frequency in MHz");
        }

        var logic = Usage("Logic utilization")
            ?? throw new ReportFormatException(file, "no 'Logic utilization:' line (is the file cut off, or did Quartus not finish?)");
        var report = new QuartusReport
        {
            Aluts = Usage("ALUTs")?.Used,
            Registers = Usage("Registers")?.Used,
            LogicUtilization = logic,
            IoPins = Usage("I/O pins"),
            DspBlocks = Usage("DSP blocks"),
            MemoryBits = Usage("Memory bits"),
            RamBlocks = Usage("RAM blocks"),
            ActualClockMhz = Mhz("Actual clock freq"),
            KernelFmaxMhz = Mhz("Kernel fmax"),
            Clock1xFmaxMhz = Mhz("1x clock fmax"),
            Clock2xFmaxMhz = Mhz("2x clock fmax"),
            HighestNonGlobalFanout = Usage("Highest non-global fanout")?.Used,
        };
        if (report.ActualClockMhz is null && report.KernelFmaxMhz is null)
            throw new ReportFormatException(file, "no 'Kernel fmax:' or 'Actual clock freq:' line (is the file cut off?)");
        return report;
    }

    private static long? Integer(string digits) =>
        long.TryParse(digits.Replace(",", ""), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;

    [GeneratedRegex(@"^([\d,]+)(?:\s*/\s*([\d,]+))?(?:\s*\(.*\))?$")]
    private static partial Regex UsagePattern();
}
