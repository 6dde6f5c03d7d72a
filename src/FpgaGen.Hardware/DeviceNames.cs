using System.Text.RegularExpressions;

namespace FpgaGen.Hardware;

/// <summary>
/// What the names in a device file that reach vendor tools and generated build files (Makefile, Tcl, shell command
/// lines) may contain. Real names are made of letters, digits and a few separators (aoc boards: p385a_sch_ax115;
/// v++ platforms: xilinx_u250_gen3x16_xdma_4_1_202210_1, SDAccel's xilinx:adm-pcie-ku3:2ddr-xpr:4.0; parts:
/// xcu250-figd2104-2L-e, 10AX115N2F40E2LG), none of which means anything to make, Tcl or a shell. Anything else is
/// refused when the file is read, so a device file cannot carry $(shell ...), [exec ...] or `...` into a project.
/// </summary>
public static partial class DeviceNames
{
    public const string IdRule = "letters, digits, '_', '-', '.' or '+', starting with a letter or digit, at most 64 characters";
    public const string BoardRule = "an aoc board name: letters, digits, '_', '-' or '.', starting with a letter or digit, at most 128 characters";
    public const string PlatformRule = "a v++ platform name: letters, digits, '_', '-', '.' or ':', starting with a letter or digit, at most 128 characters";
    public const string PartRule = "a part name: letters, digits, '_', '-' or '.', starting with a letter or digit, at most 64 characters";

    public static bool IsId(string id) => IdPattern().IsMatch(id);

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.+\-]{0,63}\z")]
    public static partial Regex IdPattern();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,127}\z")]
    public static partial Regex BoardPattern();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,127}\z")]
    public static partial Regex PlatformPattern();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}\z")]
    public static partial Regex PartPattern();
}
