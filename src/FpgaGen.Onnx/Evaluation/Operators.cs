namespace FpgaGen.Onnx;

/// <summary>The operators of the default ONNX domain the importer knows, with the attributes each may carry.</summary>
internal static class Operators
{
    public const int MinOpset = 6;
    public const int MaxOpset = 17;

    private static readonly string[] Pads = ["auto_pad", "kernel_shape", "pads", "strides"];

    // Attributes of opsets 6 to 17 (legacy ones such as 'broadcast', 'is_test' and 'spatial' included; their values
    // are checked where they change the meaning).
    private static readonly Dictionary<string, string[]> Known = new()
    {
        ["Constant"] = ["value", "value_float", "value_floats", "value_int", "value_ints", "value_string", "value_strings", "sparse_value"],
        ["Identity"] = [],
        ["Dropout"] = ["ratio", "seed", "is_test"],
        ["Cast"] = ["to"],
        ["Shape"] = ["start", "end"],
        ["Gather"] = ["axis"],
        ["Unsqueeze"] = ["axes"],
        ["Squeeze"] = ["axes"],
        ["Concat"] = ["axis"],
        ["ConstantOfShape"] = ["value"],
        ["Expand"] = [],
        ["Slice"] = ["starts", "ends", "axes"],
        ["Split"] = ["axis", "split"],
        ["Reshape"] = ["allowzero"],
        ["Flatten"] = ["axis"],
        ["Transpose"] = ["perm"],
        ["Range"] = [],
        ["Add"] = ["broadcast", "axis"],
        ["Sub"] = ["broadcast", "axis"],
        ["Mul"] = ["broadcast", "axis"],
        ["Div"] = ["broadcast", "axis"],
        ["Pow"] = [],
        ["Equal"] = [],
        ["Where"] = [],
        ["Relu"] = [],
        ["Sigmoid"] = [],
        ["Erf"] = [],
        ["Sqrt"] = [],
        ["Neg"] = [],
        ["Clip"] = ["min", "max"],
        ["Softmax"] = ["axis"],
        ["ReduceMean"] = ["axes", "keepdims"],
        ["Conv"] = [.. Pads, "dilations", "group"],
        ["MaxPool"] = [.. Pads, "ceil_mode", "dilations", "storage_order"],
        ["AveragePool"] = [.. Pads, "ceil_mode", "count_include_pad"],
        ["GlobalAveragePool"] = [],
        ["BatchNormalization"] = ["epsilon", "momentum", "spatial", "is_test", "training_mode"],
        ["LayerNormalization"] = ["axis", "epsilon", "stash_type"],
        ["Gemm"] = ["alpha", "beta", "transA", "transB", "broadcast"],
        ["MatMul"] = [],
        ["QuantizeLinear"] = ["axis"],
        ["DequantizeLinear"] = ["axis"],
        ["QLinearConv"] = [.. Pads, "dilations", "group"],
        ["QLinearMatMul"] = [],
    };

    public static IReadOnlyCollection<string> Attributes(OnnxNode n)
    {
        if (n.Message.Domain is not ("" or "ai.onnx")) throw UnsupportedOperator(n);
        return Known.TryGetValue(n.OpType, out var names) ? names : throw UnsupportedOperator(n);
    }

    public static InputException UnsupportedOperator(OnnxNode n) => n.Error(
        $"operator '{(n.Message.Domain is "" or "ai.onnx" ? "" : n.Message.Domain + ".")}{n.OpType}' is not supported " +
        $"(supported: {string.Join(", ", Known.Keys.Order())})");
}
