namespace FpgaGen.Model.Designs;

/// <summary>
/// The layer kinds a design file may name, each with its own fields and a constructor. The fields every layer
/// accepts (kind, name, from, when) are handled by <see cref="DesignLoader"/>.
/// </summary>
internal static class LayerKinds
{
    internal sealed record Kind(string[] Fields, Func<LayerFields, Layer> Create);

    public static readonly IReadOnlyDictionary<string, Kind> All = new Dictionary<string, Kind>
    {
        ["conv"] = new(["out", "kernel", "stride", "pad", "dilation", "groups", "bias"], f =>
        {
            var (kh, kw) = f.Pair("kernel");
            var (ph, pw) = f.Has("pad") ? f.Pair("pad") : (0, 0);
            return new ConvLayer(f.Name, f.Inputs, f.Int("out"), kh, kw, f.Int("stride", 1), ph, pw,
                f.Int("dilation", 1), f.Int("groups", 1), f.Bool("bias", true)) { Origin = f.Origin };
        }),
        ["linear"] = new(["out", "bias"], f => new LinearLayer(f.Name, f.Inputs, f.Int("out"), f.Bool("bias", true)) { Origin = f.Origin }),
        ["batchnorm"] = new([], f => new BatchNormLayer(f.Name, f.Inputs) { Origin = f.Origin }),
        ["relu"] = new([], f => new ActivationLayer(f.Name, f.Inputs, ActivationKind.Relu) { Origin = f.Origin }),
        ["relu6"] = new([], f => new ActivationLayer(f.Name, f.Inputs, ActivationKind.Relu6) { Origin = f.Origin }),
        ["gelu"] = new([], f => new ActivationLayer(f.Name, f.Inputs, ActivationKind.Gelu) { Origin = f.Origin }),
        ["sigmoid"] = new([], f => new ActivationLayer(f.Name, f.Inputs, ActivationKind.Sigmoid) { Origin = f.Origin }),
        ["maxpool"] = new(["kernel", "stride", "pad", "ceil"], f => Pool(f, max: true)),
        ["avgpool"] = new(["kernel", "stride", "pad", "ceil"], f => Pool(f, max: false)),
        ["adaptive_avgpool"] = new(["out"], f =>
        {
            var (h, w) = f.Pair("out");
            return new AdaptiveAvgPoolLayer(f.Name, f.Inputs, h, w) { Origin = f.Origin };
        }),
        ["global_avgpool"] = new([], f => new AdaptiveAvgPoolLayer(f.Name, f.Inputs, 1, 1) { Origin = f.Origin }),
        ["lrn"] = new(["size"], f => new LrnLayer(f.Name, f.Inputs, f.Int("size", 5)) { Origin = f.Origin }),
        ["add"] = new([], f => new AddLayer(f.Name, f.Inputs) { Origin = f.Origin }),
        ["concat"] = new([], f => new ConcatLayer(f.Name, f.Inputs) { Origin = f.Origin }),
        ["flatten"] = new([], f => new FlattenLayer(f.Name, f.Inputs) { Origin = f.Origin }),
        ["softmax"] = new([], f => new SoftmaxLayer(f.Name, f.Inputs) { Origin = f.Origin }),
        ["layernorm"] = new(["stats"], f => new LayerNormLayer(f.Name, f.Inputs, f.Stats()) { Origin = f.Origin }),
        ["attention"] = new(["heads", "bias"], f => new AttentionLayer(f.Name, f.Inputs, f.Int("heads"), f.Bool("bias", true)) { Origin = f.Origin }),
        ["patch_embed"] = new(["patch", "dim", "bias"], f =>
            new PatchEmbedLayer(f.Name, f.Inputs, f.Int("patch"), f.Int("dim"), f.Bool("bias", true)) { Origin = f.Origin }),
        ["class_token"] = new([], f => new ClassTokenLayer(f.Name, f.Inputs) { Origin = f.Origin }),
        ["pos_embed"] = new([], f => new PositionEmbedLayer(f.Name, f.Inputs) { Origin = f.Origin }),
        ["select_token"] = new(["index"], f => new SelectTokenLayer(f.Name, f.Inputs, f.Int("index", 0)) { Origin = f.Origin }),
    };

    private static Layer Pool(LayerFields f, bool max)
    {
        var kernel = f.Int("kernel");
        return new PoolLayer(f.Name, f.Inputs, max, kernel, f.Int("stride", kernel), f.Int("pad", 0), f.Bool("ceil", false)) { Origin = f.Origin };
    }
}

/// <summary>A layer's fields after argument substitution, with typed, error-reporting accessors.</summary>
internal sealed class LayerFields(YMap map, string name, IReadOnlyList<string> inputs, string origin, LayerNormStats layerNormStats)
{
    public string Name { get; } = name;
    public IReadOnlyList<string> Inputs { get; } = inputs;
    public string Origin { get; } = origin;

    public bool Has(string key) => map.Has(key);

    public int Int(string key) => map.Require(key).AsInt();

    public int Int(string key, int fallback) => map.GetInt(key, fallback);

    public bool Bool(string key, bool fallback) => map.GetBool(key, fallback);

    /// <summary>A LayerNorm's <c>stats</c> field, or the design's default.</summary>
    public LayerNormStats Stats() => map.Get("stats") is { } node ? ParseStats(node) : layerNormStats;

    public static LayerNormStats ParseStats(YNode node) => node.AsString() switch
    {
        "runtime" => LayerNormStats.Runtime,
        "stored" => LayerNormStats.Stored,
        var v => throw node.Error($"stats: expected runtime (mean and variance of each row at run time) or stored (moving statistics saved in training), got '{v}'"),
    };

    /// <summary>A size given as one number (square) or as [height, width].</summary>
    public (int, int) Pair(string key)
    {
        var node = map.Require(key);
        if (node is YScalar) return (node.AsInt(), node.AsInt());
        var items = node.AsSeq().Items;
        if (items.Count != 2) throw node.Error($"field '{key}': expected one number or [height, width], got {items.Count} values");
        return (items[0].AsInt(), items[1].AsInt());
    }
}
