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

    public static Option<string> Precision() =>
        new Option<string>("--precision") { Description = "Data type: fp32|fp16|int16|int8", DefaultValueFactory = _ => "fp32" }
            .AcceptOnlyFromAmongIgnoringCase("fp32", "fp16", "int16", "int8");

    public static Option<int> Batch() => new("--batch") { Description = "Batch size (images per inference)", DefaultValueFactory = _ => 1 };

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
