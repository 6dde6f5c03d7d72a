using FpgaGen.Model;

namespace FpgaGen.Onnx;

// Quantized models, both forms ONNX exporters write:
//  - QDQ: QuantizeLinear/DequantizeLinear pairs around float operators (PyTorch's fake-quantize export, ONNX Runtime's
//    quantizer in QDQ format). On activations they are the identity in value layout; what they say is recorded: the
//    tensor between them is int8 with that scale and zero point. A Conv/Gemm/MatMul whose input and weights both come
//    through DequantizeLinear from 8-bit integers is an int8 layer.
//  - Operators: QLinearConv/QLinearMatMul on quantized tensors between a QuantizeLinear and a DequantizeLinear.
// Layers the model leaves in float (typically the first convolution and the classifier) keep no precision of their
// own and run at the network's data type; layers between int8 layers (ReLU, pooling, residual adds) are int8 too.
internal sealed partial class Lowering
{
    /// <summary>Activation tensors (ONNX names) in the integer domain, and their quantization.</summary>
    private readonly Dictionary<string, TensorQuantization> quantized = new();

    /// <summary>ONNX tensors computed by int8 layers (or dequantized from int8): a layer fed only by them is int8.</summary>
    private readonly HashSet<string> int8Domain = [];

    private void LowerQuantNode(OnnxNode n, string where, Action<Func<string, Layer>, int> emit)
    {
        switch (n.OpType)
        {
            case "QuantizeLinear" or "DequantizeLinear":
                // An identity on the tensor's layout: the layer before writes the value the layer after reads.
                var q = Quantization(n, 1, 2, n.OpType == "QuantizeLinear" ? values[n.Outputs[0]].Type : In(n, 0).Type);
                if (q.Bits > 8) throw n.Error($"quantizes activations to {q.Bits} bits; only 8-bit activations are supported");
                Counts["qdq"] = Counts.GetValueOrDefault("qdq") + 1;
                if (n.OpType == "QuantizeLinear" && quantized.TryGetValue(n.Inputs[0], out var from) && !SameStorage(from, q))
                {
                    // The tensor is already quantized (a DequantizeLinear, maybe a ReLU or reshape, before): quantizing
                    // it at other parameters rounds again, a layer of its own (the first reader of the output below
                    // then finds it in `quantized` at the new parameters).
                    if (from.PerChannel || q.PerChannel) throw n.Error("requantizes a tensor per channel; only per-tensor activations are supported");
                    quantized[n.Outputs[0]] = q;
                    int8Domain.Add(n.Outputs[0]);
                    emit(l => new RequantizeLayer(l, [Act(n, n.Inputs[0])], from, q) { Origin = where }, 0);
                    Counts["requantize"] = Counts.GetValueOrDefault("requantize") + 1;
                    break;
                }
                ir[n.Outputs[0]] = Act(n, n.Inputs[0]);
                quantized[n.Outputs[0]] = q;
                int8Domain.Add(n.Outputs[0]);
                break;
            case "QLinearConv":
                var w = In(n, 3);
                var window = values.Windows[n];
                if (!window.PadBegin.SequenceEqual(window.PadEnd)) throw n.Unsupported("pads", Window.List(window.PadBegin.Concat(window.PadEnd)), "only symmetric padding is supported");
                if (window.Strides[0] != window.Strides[1]) throw n.Unsupported("strides", Window.List(window.Strides), "only equal strides on both axes are supported");
                if (window.Dilations[0] != window.Dilations[1]) throw n.Unsupported("dilations", Window.List(window.Dilations), "only equal dilations on both axes are supported");
                emit(l => new ConvLayer(l, [Act(n, n.Inputs[0])], (int)w.Dims[0], (int)window.Kernel[0], (int)window.Kernel[1], (int)window.Strides[0],
                    (int)window.PadBegin[0], (int)window.PadBegin[1], (int)window.Dilations[0], (int)n.Int("group", 1), bias: n.Input(8) is not null) { Origin = where }, 0);
                Counts["qlinear"] = Counts.GetValueOrDefault("qlinear") + 1;
                break;
            case "QLinearMatMul":
                if (!g.IsActivation(n.Inputs[0]) || g.IsActivation(n.Inputs[3]))
                    throw n.Error("multiplies two activations (or weights by an activation); only activation x weights is supported");
                var b = In(n, 3);
                if (b.Rank != 2) throw n.Error($"weights of shape {b.ShapeText}: only a weight matrix is supported");
                emit(l => new LinearLayer(l, [Act(n, n.Inputs[0])], (int)b.Dims[1], bias: false) { Origin = where }, 0);
                Counts["qlinear"] = Counts.GetValueOrDefault("qlinear") + 1;
                break;
        }
    }

