using FpgaGen.Model;

namespace FpgaGen.Onnx;

// One ONNX node (outside the fused patterns) to one IR layer, or to an alias when it computes nothing.
internal sealed partial class Lowering
{
    private void LowerNode(OnnxNode n)
    {
        var where = $"{file}: {n.Describe}";
        var name = ModuleName(n);
        string X() => Act(n, n.Inputs[0]);
        void Emit(Func<string, Layer> make, int output = 0)
        {
            Layer layer;
            try { layer = make(UniqueName(name)); }
            catch (ShapeException e) { throw n.Error(e.Message); }
            Add(layer, n.Outputs[output], where);
            RecordParameters(n, layer);
            Quantize(n, layer, ActivationInputs(n), WeightInput(n), n.Outputs[output]);
        }

        switch (n.OpType)
        {
            case "Identity" or "Dropout" or "Cast":
                Alias(n, n.Outputs[0], n.Inputs[0]);
                break;
            case "Relu":
                Emit(l => new ActivationLayer(l, [X()], ActivationKind.Relu) { Origin = where });
                break;
            case "Sigmoid":
                Emit(l => new ActivationLayer(l, [X()], ActivationKind.Sigmoid) { Origin = where });
                break;
            case "Clip":
                var kind = ClipKind(n);
                Emit(l => new ActivationLayer(l, [X()], kind) { Origin = where });
                break;
            case "Conv":
                Emit(l => Conv(n, l, X(), where));
                break;
            case "MaxPool" or "AveragePool":
                if (n.Outputs.Count > 1 && n.Outputs[1].Length > 0 && g.Graph.ConsumersOf(n.Outputs[1]).Count + (g.Graph.IsGraphOutput(n.Outputs[1]) ? 1 : 0) > 0)
                    throw n.Error("the Indices output is used; only pooled values are supported");
                Emit(l => Pool(n, l, X(), where));
                break;
            case "GlobalAveragePool":
                RequireRank(n, 4, "a feature map [batch, channels, height, width]");
                Emit(l => new AdaptiveAvgPoolLayer(l, [X()], 1, 1) { Origin = where });
                break;
            case "ReduceMean":
                GlobalMean(n, where);
                break;
            case "BatchNormalization":
                // Kept as its own layer, as in designs/*.yaml: the IR counts PyTorch's parameters (scale and shift),
                // and the hardware generator folds the normalization into the preceding convolution.
                Emit(l => new BatchNormLayer(l, [X()]) { Origin = where });
                Counts["batchnorm"] = Counts.GetValueOrDefault("batchnorm") + 1;
                Counts["batchnorm_channels"] = Counts.GetValueOrDefault("batchnorm_channels") + (int)In(n, 0).Dims[1];
                break;
            case "LayerNormalization":
                var x = In(n, 0);
                if (n.Int("axis", -1) is var axis && axis != -1 && axis != x.Rank - 1)
                    throw n.Unsupported("axis", axis.ToString(), "only normalization over the last axis (features) is supported");
                if (n.Float("epsilon", 1e-5f) is var epsilon && epsilon > 1.001e-5f)
                    throw n.Unsupported("epsilon", epsilon.ToString("G", System.Globalization.CultureInfo.InvariantCulture),
                        "the accelerator's LayerNorm has a fixed ε; only the default (1e-5) or smaller is supported");
                Emit(l => new LayerNormLayer(l, [X()]) { Origin = where });
                break;
            case "Gemm":
                Emit(l => Gemm(n, l, where));
                break;
            case "MatMul":
                Emit(l => MatMul(n, l, where));
                break;
            case "Add" or "Sub" or "Mul" or "Div":
                Emit(l => Arithmetic(n, l, where));
                break;
            case "Softmax":
                var rank = In(n, 0).Rank;
                var softAxis = n.Int("axis", g.SoftmaxDefaultAxis);
                if (softAxis != -1 && softAxis != rank - 1)
                    throw n.Unsupported("axis", softAxis.ToString(), "only softmax over the last axis is supported");
                Emit(l => new SoftmaxLayer(l, [X()]) { Origin = where });
                break;
            case "Flatten" or "Reshape" or "Squeeze":
                Reshape(n, where, Emit);
                break;
            case "Transpose":
                var perm = n.Ints("perm") ?? Enumerable.Range(0, In(n, 0).Rank).Reverse().Select(i => (long)i).ToArray();
                if (perm.Where((p, i) => p != i).Any())
                    throw n.Unsupported("perm", Window.List(perm), "transposing an activation is supported only inside the patch-embedding and attention patterns");
                Alias(n, n.Outputs[0], n.Inputs[0]);
                break;
            case "Concat":
                Emit(l => Concat(n, l, where));
                break;
            case "Split":
                Split(n, where);
                break;
            case "Slice":
                Emit(l => Slice(n, l, where));
                break;
            case "Gather":
                Emit(l => Gather(n, l, where));
                break;
            case "QuantizeLinear" or "DequantizeLinear" or "QLinearConv" or "QLinearMatMul":
                LowerQuantNode(n, where, Emit);
                break;
            case "Erf":
                throw n.Error("Erf on activations is supported only inside a GELU, x * 0.5 * (1 + erf(x / sqrt(2)))");
            case "Pow" or "Sqrt":
                throw n.Error($"{n.OpType} on activations is supported only inside a decomposed LayerNorm (ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div, Mul, Add)");
            default:
                throw n.Error($"operator {n.OpType} on activations (values computed from the network input) is not supported; it is supported in constant shape computations only");
        }
    }

