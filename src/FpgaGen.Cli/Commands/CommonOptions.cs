using System.CommandLine;
using System.CommandLine.Parsing;

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

    public static Option<string> LayerNorm() =>
        new Option<string>("--layernorm")
        {
            Description = "LayerNorm statistics of every LayerNorm layer: model (as the model says), runtime (each row's mean and variance), "
                + "or stored (moving statistics saved in training, folded into the next linear layer: no LayerNorm step)",
            DefaultValueFactory = _ => "model",
        }.AcceptOnlyFromAmongIgnoringCase("model", "runtime", "stored");

    /// <summary>
    /// The LayerNorm choice of a command that takes --design: a design file's recorded one (explore/generate wrote it)
    /// unless --layernorm is given, which must then agree with it.
    /// </summary>
    public static string LayerNormFor(System.CommandLine.ParseResult r, Option<string> option, string? design, int? rank)
    {
        var given = r.GetValue(option)!.ToLowerInvariant();
        if (design is null || !File.Exists(design)) return given;
        var selection = FpgaGen.Codegen.Projects.DesignDocument.Read(design, rank);
        var recorded = selection.Design.LayerNorm;
        if (recorded is null) return given;
        if (r.GetResult(option) is { Implicit: false } && given != recorded)
            throw new UsageException($"--layernorm {given} contradicts the design file ({selection.Origin}: layernorm {recorded})");
        return recorded;
    }

    /// <summary>
    /// What runs of a model with its own layer types (quantized ONNX, design-file precision:): the kernels run one
    /// data type. At int8/int16 a quantized model's layers use its own scales and zero points, its float layers
    /// calibration ranges; at a floating type every layer runs at it. Null for a model without its own types.
    /// </summary>
    public static string? OwnTypesNote(FpgaGen.Model.Network net, string precision, string command)
    {
        if (FpgaGen.Estimation.LayerPrecisions.Of(net, global::FpgaGen.Precision.Fp32) is not { } own) return null;
        var floats = net.Layers.Where(l => l.Macs > 0 && l.Quantization is null).Select(l => l.Name).ToList();
        var quantized = net.Layers.Any(l => l.Quantization is not null);
        return precision is "int8" or "int16" && quantized
            ? $"note: {net.Name} has its own layer types ({own.Describe()}); the kernels run one data type ({precision}): its quantized layers with the model's scales and zero points"
                + (floats.Count > 0 ? $", its float layers ({string.Join(", ", floats)}) with calibration ranges" : "")
            : $"note: {net.Name} has its own layer types ({own.Describe()}); the kernels run one data type, so {command} runs every layer at {precision}"
                + (quantized ? $"; --precision {(own.Types.Contains(global::FpgaGen.Precision.Int16) ? "int16" : "int8 or int16")} runs the quantized layers with the model's own scales" : "");
    }

    /// <summary>
    /// What the figures of a mixed-precision estimate are: those of the engine the generator builds, one datapath of
    /// the widest type running every layer. Null for a network of one type.
    /// </summary>
    public static string? MixedFiguresNote(FpgaGen.Estimation.LayerPrecisions? types) => types is { Mixed: true } t
        ? $"note: the {t.Describe()} figures are those of the engine `generate` builds: one {t.Widest.Id()} datapath runs every layer and "
          + $"stores every tensor at {t.Widest.Id()}; "
          + (t.Widest == global::FpgaGen.Precision.Int16 && t.Types.Contains(global::FpgaGen.Precision.Int8)
              ? "where a DSP makes two int8 products for one int16 product (DSP48E2), gemm and ln_linear pair their columns on one multiplier, "
                + "so a quantized model's int8 layers run two MACs per multiplier and the others one; conv_tiled and conv_systolic run every layer at the int16 rate"
              : "a DSP's mode is fixed when the design is built, so narrower layers pack no more MACs")
        : null;

    /// <summary>Where the compute units go on a device with SLRs, and the note that says what a user should know of it.</summary>
    public static (FpgaGen.Kernels.Plans.SlrPlacement? Placement, string? Note) Slrs(FpgaGen.Kernels.Plans.HardwarePlan plan,
        FpgaGen.Kernels.Lowering.LoweredNetwork network, FpgaGen.Kernels.Target target)
    {
        if (!FpgaGen.Kernels.Plans.BankPlacement.NeedsBanks(target.Device)) return (null, null);
        var placement = FpgaGen.Kernels.Plans.SlrPlacement.Of(plan, target, FpgaGen.Kernels.Plans.BankPlacement.Of(plan, network, target.Device));
        return (placement, placement?.Note(target.Device.Id) is { } n ? "note: " + n : null);
    }

    /// <summary>The network with <c>--layernorm</c> applied (itself for "model").</summary>
    public static FpgaGen.Model.Network WithLayerNorm(FpgaGen.Model.Network net, string? choice) => choice?.ToLowerInvariant() switch
    {
        "runtime" => net.WithLayerNormStats(FpgaGen.Model.LayerNormStats.Runtime),
        "stored" => net.WithLayerNormStats(FpgaGen.Model.LayerNormStats.Stored),
        _ => net,
    };

    /// <summary>Images per inference, 1 to <see cref="Exploration.Documents.DesignEntry.MaxBatch"/> as design files allow.</summary>
    public static Option<int> Batch() =>
        new Option<int>("--batch") { Description = $"Batch size (images per inference), 1 to {Exploration.Documents.DesignEntry.MaxBatch:N0}", DefaultValueFactory = _ => 1 }
            .InRange(1, Exploration.Documents.DesignEntry.MaxBatch);

    /// <summary>Identical compute units, one per SLR (devices with SLRs), sharing the batch.</summary>
    public static Option<int> ComputeUnits() =>
        new Option<int>("--units") { Description = "Compute units: identical copies of the design, one per SLR of a device with SLRs (U250: up to 4), each running batch / units images", DefaultValueFactory = _ => 1 }
            .InRange(1, 16);

    public static Option<string> Device() =>
        new("--device") { Description = "Target device: an id from `fpgagen devices` or a path to a device YAML file", Required = true };

    public static Option<double> MaxUtil()
    {
        var o = new Option<double>("--max-util") { Description = "Largest fraction of any resource a design may use, in (0, 1]", DefaultValueFactory = _ => 0.85 };
        o.Validators.Add(r =>
        {
            // Written so that NaN fails too.
            if (Value<double>(r) is { } v && !(v > 0 && v <= 1)) r.AddError($"expected a fraction in (0, 1], got {Invariant(v)}");
        });
        return o;
    }

    /// <summary>
    /// Refuses values outside [<paramref name="min"/>, <paramref name="max"/>] as a parse error, so the message is the
    /// one line every parse error gets: the option, what it accepts, where the help is.
    /// </summary>
    public static Option<T> InRange<T>(this Option<T> o, T min, T max) where T : struct, IComparable<T>, IFormattable
    {
        o.Validators.Add(r =>
        {
            if (Value<T>(r) is { } v && (v.CompareTo(min) < 0 || v.CompareTo(max) > 0))
                r.AddError($"expected {(IsTypeMax(max) ? $"{Invariant(min)} or more" : $"{Invariant(min)} to {Invariant(max)}")}, got {Invariant(v)}");
        });
        return o;
    }

    /// <summary><see cref="InRange"/> from 1 to the type's largest value.</summary>
    public static Option<int> Positive(this Option<int> o) => o.InRange(1, int.MaxValue);

    public static Option<long> Positive(this Option<long> o) => o.InRange(1L, long.MaxValue);

    /// <summary>
    /// The option's value, or null when its text did not convert: validators run even then, and the conversion has
    /// its own error ("'abc' is not a whole number"), which must be the one shown.
    /// </summary>
    public static T? Value<T>(OptionResult r) where T : struct
    {
        try
        {
            return r.GetValueOrDefault<T>();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static bool IsTypeMax<T>(T v) => v switch { int i => i == int.MaxValue, long l => l == long.MaxValue, _ => false };

    private static string Invariant<T>(T v) where T : IFormattable => v.ToString(typeof(T) == typeof(double) ? "R" : "N0", System.Globalization.CultureInfo.InvariantCulture);

    public static double CheckMaxUtil(double v) =>
        v > 0 && v <= 1 ? v : throw new UsageException($"--max-util must be in (0, 1], got {v.ToString(System.Globalization.CultureInfo.InvariantCulture)}");

    public static Argument<string> Model() =>
        new("model") { Description = "Network: a design YAML file (see designs/) or a name from designs/ such as vgg16" };

    private static Option<string> AcceptOnlyFromAmongIgnoringCase(this Option<string> o, params string[] values)
    {
        o.Validators.Add(r =>
        {
            var v = r.GetValueOrDefault<string>();
            if (v is not null && !values.Contains(v, StringComparer.OrdinalIgnoreCase))
                r.AddError($"'{InputException.OneLine(v)}' is not accepted (expected one of: {string.Join(", ", values)})");
        });
        return o;
    }
}
