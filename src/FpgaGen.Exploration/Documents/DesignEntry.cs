using System.Text.RegularExpressions;
using FpgaGen.Estimation;
using FpgaGen.Hardware;

namespace FpgaGen.Exploration.Documents;

/// <summary>
/// One design as the documents hold it: an entry of explore's designs.json, the "design" of a project's
/// design.json, or a design file of its own for `generate --design`. Written from an estimate by <see cref="From"/>,
/// read (strictly: every field checked for kind and range, named by its path in the file) by <see cref="Read"/>.
/// The predicted figures are optional when reading (a hand-written design names only kernel and params).
/// </summary>
public sealed partial record DesignEntry
{
    /// <summary>Largest batch a document may name.</summary>
    public const int MaxBatch = 1 << 16;

    public int? Rank { get; init; }
    public required string Kernel { get; init; }
    public required DesignParameters Params { get; init; }
    public string Precision { get; init; } = "fp32";
    public int Batch { get; init; } = 1;

    /// <summary>Identical compute units, one per SLR, each running Batch / ComputeUnits samples.</summary>
    public int ComputeUnits { get; init; } = 1;

    public double? FreqMhz { get; init; }
    public double? ImagesPerS { get; init; }
    public double? Gops { get; init; }
    public double? LatencyMs { get; init; }
    public double? DspEfficiency { get; init; }
    public double? PeakGops { get; init; }
    public long? MacLanes { get; init; }
    public double? Cycles { get; init; }

    /// <summary>Bits of on-chip RAM in the blocks the design takes, all RAM kinds together.</summary>
    public double? RamBits { get; init; }

    /// <summary>The highest utilization of any resource (the one <see cref="Binding"/> names), a fraction of the device.</summary>
    public double? MaxUtil { get; init; }

    /// <summary>The resource key (as in <see cref="Utilization"/>) with the highest utilization: what limits the design.</summary>
    public string? Binding { get; init; }

    /// <summary>Whole-device amounts by resource key: dsp, bram (the first RAM kind), uram (a second), logic, ff.</summary>
    public IReadOnlyDictionary<string, double>? Resources { get; init; }
    public IReadOnlyDictionary<string, double>? Utilization { get; init; }
    public bool Pareto { get; init; }

    /// <summary>
    /// The network-wide LayerNorm choice the design was made for (explore/generate --layernorm: runtime or stored);
    /// null: as the model says. `simulate`/`generate --design` apply it, so the design's own network is rebuilt.
    /// </summary>
    [System.Text.Json.Serialization.JsonPropertyName("layernorm")]
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? LayerNorm { get; init; }

    /// <summary>The choices <see cref="LayerNorm"/> may record (besides "model", written as no field).</summary>
    public static readonly IReadOnlyList<string> LayerNormChoices = ["model", "runtime", "stored"];

    /// <summary>"model" (or null) as null, the others lower-case: what a document records.</summary>
    public static string? LayerNormField(string? choice) => choice?.ToLowerInvariant() is null or "model" ? null : choice.ToLowerInvariant();

    public static DesignEntry From(DesignEstimate d, int rank, bool pareto)
    {
        var utilization = d.Resources.Utilization().ToDictionary(kv => kv.Key, kv => Math.Round(kv.Value, 4));
        var binding = d.Resources.Utilization().MaxBy(kv => kv.Value);
        return new DesignEntry
        {
            Rank = rank,
            Kernel = d.Kernel,
            Params = DesignParameters.From(d.Config.AsDictionary()),
            Precision = d.Precision.Id(),
            Batch = d.Batch,
            ComputeUnits = d.ComputeUnits,
            FreqMhz = Math.Round(d.FreqMhz, 1),
            ImagesPerS = Math.Round(d.ImagesPerSecond, 3),
            Gops = Math.Round(d.Gops, 2),
            LatencyMs = Math.Round(d.LatencyMs, 4),
            DspEfficiency = Math.Round(d.DspEfficiency, 4),
            PeakGops = Math.Round(d.PeakGops, 2),
            MacLanes = d.Lanes,
            Cycles = d.Cycles,
            RamBits = Math.Round(d.Resources.RamBits),
            MaxUtil = Math.Round(binding.Value, 4),
            Binding = binding.Key,
            Resources = d.Resources.Amounts(),
            Utilization = utilization,
            Pareto = pareto,
        };
    }

