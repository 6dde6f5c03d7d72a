using FpgaGen.Model;

namespace FpgaGen.Onnx;

/// <summary>
/// The values a graph starts from: initializers, the network input, and, in graph-only exports (PyTorch with
/// export_params=False), weights that are graph inputs with a shape but no initializer. The network input is the
/// first graph input without an initializer; exporters list the model's own inputs before the weights.
/// </summary>
internal sealed class ModelInputs
{
    public Dictionary<string, Value> Values { get; } = new();
    public string Data { get; private set; } = "";
    public Shape Shape { get; private set; } = null!;
    public long Batch { get; private set; }

    public static ModelInputs Read(GraphMessage graph, string path, List<string> notes)
    {
        var r = new ModelInputs();
        foreach (var t in graph.Initializers)
        {
            if (t.Dims.Any(d => d < 0)) throw new CorruptModelException($"initializer '{t.Name}' has a negative dimension");
            var (ints, floats) = TensorData.Decode(t, $"initializer '{t.Name}'");
            r.Values[t.Name] = new Value([.. t.Dims], t.DataType, ints is null && floats is null ? ValueKind.Static : ValueKind.Constant)
            {
                Ints = ints, Floats = floats, Learned = true,
            };
        }

        var free = graph.Inputs.Where(i => !r.Values.ContainsKey(i.Name)).ToList();
        if (free.Count == 0) throw new InputException($"{path}: the graph has no input without an initializer, so nothing to compute from");
        var data = free[0];
        r.Data = data.Name;
        r.ReadDataInput(data, path, notes);
        foreach (var w in free.Skip(1))
        {
            if (w.Shape is null || w.Shape.Any(d => d.Value is null or < 0))
                throw new InputException($"{path}: graph input '{w.Name}' (taken as weights) has no fixed shape; only the first input, the network's, may have a symbolic batch axis");
            r.Values[w.Name] = new Value(w.Shape.Select(d => d.Value!.Value).ToArray(), w.ElemType, ValueKind.Static) { Learned = true };
        }
        if (free.Count > 1)
            notes.Add($"graph-only export: {free.Count - 1} graph inputs without initializers are taken as weights, with the shapes their inputs declare");
        return r;
    }

    /// <summary>[batch, C, H, W], [batch, T, D] or [batch, N]; the batch axis may be symbolic and is taken as 1.</summary>
    private void ReadDataInput(ValueInfoMessage input, string path, List<string> notes)
    {
        var dims = input.Shape ?? throw new InputException($"{path}: network input '{input.Name}' has no shape");
        if (dims.Count is < 2 or > 4)
            throw new InputException($"{path}: network input '{input.Name}' has rank {dims.Count}; expected [batch, channels, height, width], [batch, tokens, features] or [batch, features]");
        var values = new long[dims.Count];
        for (var i = 0; i < dims.Count; i++)
        {
            if (dims[i].Value is > 0 and var v) values[i] = v;
            else if (i == 0) values[i] = 1;
            else throw new InputException($"{path}: network input '{input.Name}' axis {i} is {(dims[i].Param is { } name ? $"symbolic ('{name}')" : "unknown")}; only the batch axis may be");
            if (values[i] > int.MaxValue) throw new InputException($"{path}: network input '{input.Name}' axis {i} is too large ({values[i]})");
        }
        var perSample = values[1..].Aggregate(1.0, (a, v) => a * v);
        if (perSample > int.MaxValue)
            throw new InputException($"{path}: network input '{input.Name}' {string.Join("x", values[1..])} has {perSample:0.###e0} values per sample; at most {int.MaxValue} are supported");
        Values[input.Name] = new Value(values, input.ElemType, ValueKind.Activation);
        Batch = values[0];
        Shape = new Shape(values[1..].Select(v => (int)v).ToArray());
        notes.Add(dims[0].Value is > 0
            ? $"network input '{input.Name}' {string.Join("x", values)}: batch {values[0]} dropped, figures are per sample"
            : $"network input '{input.Name}': symbolic batch axis{(dims[0].Param is { } p ? $" '{p}'" : "")} taken as 1; figures are per sample");
    }
}
