namespace FpgaGen.Model;

/// <summary>
/// A network as a list of layers in evaluation order (each layer's inputs come earlier), with shapes and counts
/// inferred. Build it with <see cref="Build"/>, which reports any inconsistency as an <see cref="InputException"/>.
/// </summary>
public sealed class Network
{
    /// <summary>The name layers use to refer to the network's input tensor.</summary>
    public const string InputName = "input";

    private readonly Dictionary<string, Layer> byName;

    private Network(string name, Shape input, IReadOnlyList<Layer> layers, string? source)
    {
        Name = name;
        Input = input;
        Layers = layers;
        Source = source;
        byName = layers.ToDictionary(l => l.Name);
    }

    public string Name { get; }
    public Shape Input { get; }
    public IReadOnlyList<Layer> Layers { get; }

    /// <summary>The file the network came from, if any.</summary>
    public string? Source { get; }

    /// <summary>Published reference figures to compare with (from the design file), if any.</summary>
    public ReferenceFigures? Reference { get; private init; }

    public Layer this[string name] => byName[name];

    public long Macs => Layers.Sum(l => l.Macs);
    public long Params => Layers.Sum(l => l.Params);

    /// <summary>Layers that read the output of <paramref name="layer"/>.</summary>
    public IEnumerable<Layer> Consumers(Layer layer) => Layers.Where(l => l.Inputs.Contains(layer.Name));

    /// <summary>
    /// The same network with every LayerNorm's statistics set to <paramref name="stats"/> (the network-wide
    /// <c>--layernorm</c> what-if, e.g. a pre-trained ViT as if trained with stored statistics); the network itself
    /// when nothing changes. Other layers are shared with this network: their shapes and counts bind the same.
    /// </summary>
    public Network WithLayerNormStats(LayerNormStats stats)
    {
        if (Layers.All(l => l is not LayerNormLayer ln || ln.Stats == stats)) return this;
        var layers = Layers.Select(l => l is LayerNormLayer ln && ln.Stats != stats ? new LayerNormLayer(ln.Name, ln.Inputs, stats) { Origin = ln.Origin, Precision = ln.Precision } : l).ToList();
        return Build(Name, Input, layers, Source, Reference);
    }

    public static Network Build(string name, Shape input, IReadOnlyList<Layer> layers, string? source = null, ReferenceFigures? reference = null)
    {
        var shapes = new Dictionary<string, Shape> { [InputName] = input };
        foreach (var layer in layers)
        {
            string Where() => $"{layer.Origin ?? source ?? name}: layer '{layer.Name}' ({layer.Kind})";
            if (layer.Name == InputName || shapes.ContainsKey(layer.Name))
                throw new InputException($"{Where()}: the name '{layer.Name}' is already used; layer names must be unique");
            if (layer.Arity > 0 && layer.Inputs.Count != layer.Arity)
                throw new InputException($"{Where()}: takes {layer.Arity} input(s), got {layer.Inputs.Count}");
            if (layer.Arity == 0 && layer.Inputs.Count < 2)
                throw new InputException($"{Where()}: needs two or more inputs, got {layer.Inputs.Count}");
            var inputShapes = new List<Shape>();
            foreach (var i in layer.Inputs)
            {
                if (!shapes.TryGetValue(i, out var s))
                    throw new InputException($"{Where()}: input '{i}' is not defined before this layer (expected '{InputName}' or an earlier layer's name)");
                inputShapes.Add(s);
            }
            try
            {
                layer.Bind(inputShapes);
            }
            catch (ShapeException e)
            {
                throw new InputException($"{Where()}: {e.Message}");
            }
            catch (OverflowException)
            {
                throw new InputException($"{Where()}: sizes too large: its element, MAC or parameter counts overflow 64-bit integers");
            }
            shapes[layer.Name] = layer.Output;
        }
        if (layers.Count == 0) throw new InputException($"{source ?? name}: the network has no layers");
        try
        {
            long macs = 0, parameters = 0;
            foreach (var l in layers) (macs, parameters) = (checked(macs + l.Macs), checked(parameters + l.Params));
        }
        catch (OverflowException)
        {
            throw new InputException($"{source ?? name}: network totals overflow 64-bit integers (sizes too large)");
        }
        return new Network(name, input, layers, source) { Reference = reference };
    }
}

/// <summary>Published figures of the reference implementation (e.g. torchvision) for the same network.</summary>
public sealed record ReferenceFigures(long? Params, double? GMacs, string Source);
