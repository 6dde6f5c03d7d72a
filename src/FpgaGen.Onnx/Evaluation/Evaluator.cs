namespace FpgaGen.Onnx;

/// <summary>
/// Shape inference with constant folding over a validated graph. Every tensor gets a <see cref="Value"/>: the shape
/// (batch axis included) and, where it does not depend on the input and is small, the values. PyTorch computes
/// reshape targets at run time (Shape, Gather, Unsqueeze, Concat...); folding them here turns those into constants
/// the lowering can read. An operator the importer does not know stops here, naming the node.
/// </summary>
internal sealed partial class Evaluator
{
    /// <summary>Folded results larger than this keep their shape only.</summary>
    private const int MaxFoldedElements = OnnxReader.MaxKeptElements;

    private readonly Dictionary<string, Value> values;
    private readonly int opset;

    public Evaluator(Dictionary<string, Value> known, int opset)
    {
        values = known;
        this.opset = opset;
    }

    public IReadOnlyDictionary<string, Value> Values => values;

    public Value this[string tensor] => values[tensor];

    public void Run(OnnxGraph graph)
    {
        foreach (var node in graph.Nodes)
        {
            node.CheckAttributes(Operators.Attributes(node));
            if (node.Outputs.Count == 0) throw node.Error("has no outputs");
            Value[] results;
            try
            {
                results = Infer(node);
            }
            catch (OverflowException)
            {
                throw node.Error("its sizes overflow 64-bit integers");
            }
            for (var i = 0; i < node.Outputs.Count && i < results.Length; i++)
                if (node.Outputs[i].Length > 0) values[node.Outputs[i]] = results[i];
            for (var i = results.Length; i < node.Outputs.Count; i++)
                if (node.Outputs[i].Length > 0)
                    throw node.Error($"output {i} ('{node.Outputs[i]}') is not supported (the operator has {results.Length} output(s) here)");
        }
    }

    private Value[] Infer(OnnxNode n) => n.OpType switch
    {
        "Constant" => [Constant(n)],
        "Identity" => [Same(In(n, 0))],
        "Dropout" => Dropout(n),
        "Cast" => [Cast(n)],
        "Shape" => [ShapeOf(n)],
        "Gather" => [Gather(n)],
        "Unsqueeze" => [Unsqueeze(n)],
        "Squeeze" => [Squeeze(n)],
        "Concat" => [Concat(n)],
        "ConstantOfShape" => [ConstantOfShape(n)],
        "Expand" => [Expand(n)],
        "Slice" => [Slice(n)],
        "Split" => Split(n),
        "Reshape" => [Reshape(n)],
        "Flatten" => [Flatten(n)],
        "Transpose" => [Transpose(n)],
        "Range" => [Range(n)],
        "Add" or "Sub" or "Mul" or "Div" or "Pow" or "Equal" => [Binary(n)],
        "Where" => [Where(n)],
        "Relu" or "Sigmoid" or "Erf" or "Sqrt" or "Neg" => [Unary(n)],
        "Clip" => [Clip(n)],
        "Softmax" => [Same(In(n, 0))],
        "ReduceMean" => [ReduceMean(n)],
        "Conv" => [Conv(n)],
        "MaxPool" or "AveragePool" => Pool(n),
        "GlobalAveragePool" => [GlobalPool(n)],
        "BatchNormalization" => BatchNorm(n),
        "LayerNormalization" => LayerNorm(n),
        "Gemm" => [Gemm(n)],
        "MatMul" => [MatMul(n)],
        "QuantizeLinear" => [QuantizeLinear(n)],
        "DequantizeLinear" => [DequantizeLinear(n)],
        "QLinearConv" => [QLinearConv(n)],
        "QLinearMatMul" => [QLinearMatMul(n)],
        _ => throw Operators.UnsupportedOperator(n),
    };

    private Value In(OnnxNode n, int i) =>
        n.Input(i) is { } name ? values[name] : throw n.Error($"input {i} is missing");

    private Value? Optional(OnnxNode n, int i) => n.Input(i) is { } name ? values[name] : null;

    /// <summary>A constant input whose values the importer needs (a shape, axes, a bound).</summary>
    private Value Known(OnnxNode n, int i, string what)
    {
        var v = In(n, i);
        if (v.HasData && v.Count == 0 && what is "minimum" or "maximum" or "start" or "limit" or "delta" or "training mode")
            throw n.Error($"the {what} (input {i}, '{n.Inputs[i]}') is an empty tensor");
        return v.HasData ? v : throw n.Error($"the {what} (input {i}, '{n.Inputs[i]}') must be a constant known when importing; it is computed from {(v.IsActivation ? "the network input" : "weights")}");
    }

    /// <summary>
    /// The result of an operator over <paramref name="inputs"/>: an activation if any input is one; otherwise folded
    /// by <paramref name="fold"/> when every input is a constant and the result is small; otherwise static.
    /// </summary>
    private static Value Result(long[] dims, DataType type, IReadOnlyList<Value?> inputs, Func<Value>? fold = null)
    {
        var present = inputs.Where(v => v is not null).Select(v => v!).ToList();
        if (present.Any(v => v.IsActivation)) return new Value(dims, type, ValueKind.Activation);
        var elements = dims.Aggregate(1L, (a, d) => a * d);
        if (fold is not null && present.All(v => v.HasData) && elements <= MaxFoldedElements) return fold();
        return new Value(dims, type, ValueKind.Static) { Learned = present.Any(v => v.Learned) };
    }

    private static Value Same(Value x) => x with { };

    /// <summary>An axis attribute or input, negative counting from the end, checked against the rank.</summary>
    private static int Axis(OnnxNode n, long axis, int rank, string what = "axis")
    {
        var a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) throw n.Error($"{what} {axis} is outside a tensor of rank {rank}");
        return (int)a;
    }

    private static long Product(IEnumerable<long> dims) => dims.Aggregate(1L, (a, d) => checked(a * d));
}