    /// <summary>
    /// The entry as one CSV row: the JSON's fields in the JSON's order under the same names, params as
    /// "NAME=VALUE,…", the resources and utilization objects flattened to "resources.dsp", "utilization.dsp", …
    /// (docs/formats.md).
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, object?>> CsvFields() =>
    [
        new("rank", Rank), new("kernel", Kernel), new("params", Params.ToString()), new("precision", Precision), new("batch", Batch),
        new("compute_units", ComputeUnits),
        new("freq_mhz", FreqMhz), new("images_per_s", ImagesPerS), new("gops", Gops), new("latency_ms", LatencyMs), new("dsp_efficiency", DspEfficiency),
        new("peak_gops", PeakGops), new("mac_lanes", MacLanes), new("cycles", Cycles), new("ram_bits", RamBits), new("max_util", MaxUtil), new("binding", Binding),
        .. (Resources ?? new Dictionary<string, double>()).Select(kv => new KeyValuePair<string, object?>("resources." + kv.Key, kv.Value)),
        .. (Utilization ?? new Dictionary<string, double>()).Select(kv => new KeyValuePair<string, object?>("utilization." + kv.Key, kv.Value)),
        new("pareto", Pareto),
    ];

    /// <param name="figures">Require the predicted clock and resources (a sweep and compile compare against them).</param>
    public static DesignEntry Read(JNode d, bool figures)
    {
        if (!d.IsObject) throw d.Error($"expected a design object with kernel and params, found {d.Describe()}");
        var kernelNode = d.Prop("kernel");
        var kernel = kernelNode.String();
        if (!KernelId().IsMatch(kernel)) throw kernelNode.Error($"\"{InputException.OneLine(kernel)}\" is not a kernel id (lower-case letters, digits, '_')");
        var precision = "fp32";
        if (d.TryProp("precision") is { } p)
        {
            precision = p.String();
            if (!PrecisionExtensions.TryParse(precision, out var parsed))
                throw p.Error($"unknown data type \"{InputException.OneLine(precision)}\" (expected one of: {string.Join(", ", PrecisionExtensions.All.Select(x => x.Id()))})");
            precision = parsed.Id();
        }
        var freq = figures ? d.Prop("freq_mhz") : d.TryProp("freq_mhz");
        return new DesignEntry
        {
                Rank = d.TryProp("rank")?.Int(0, int.MaxValue),
                Kernel = kernel,
                Params = DesignParameters.Read(d.Prop("params")),
                Precision = precision,
                Batch = d.TryProp("batch") is { } b ? ReadBatch(b) : 1,
                ComputeUnits = d.TryProp("compute_units")?.Int(1, 16) ?? 1,
                FreqMhz = freq is { } f ? Clock(f) : null,
                ImagesPerS = NonNegative(d.TryProp("images_per_s")),
                Gops = NonNegative(d.TryProp("gops")),
                LatencyMs = NonNegative(d.TryProp("latency_ms")),
                DspEfficiency = NonNegative(d.TryProp("dsp_efficiency")),
                PeakGops = NonNegative(d.TryProp("peak_gops")),
                MacLanes = d.TryProp("mac_lanes")?.Integer(0),
                Cycles = NonNegative(d.TryProp("cycles")),
                RamBits = NonNegative(d.TryProp("ram_bits")),
                MaxUtil = NonNegative(d.TryProp("max_util")),
                Binding = d.TryProp("binding")?.String(),
                Resources = Amounts(figures ? d.Prop("resources") : d.TryProp("resources")),
                Utilization = Amounts(d.TryProp("utilization")),
                Pareto = d.TryProp("pareto")?.Bool() ?? false,
                LayerNorm = d.TryProp("layernorm") is { } ln ? ReadLayerNorm(ln) : null,
        };
    }

    /// <summary>A kernel clock in MHz within <see cref="ClockRange"/> (1e400 and 1e-300 are refused, not Infinity or 0).</summary>
    public static double Clock(JNode node)
    {
        var v = node.Number();
        return ClockRange.Contains(v) ? v : throw node.Error(ClockRange.Problem(v));
    }

    private static string? ReadLayerNorm(JNode node)
    {
        var v = node.String();
        return LayerNormChoices.Contains(v)
            ? LayerNormField(v)
            : throw node.Error($"unknown LayerNorm choice \"{InputException.OneLine(v)}\" (expected one of: {string.Join(", ", LayerNormChoices)})");
    }

    private static int ReadBatch(JNode node)
    {
        var v = node.Integer();
        return v < 1 ? throw node.Error($"must be positive, got {v}") : (int)node.Integer(1, MaxBatch);
    }

    private static double? NonNegative(JNode? node)
    {
        if (node is not { } n) return null;
        var v = n.Number();
        return v >= 0 ? v : throw n.Error($"must be zero or more, got {n.Describe()}");
    }

    private static IReadOnlyDictionary<string, double>? Amounts(JNode? node)
    {
        if (node is not { } n) return null;
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, value) in n.Properties()) result[name] = NonNegative(value)!.Value;
        return result;
    }

    [GeneratedRegex(@"^[a-z][a-z0-9_]{0,63}\z")]
    private static partial Regex KernelId();
}