    /// <summary>
    /// After a node became <paramref name="layer"/>: its precision and quantization from the tensors around it.
    /// <paramref name="inputs"/>, <paramref name="weights"/>: the ONNX tensors of the activation and weight operands.
    /// </summary>
    private void Quantize(OnnxNode last, Layer layer, IReadOnlyList<string> inputs, string? weights, string output)
    {
        if (last.OpType is "QLinearConv" or "QLinearMatMul")
        {
            var outType = values[output].Type;
            layer.Quantization = new LayerQuantization(Quantization(last, 1, 2, In(last, 0).Type), Quantization(last, 4, 5, In(last, 3).Type, 0),
                Quantization(last, 6, 7, outType));
            layer.Precision = Precision.Int8;
            var q = layer.Quantization;
            Param(layer, "weight", last.Input(3), transposed: last.OpType == "QLinearMatMul");
            Param(layer, "bias", last.Input(8));
            DequantizeParams(layer, last, q);
        }
        else if (weights is not null)
        {
            // A MAC layer: int8 when the input activation and the weights are both dequantized 8-bit integers.
            var w = DequantizedWeights(weights);
            if (w is not null && quantized.TryGetValue(inputs[0], out var x) && w.Bits <= 8)
            {
                layer.Quantization = new LayerQuantization(x, w, Requantized(output));
                layer.Precision = Precision.Int8;
            }
        }
        else if (layer.Macs == 0 && inputs.Count > 0 && inputs.All(int8Domain.Contains))
        {
            layer.Precision = Precision.Int8;
            // ReLU, max pooling and reshapes keep the quantized values and so their scale; averages and sums are
            // requantized by the engine at the same scale (the model's next QuantizeLinear says otherwise if it has one).
            if (inputs.Count == 1 && quantized.TryGetValue(inputs[0], out var same)) quantized.TryAdd(output, same);
        }
        if (layer.Precision == Precision.Int8) int8Domain.Add(output);
    }

    /// <summary>
    /// The operator form holds the weights as integers and the bias as int32 at scale sx·sw[n], zero point 0 (ONNX
    /// QLinearConv): their parameters say so, so the weights reach the packer and the reference as a QDQ model's do,
    /// dequantized.
    /// </summary>
    private void DequantizeParams(Layer layer, OnnxNode last, LayerQuantization q)
    {
        var w = q.Weights;
        var dims = In(last, 3).Dims;
        // Per output channel: QLinearConv's weights [M, C/g, kh, kw] along axis 0, QLinearMatMul's [K, N] along axis 1.
        var stride = !w.PerChannel ? 1 : last.OpType == "QLinearConv" ? dims.Skip(1).Aggregate(1L, (a, d) => a * d) : 1;
        for (var i = 0; i < Parameters.Count; i++)
        {
            var p = Parameters[i];
            if (p.Name == $"{layer.Name}.weight") Parameters[i] = Dequantized(p, new IntegerTensor(w.Scales, w.ZeroPoints, stride));
            else if (p.Name == $"{layer.Name}.bias")
                Parameters[i] = Dequantized(p, new IntegerTensor(w.Scales.Select(s => q.Input.Scales[0] * s).ToList(), [0], 1));
        }
    }

    private static OnnxParameter Dequantized(OnnxParameter p, IntegerTensor integers) =>
        p with { Dequantize = integers, Constant = p.Constant is { } c ? integers.Real(c) : null };

    /// <summary>Equal scale and stored range (q − zp): the same values, whatever the integer type says.</summary>
    private static bool SameStorage(TensorQuantization a, TensorQuantization b) => a.Scales[0] == b.Scales[0] && a.StoredRange == b.StoredRange;

    /// <summary>The quantization of weights that reach the layer through DequantizeLinear (of a QuantizeLinear of float weights, or of integers).</summary>
    private TensorQuantization? DequantizedWeights(string tensor)
    {
        if (g.Producer(tensor, "DequantizeLinear") is not { } dq || g.IsActivation(dq.Inputs[0])) return null;
        return Quantization(dq, 1, 2, In(dq, 0).Type, axisFallback: 1);
    }

    /// <summary>The quantization of a layer's output when a QuantizeLinear reads it (directly or after a fused ReLU).</summary>
    private TensorQuantization? Requantized(string tensor)
    {
        foreach (var user in g.Users(tensor))
        {
            if (user.OpType == "QuantizeLinear") return Quantization(user, 1, 2, values[user.Outputs[0]].Type);
            if (user.OpType == "Relu" && g.Users(user.Outputs[0]).FirstOrDefault(u => u.OpType == "QuantizeLinear") is { } q)
                return Quantization(q, 1, 2, values[q.Outputs[0]].Type);
        }
        return null;
    }

    /// <summary>Scale (input <paramref name="scaleInput"/>) and zero point (<paramref name="zeroInput"/>) of a quantizing node.</summary>
    private TensorQuantization Quantization(OnnxNode n, int scaleInput, int zeroInput, DataType type, int? axisFallback = null)
    {
        var scale = values[n.Inputs[scaleInput]];
        var zero = n.Input(zeroInput) is { } z ? values[z] : null;
        if (zero is not null && !zero.HasData) throw n.Error($"the zero point (input {zeroInput}) must be a constant known when importing");
        var perChannel = scale.Rank == 1 && scale.Elements > 1;
        int? axis = perChannel ? (int)n.Int("axis", axisFallback ?? 1) : null;
        if (n.OpType is "QLinearConv" or "QLinearMatMul" && perChannel) axis = n.OpType == "QLinearConv" ? 0 : 1;
        var scales = scale.AsDoubles();
        var zeros = zero?.AsInts() ?? new long[scales.Length];
        var (signed, bits) = type switch
        {
            DataType.Int8 => (true, 8),
            DataType.UInt8 => (false, 8),
            DataType.Int32 => (true, 32),
            _ => throw n.Error($"quantized type {type} is not supported (uint8 or int8)"),
        };
        return new TensorQuantization(scales, zeros, axis, signed, bits);
    }

    /// <summary>The ONNX tensors of a node's activation operands (what <see cref="Quantize"/> looks at).</summary>
    private IReadOnlyList<string> ActivationInputs(OnnxNode n) => n.Inputs.Where(i => i.Length > 0 && g.IsActivation(i)).ToList();

    /// <summary>The weight operand of a MAC node, if it has one (Conv, Gemm and MatMul input 1).</summary>
    private static string? WeightInput(OnnxNode n) => n.OpType is "Conv" or "Gemm" or "MatMul" ? n.Input(1) : null;
}
