using System.Globalization;
using System.Text.RegularExpressions;

namespace FpgaGen.Toolchains.Reports;

/// <summary>
/// A cycle count as the tools print it: "262673", a range "162 ~ 770" (v++ system_estimate Start Interval), an
/// approximation "~1" (aoc loops.json II), a lower bound ">=1", or unknown ("undef" in Vitis reports, "n/a" in aoc
/// ones), which leaves both ends null. See docs/vendor-formats.md §0, §1.2 and §2.1.
/// </summary>
public readonly partial record struct CycleRange(long? Min, long? Max, bool Approximate = false)
{
    public static CycleRange Unknown => new(null, null);

    public static CycleRange Exactly(long cycles) => new(cycles, cycles);

    public bool IsKnown => Min is not null || Max is not null;

    public static bool TryParse(string? text, out CycleRange range)
    {
        var s = (text ?? "").Trim();
        range = Unknown;
        if (s is "" or "undef" or "n/a" or "-" or "?") return true;
        var m = Pattern().Match(s);
        if (!m.Success || !long.TryParse(m.Groups["a"].Value, CultureInfo.InvariantCulture, out var first)) return false;
        long second = first;
        if (m.Groups["b"].Success && !long.TryParse(m.Groups["b"].Value, CultureInfo.InvariantCulture, out second)) return false;
        range = m.Groups["op"].Value switch
        {
            "~" => new CycleRange(first, first, Approximate: true),
            ">=" => new CycleRange(first, null),
            _ => new CycleRange(first, second),
        };
        return true;
    }

    public override string ToString() => (Min, Max) switch
    {
        (null, null) => "undef",
        ({ } a, null) => $">={a}",
        ({ } a, { } b) when a == b => (Approximate ? "~" : "") + a,
        _ => $"{Min?.ToString() ?? "?"} ~ {Max}",
    };

    [GeneratedRegex(@"^(?<op>~|>=)?\s*(?<a>\d+)(?:\s*~\s*(?<b>\d+))?$")]
    private static partial Regex Pattern();
}
