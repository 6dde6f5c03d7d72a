using Google.Protobuf;

namespace FpgaGen.Onnx;

/// <summary>
/// Runs a small model entirely in the importer's evaluator, with every graph input given as a constant: the integer
/// semantics of the quantization operators (QuantizeLinear, DequantizeLinear, QLinearConv, QLinearMatMul) the
/// importer folds weights with, checked against ONNX's own backend node tests. Results larger than the evaluator
/// folds (4096 values) are refused.
/// </summary>
public static class OnnxConstantRun
{
    /// <summary>The graph outputs' values, in graph output order, from <paramref name="inputs"/> by graph input name.</summary>
    public static IReadOnlyList<OnnxTensor> Run(string path, IReadOnlyDictionary<string, OnnxTensor> inputs)
    {
        ModelMessage model;
        using (var stream = InputFile.OpenRead(path, InputFile.OnnxBytes, "ONNX model"))
        {
            try { model = OnnxReader.ReadModel(stream); }
            catch (Exception e) when (e is InvalidProtocolBufferException or CorruptModelException)
            {
                throw new InputException($"{path}: not a valid ONNX model: {e.Message}");
            }
        }
        var graph = model.Graph ?? throw new InputException($"{path}: not an ONNX model (no graph)");
        var opset = (int)model.Opsets.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(0).Max();
        if (opset < Operators.MinOpset || opset > Operators.MaxOpset)
            throw new InputException($"{path}: opset {opset} is not supported (FpgaGen reads opsets {Operators.MinOpset} to {Operators.MaxOpset})");
        var values = new Dictionary<string, Value>();
        foreach (var t in graph.Initializers)
        {
            var (ints, floats) = TensorData.Decode(t, $"initializer '{t.Name}'");
            values[t.Name] = new Value([.. t.Dims], t.DataType, ints is null && floats is null ? ValueKind.Static : ValueKind.Constant) { Ints = ints, Floats = floats };
        }
        foreach (var input in graph.Inputs.Where(i => !values.ContainsKey(i.Name)))
        {
            if (!inputs.TryGetValue(input.Name, out var t)) throw new InputException($"{path}: no value given for graph input '{input.Name}'");
            values[input.Name] = input.ElemType.IsFloat()
                ? Value.OfFloats(t.Dims, t.Values.Select(v => (double)v).ToArray(), input.ElemType)
                : Value.OfInts(t.Dims, t.Values.Select(v => (long)v).ToArray(), input.ElemType);
        }
        var validated = OnnxGraph.Build(graph, path, values.Keys.ToHashSet());
        var evaluator = new Evaluator(values, opset);
        evaluator.Run(validated);
        return graph.Outputs.Select(o =>
        {
            var v = evaluator[o.Name];
            if (!v.HasData) throw new InputException($"{path}: output '{o.Name}' {v.ShapeText} is not computed by the importer's evaluator (too large, or an operator it only infers shapes for)");
            return new OnnxTensor(o.Name, v.Dims, v.AsDoubles().Select(d => (float)d).ToArray());
        }).ToList();
    }
}
