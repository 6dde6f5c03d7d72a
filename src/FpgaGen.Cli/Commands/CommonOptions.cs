using System.CommandLine;

namespace FpgaGen.Cli.Commands;

/// <summary>Options shared by several commands, defined once so they read and validate the same everywhere.</summary>
internal static class CommonOptions
{
    public static Option<string> Format(params string[] allowed)
    {
        var o = new Option<string>("--format") { Description = $"Output format: {string.Join("|", allowed)}", DefaultValueFactory = _ => allowed[0] };
        o.AcceptOnlyFromAmong(allowed);
        return o;
    }

    /// <summary>--wide: every column of the table, however wide the terminal (see Tables/TextTable).</summary>
    public static Option<bool> Wide() => new("--wide") { Description = "Show every column of the table, even when the lines get wider than the terminal" };

    public static Option<string> Precision() =>
        new Option<string>("--precision") { Description = "Data type: fp32|fp16|int16|int8", DefaultValueFactory = _ => "fp32" }
            .AcceptOnlyFromAmongIgnoringCase("fp32", "fp16", "int16", "int8");

    public static Option<int> Batch() => new("--batch") { Description = "Batch size (images per inference)", DefaultValueFactory = _ => 1 };

    public static Option<string> Device() =>
        new("--device") { Description = "Target device: an id from `fpgagen devices` or a path to a device YAML file", Required = true };

    public static Option<double> MaxUtil() =>
        new("--max-util") { Description = "Largest fraction of any resource a design may use, in (0, 1]", DefaultValueFactory = _ => 0.85 };

    public static double CheckMaxUtil(double v) =>
        v > 0 && v <= 1 ? v : throw new InputException($"--max-util must be in (0, 1], got {v.ToString(System.Globalization.CultureInfo.InvariantCulture)}");

    public static Argument<string> Model() =>
        new("model") { Description = "Network: a design YAML file (see designs/) or a name from designs/ such as vgg16" };

    private static Option<string> AcceptOnlyFromAmongIgnoringCase(this Option<string> o, params string[] values)
    {
        o.Validators.Add(r =>
        {
            var v = r.GetValueOrDefault<string>();
            if (v is not null && !values.Contains(v, StringComparer.OrdinalIgnoreCase))
                r.AddError($"'{v}' is not a valid value for {o.Name} (expected one of: {string.Join(", ", values)})");
        });
        return o;
    }
}
