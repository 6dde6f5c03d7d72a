using FpgaGen.Model;

namespace FpgaGen.Onnx;

/// <summary>
/// Turns the evaluated graph into IR layers, in evaluation order. An activation tensor of ONNX shape
/// [batch, ...] is the output of the IR layer of shape [...]: [b, C, H, W] a feature map, [b, T, D] a token
/// sequence, [b, N] a vector. Nodes that only compute constants are gone (folded); no-ops become aliases; fused
/// groups become one layer at their last node; every other node maps to one layer (NodeLowering.cs, TensorLowering.cs).
/// </summary>
internal sealed partial class Lowering
{
    private readonly PatternContext g;
    private readonly Evaluator values;
    private readonly string file;

    /// <summary>ONNX activation tensor → name of the IR layer (or the network input) that produces it.</summary>
    private readonly Dictionary<string, string> ir = new();
    private readonly HashSet<string> names = [Network.InputName];
    private readonly List<(Layer Layer, string Tensor, string Where)> produced = [];

    public Lowering(PatternContext context, Evaluator values, string file)
    {
        g = context;
        this.values = values;
        this.file = file;
    }

    public List<Layer> Layers { get; } = [];

    /// <summary>How many groups of each fusion kind were found, how many no-ops were removed, and so on, for the notes.</summary>
    public Dictionary<string, int> Counts { get; } = new();

    public void Run(string dataInput, IReadOnlyList<Fusion> fusions)
    {
        ir[dataInput] = Network.InputName;
        var fusedBy = fusions.SelectMany(f => f.Nodes.Select(n => (n, f))).ToDictionary(p => p.n, p => p.f);
        foreach (var node in g.Graph.Nodes)
        {
            if (!node.Outputs.Any(o => o.Length > 0 && g.IsActivation(o))) continue;
            if (fusedBy.TryGetValue(node, out var fusion))
            {
                if (node == fusion.Last) Emit(fusion);
                continue;
            }
            LowerNode(node);
        }
    }

    /// <summary>Checks every layer's IR shape against the ONNX shape of the tensor it stands for.</summary>
    public void Verify()
    {
        foreach (var (layer, tensor, where) in produced)
        {
            var expected = values[tensor].Dims[1..];
            if (!layer.Output.Dims.Select(d => (long)d).SequenceEqual(expected))
                throw new InputException($"{where}: ONNX gives output shape [{string.Join(", ", expected)}] but the {layer.Kind} layer computes {layer.Output}; this attribute combination is not supported");
        }
    }

    private void Emit(Fusion f)
    {
        var first = f.Nodes.MinBy(n => n.Index)!;
        var name = UniqueName(CommonPrefix(f.Nodes.Select(n => n.Name)) is { Length: > 0 } prefix ? prefix : first.Name);
        var where = $"{file}: nodes '{first.Name}' to '{f.Last.Name}' ({f.Kind} pattern)";
        Layer layer;
        try { layer = f.Create(name, Act(f.Nodes[0], f.Input), where); }
        catch (ShapeException e) { throw new InputException($"{where}: {e.Message}"); }
        Add(layer, f.Output, where);
        RecordParameters(f, layer);
        Quantize(f.Last, layer, [f.Input], f.Kind == "linear" ? f.Nodes[0].Input(1) : null, f.Output);
        Counts[f.Kind] = Counts.GetValueOrDefault(f.Kind) + 1;
    }

    /// <summary>Adds a layer that stands for ONNX tensor <paramref name="tensor"/>.</summary>
    private void Add(Layer layer, string tensor, string where)
    {
        var v = values[tensor];
        if (v.Rank is < 2 or > 4 || v.Dims[0] != g.Batch)
            throw new InputException($"{where}: output shape {v.ShapeText} is not [batch {g.Batch}, then 1 to 3 axes]; FpgaGen layers work on one sample at a time");
        if (v.Dims.Any(d => d is <= 0 or > int.MaxValue))
            throw new InputException($"{where}: output shape {v.ShapeText} has an empty or oversized axis");
        Layers.Add(layer);
        ir[tensor] = layer.Name;
        produced.Add((layer, tensor, where));
    }

    /// <summary>The IR name of an activation input; every activation was lowered (or aliased) when it was produced.</summary>
    private string Act(OnnxNode n, string tensor)
    {
        if (ir.TryGetValue(tensor, out var name)) return name;
        if (!g.IsActivation(tensor))
            throw n.Error($"input '{tensor}' is a weight or constant {values[tensor].ShapeText} where FpgaGen expects an activation (for example a lookup of weights by activation indices, an embedding, is not supported)");
        throw n.Error($"input '{tensor}' comes from a part of the graph that has no FpgaGen equivalent");
    }

    private void Alias(OnnxNode n, string output, string input)
    {
        ir[output] = Act(n, input);
        if (int8Domain.Contains(input)) int8Domain.Add(output);
        if (quantized.TryGetValue(input, out var q)) quantized.TryAdd(output, q);
        Counts["removed"] = Counts.GetValueOrDefault("removed") + 1;
    }

    private string UniqueName(string wanted)
    {
        var name = wanted.TrimStart('/');
        if (name.Length == 0) name = "layer";
        var candidate = name;
        for (var i = 2; !names.Add(candidate); i++) candidate = $"{name}_{i}";
        return candidate;
    }

    /// <summary>The longest common '/'-separated prefix: PyTorch names nodes after their module path.</summary>
    private static string CommonPrefix(IEnumerable<string> names)
    {
        var parts = names.Select(n => n.Split('/')).ToList();
        var common = 0;
        while (parts.All(p => p.Length > common + 1 && p[common] == parts[0][common])) common++;
        return string.Join('/', parts[0][..common]).TrimStart('/');
    }
}
