using System.Globalization;
using System.Text.RegularExpressions;

namespace FpgaGen.Cli;

/// <summary>Durations on the command line: "90" or "90s" (seconds), "30m", "2h", "1h30m", "0.5s", or "01:30:00".</summary>
internal static partial class Durations
{
    /// <summary>Longest duration accepted: no compile runs for weeks, and timers take at most about 49 days.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromDays(30);

    public static TimeSpan Parse(string text, string option)
    {
        var s = text.Trim();
        var seconds = -1.0;
        if (s.Contains(':') && TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out var clock)) seconds = clock.TotalSeconds;
        else if (s.Length <= 64 && Pattern().Match(s) is { Success: true, Length: > 0 } m)
        {
            double Part(string unit) => m.Groups[unit].Success ? double.Parse(m.Groups[unit].Value, CultureInfo.InvariantCulture) : 0;
            // In seconds as a double: 99999999999h is a large number, not an overflow.
            seconds = Part("h") * 3600 + Part("m") * 60 + Part("s");
        }
        if (seconds > Max.TotalSeconds)
            throw new UsageException($"{option} {InputException.OneLine(text)}: at most {Max.TotalDays:0} days ({Max.TotalHours:0}h)");
        if (seconds > 0 && double.IsFinite(seconds)) return TimeSpan.FromSeconds(seconds);
        throw new UsageException($"{option} {InputException.OneLine(text)}: expected a positive duration such as 90 (seconds), 90s, 30m, 2h, 1h30m or 01:30:00");
    }

    public static string Format(TimeSpan t) => t.TotalSeconds < 60
        ? t.TotalSeconds.ToString(t.TotalSeconds < 10 ? "0.0" : "0", CultureInfo.InvariantCulture) + " s"
        : t.TotalMinutes < 60
            ? $"{(int)t.TotalMinutes} min {t.Seconds} s"
            : $"{(int)t.TotalHours} h {t.Minutes} min";

    /// <summary>A short time in the unit that keeps 3 significant digits readable: "820 ns", "51.6 µs", "51.6 ms", "1.20 s".</summary>
    public static string Short(double seconds)
    {
        var (value, unit) = Math.Abs(seconds) switch
        {
            < 1e-6 => (seconds * 1e9, "ns"),
            < 1e-3 => (seconds * 1e6, "µs"),
            < 1 => (seconds * 1e3, "ms"),
            _ => (seconds, "s"),
        };
        var format = Math.Abs(value) switch { >= 100 => "0", >= 10 => "0.0", _ => "0.00" };
        return value.ToString(format, CultureInfo.InvariantCulture) + " " + unit;
    }

    [GeneratedRegex(@"^(?:(?<h>\d+(?:\.\d+)?)h)?(?:(?<m>\d+(?:\.\d+)?)m)?(?:(?<s>\d+(?:\.\d+)?)s?)?$")]
    private static partial Regex Pattern();
}