    private Value In(OnnxNode n, int i) => values[n.Inputs[i]];

    private static readonly HashSet<string> ModuleOps =
        ["Conv", "BatchNormalization", "LayerNormalization", "Gemm", "MaxPool", "AveragePool", "GlobalAveragePool", "Relu", "Sigmoid", "Clip", "Softmax"];

    /// <summary>
    /// PyTorch names a node after its module path plus the operator ("/layer1/layer1.0/conv1/Conv"); for operators
    /// that are a whole module the layer takes the module's name ("layer1/layer1.0/conv1"), as fused groups do.
    /// </summary>
    private static string ModuleName(OnnxNode n)
    {
        var cut = n.Name.LastIndexOf('/');
        return cut > 0 && ModuleOps.Contains(n.OpType) && n.Name[(cut + 1)..] == n.OpType ? n.Name[..cut] : n.Name;
    }

    private void RequireRank(OnnxNode n, int rank, string what)
    {
        if (In(n, 0).Rank != rank) throw n.Error($"expects {what}, got {In(n, 0).ShapeText}");
    }

    private ActivationKind ClipKind(OnnxNode n)
    {
        var (min, max) = values.ClipBounds(n);
        if (min == 0 && max == 6) return ActivationKind.Relu6;
        if (min == 0 && double.IsPositiveInfinity(max)) return ActivationKind.Relu;
        throw n.Error($"Clip to [{min}, {max}] is not supported: only [0, 6] (ReLU6) and [0, +inf) (ReLU)");
    }

    private Layer Conv(OnnxNode n, string name, string input, string where)
    {
        RequireRank(n, 4, "a 2-D convolution input [batch, channels, height, width]");
        var w = values.Windows[n];
        if (w.Strides[0] != w.Strides[1]) throw n.Unsupported("strides", Window.List(w.Strides), "only equal strides on both axes are supported");
        if (w.Dilations[0] != w.Dilations[1]) throw n.Unsupported("dilations", Window.List(w.Dilations), "only equal dilations on both axes are supported");
        if (!w.PadBegin.SequenceEqual(w.PadEnd)) throw n.Unsupported("pads", Window.List(w.PadBegin.Concat(w.PadEnd)), "only symmetric padding is supported");
        var weights = In(n, 1);
        return new ConvLayer(name, [input], (int)weights.Dims[0], (int)w.Kernel[0], (int)w.Kernel[1], (int)w.Strides[0],
            (int)w.PadBegin[0], (int)w.PadBegin[1], (int)w.Dilations[0], (int)n.Int("group", 1), bias: n.Input(2) is not null) { Origin = where };
    }

    private Layer Pool(OnnxNode n, string name, string input, string where)
    {
        RequireRank(n, 4, "a 2-D pooling input [batch, channels, height, width]");
        var w = values.Windows[n];
        if (w.Kernel[0] != w.Kernel[1]) throw n.Unsupported("kernel_shape", Window.List(w.Kernel), "only square pooling windows are supported");
        if (w.Strides[0] != w.Strides[1]) throw n.Unsupported("strides", Window.List(w.Strides), "only equal strides on both axes are supported");
        if (w.Dilations.Any(d => d != 1)) throw n.Unsupported("dilations", Window.List(w.Dilations), "only undilated pooling is supported");
        if (w.PadBegin.Concat(w.PadEnd).Distinct().Count() > 1) throw n.Unsupported("pads", Window.List(w.PadBegin.Concat(w.PadEnd)), "only equal padding on all sides is supported");
        if (n.OpType == "AveragePool" && w.PadBegin[0] > 0 && n.Int("count_include_pad", 0) == 0)
            throw n.Unsupported("count_include_pad", "0", "padded average pooling divides by the whole window, padding included (count_include_pad = 1, as in PyTorch)");
        return new PoolLayer(name, [input], n.OpType == "MaxPool", (int)w.Kernel[0], (int)w.Strides[0], (int)w.PadBegin[0], w.Ceil) { Origin = where };
    }

    /// <summary>ReduceMean over height and width: global average pooling as TensorFlow exporters write it.</summary>
    private void GlobalMean(OnnxNode n, string where)
    {
        var x = In(n, 0);
        var axes = (n.Ints("axes") ?? []).Select(a => a < 0 ? a + x.Rank : a).Order().ToArray();
        if (x.Rank != 4 || !axes.SequenceEqual([2L, 3L]))
            throw n.Error("ReduceMean on activations is supported only over the spatial axes (global average pooling) or inside a decomposed LayerNorm");
        var pool = new AdaptiveAvgPoolLayer(UniqueName(n.Name), [Act(n, n.Inputs[0])], 1, 1) { Origin = where };
        if (n.Int("keepdims", 1) != 0)
        {
            Add(pool, n.Outputs[0], where);
            return;
        }
        Layers.Add(pool);
        Add(new FlattenLayer(UniqueName(n.Name + "/flatten"), [pool.Name]) { Origin = where }, n.Outputs[0], where);
    }
}
