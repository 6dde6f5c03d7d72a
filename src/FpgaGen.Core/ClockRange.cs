using System.Globalization;

namespace FpgaGen;

/// <summary>
/// The kernel clocks FpgaGen accepts wherever a clock is given: a device file's <c>fmax_mhz</c>, a design's
/// <c>freq_mhz</c> (designs.json, design.json, a single design file) and <c>estimate --freq</c>. One range for all,
/// so a figure one command writes is one every other command reads. 1 MHz is below any clock a vendor flow closes
/// for a kernel (Intel's aoc and AMD's v++ default to targets in the hundreds of MHz); 1000 MHz is above the
/// fastest FPGA fabric clock (Stratix 10 HyperFlex, Versal: under 1 GHz). Outside it, a value is a unit mistake
/// (Hz or GHz for MHz), a typo or hostile (NaN, 1e-300, 1e400 that reads as Infinity).
/// </summary>
public static class ClockRange
{
    public const double MinMhz = 1, MaxMhz = 1000;

    /// <summary>The range as error messages and docs state it.</summary>
    public const string Text = "1 to 1000 MHz";

    /// <summary>True for a finite clock within the range (false for NaN, as every comparison with NaN is).</summary>
    public static bool Contains(double mhz) => mhz >= MinMhz && mhz <= MaxMhz;

    /// <summary>
    /// <paramref name="mhz"/> when it is within the range, else an <see cref="InputException"/> "WHAT: expected a
    /// clock of 1 to 1000 MHz, got V".
    /// </summary>
    public static double Check(double mhz, string what) =>
        Contains(mhz) ? mhz : throw new InputException($"{what}: {Problem(mhz)}");

    /// <summary>What is wrong with an out-of-range value, for callers that place the message themselves.</summary>
    public static string Problem(double mhz) =>
        $"expected a clock of {Text}, got {mhz.ToString("R", CultureInfo.InvariantCulture)}" + (mhz switch
        {
            > MaxMhz and < 1e12 when mhz >= 1e6 => " (the unit is MHz, not Hz)",
            > 0 and < MinMhz when mhz >= 0.05 => " (the unit is MHz, not GHz)",
            _ => "",
        });
}
