using System.Globalization;
using System.Text.RegularExpressions;

namespace FpgaGen.Toolchains.Discovery;

/// <summary>Intel sells Standard and Pro editions of its SDK, with different flags (e.g. -rtl is Pro only).</summary>
public enum ToolEdition { Unknown, Standard, Pro }

/// <summary>
/// A tool version. aoc numbers releases 17.1.1 with a build ("Build 273") and an edition; Vitis tools number them
/// by year, 2022.2 (sometimes 2020.2.2).
/// </summary>
public sealed partial record ToolVersion(int Major, int Minor, int Patch = 0, string? Build = null, ToolEdition Edition = ToolEdition.Unknown)
    : IComparable<ToolVersion>
{
    public bool AtLeast(int major, int minor) => Major > major || (Major == major && Minor >= minor);

    public int CompareTo(ToolVersion? other) =>
        other is null ? 1 : (Major, Minor, Patch).CompareTo((other.Major, other.Minor, other.Patch));

    public override string ToString()
    {
        var text = Patch > 0 || Build is not null ? $"{Major}.{Minor}.{Patch}" : $"{Major}.{Minor}";
        if (Build is not null) text += $" Build {Build}";
        if (Edition != ToolEdition.Unknown) text += $" {Edition} Edition";
        return text;
    }

    /// <summary>
    /// `aoc -version` prints, from the aoc driver's version() sub (Perl, 20.3 Pro):
    /// "Intel(R) FPGA SDK for OpenCL(TM), 64-Bit Offline Compiler" / "Version 20.3.0 Build 168.5 Pro Edition";
    /// 15.0 printed "Altera SDK for OpenCL, 64-Bit Offline Compiler" / "Version 15.0.0 Build 120". info.json's
    /// "AOC Version" row has the same "17.1.1 Build 273" form.
    /// </summary>
    public static ToolVersion? TryParseAoc(string text)
    {
        var m = AocPattern().Match(text);
        if (!m.Success) return null;
        var edition = m.Groups["edition"].Value switch
        {
            "Pro" => ToolEdition.Pro,
            "Standard" => ToolEdition.Standard,
            _ => ToolEdition.Unknown,
        };
        return new ToolVersion(Int(m, "major"), Int(m, "minor"), m.Groups["patch"].Success ? Int(m, "patch") : 0,
            m.Groups["build"].Success ? m.Groups["build"].Value : null, edition);
    }

    /// <summary>
    /// `v++ --version` (and every v++ run) prints "****** v++ v2022.1 (64-bit)" / "**** SW Build 3524075 on
    /// 2022-04-13-17:42:45" (e.g. the v2019.2 log in Xilinx/Vitis_Accel_Examples#33); `vitis_hls -version` prints
    /// "****** Vitis HLS - High-Level Synthesis from C, C++ and OpenCL v2022.2 (64-bit)", and v2020.2.2 or v2023.1.1
    /// for update releases (public vitis_hls run logs). The "Tool Version Limit: 2022.04" line has no "v" and is not
    /// matched.
    /// </summary>
    public static ToolVersion? TryParseVitis(string text)
    {
        var m = VitisPattern().Match(text);
        return m.Success ? new ToolVersion(Int(m, "major"), Int(m, "minor"), m.Groups["patch"].Success ? Int(m, "patch") : 0) : null;
    }

    private static int Int(Match m, string group) => int.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"(?:Version\s+|^|\s)(?<major>\d{1,2})\.(?<minor>\d{1,2})(?:\.(?<patch>\d{1,2}))?\s+Build\s+(?<build>[\d.]+)(?:\s+(?<edition>Pro|Standard)\s+Edition)?", RegexOptions.Multiline)]
    private static partial Regex AocPattern();

    [GeneratedRegex(@"(?<![\w+])v(?<major>\d{4})\.(?<minor>\d{1,2})(?:\.(?<patch>\d{1,2}))?\b")]
    private static partial Regex VitisPattern();
}
