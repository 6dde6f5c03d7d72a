namespace FpgaGen.Onnx;

/// <summary>Graph queries the pattern matchers share: producers, consumers that carry activations, constants.</summary>
internal sealed class PatternContext(OnnxGraph graph, Evaluator values, long batch, int opset)
{
    /// <summary>Softmax's axis when the attribute is absent: 1 before opset 13 (on the input flattened to 2-D), then -1.</summary>
    public long SoftmaxDefaultAxis { get; } = opset < 13 ? 1 : -1;

    public OnnxGraph Graph { get; } = graph;
    public long Batch { get; } = batch;

    public Value V(string tensor) => values[tensor];

    public bool IsActivation(string? tensor) => tensor is not null && values[tensor].IsActivation;

    public bool IsStatic(string? tensor) => tensor is not null && !values[tensor].IsActivation;

    public bool IsConst(string? tensor, double x) => tensor is not null && values[tensor].IsScalar(x);

    public OnnxNode? Producer(string tensor) => Graph.ProducerOf(tensor);

    /// <summary>The producer of <paramref name="tensor"/> if it has operator <paramref name="op"/>.</summary>
    public OnnxNode? Producer(string tensor, string op) => Graph.ProducerOf(tensor) is { } p && p.OpType == op ? p : null;

    /// <summary>Consumers that compute on the values; Shape and other nodes that only read the shape are left out.</summary>
    public IReadOnlyList<OnnxNode> Users(string tensor) =>
        Graph.ConsumersOf(tensor).Where(c => c.Outputs.Any(o => o.Length > 0 && values.Values.TryGetValue(o, out var v) && v.IsActivation)).ToList();

    /// <summary>The single user of <paramref name="tensor"/>, with operator <paramref name="op"/> when given.</summary>
    public OnnxNode? SoleUser(string tensor, string? op = null)
    {
        if (Graph.IsGraphOutput(tensor)) return null;
        var users = Users(tensor);
        return users.Count == 1 && (op is null || users[0].OpType == op) ? users[0] : null;
    }

    /// <summary>For a two-input node fed by <paramref name="tensor"/>, the other input.</summary>
    public static string? Other(OnnxNode n, string tensor) =>
        n.Inputs.Count == 2 && n.Inputs[0] == tensor ? n.Inputs[1] : n.Inputs.Count == 2 && n.Inputs[1] == tensor ? n.Inputs[0] : null;

    /// <summary>
    /// True when nothing outside <paramref name="region"/> reads a tensor its nodes compute, apart from
    /// <paramref name="output"/> (and shape queries, which constant folding has already answered).
    /// </summary>
    public bool Closed(IReadOnlyCollection<OnnxNode> region, string output)
    {
        foreach (var node in region)
            foreach (var t in node.Outputs.Where(o => o.Length > 0 && o != output))
                if (Graph.IsGraphOutput(t) || Users(t).Any(u => !region.Contains(u))) return false;
        return true;
    }

    /// <summary>A Reshape, Transpose, Squeeze, Unsqueeze, Flatten or no-op: moves an activation, computes nothing.</summary>
    public bool IsLayout(OnnxNode n) =>
        n.OpType is "Reshape" or "Transpose" or "Squeeze" or "Unsqueeze" or "Flatten" or "Identity" or "Dropout" && IsActivation(n.Input(0));
}
