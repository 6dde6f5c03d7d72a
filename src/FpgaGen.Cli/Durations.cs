using System.Globalization;
using System.Text.RegularExpressions;

namespace FpgaGen.Cli;

/// <summary>Durations on the command line: "90" or "90s" (seconds), "30m", "2h", "1h30m", "0.5s", or "01:30:00".</summary>
internal static partial class Durations
{
    public static TimeSpan Parse(string text, string option)
    {
        var s = text.Trim();
        if (s.Contains(':') && TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out var clock) && clock > TimeSpan.Zero) return clock;
        var m = Pattern().Match(s);
        if (m.Success && m.Length > 0)
        {
            double Part(string unit) => m.Groups[unit].Success ? double.Parse(m.Groups[unit].Value, CultureInfo.InvariantCulture) : 0;
            var total = TimeSpan.FromHours(Part("h")) + TimeSpan.FromMinutes(Part("m")) + TimeSpan.FromSeconds(Part("s"));
            if (total > TimeSpan.Zero) return total;
        }
        throw new InputException($"{option} {text}: expected a positive duration such as 90 (seconds), 90s, 30m, 2h, 1h30m or 01:30:00");
    }

    public static string Format(TimeSpan t) => t.TotalSeconds < 60
        ? t.TotalSeconds.ToString(t.TotalSeconds < 10 ? "0.0" : "0", CultureInfo.InvariantCulture) + " s"
        : t.TotalMinutes < 60
            ? $"{(int)t.TotalMinutes} min {t.Seconds} s"
            : $"{(int)t.TotalHours} h {t.Minutes} min";

    [GeneratedRegex(@"^(?:(?<h>\d+(?:\.\d+)?)h)?(?:(?<m>\d+(?:\.\d+)?)m)?(?:(?<s>\d+(?:\.\d+)?)s?)?$")]
    private static partial Regex Pattern();
}
