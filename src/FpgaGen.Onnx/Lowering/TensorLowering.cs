using FpgaGen.Model;

namespace FpgaGen.Onnx;

// Matrix products, arithmetic and the operators that regroup activations.
internal sealed partial class Lowering
{
    private Layer Gemm(OnnxNode n, string name, string where)
    {
        if (n.Int("transA", 0) != 0) throw n.Unsupported("transA", "1", "the activation must be the left operand, untransposed");
        if (g.IsActivation(n.Inputs[1]) || g.IsActivation(n.Input(2)))
            throw n.Error("multiplies two activations; that is supported only inside an attention pattern");
        if (n.Input(2) is { } c && values[c].Dims.Reverse().Skip(1).Any(d => d != 1))
            throw n.Error($"the bias C {values[c].ShapeText} differs between rows (samples); only a bias per output feature (or a scalar) is supported");
        return new LinearLayer(name, [Act(n, n.Inputs[0])], (int)values[n.Outputs[0]].Dims[1], bias: n.Input(2) is not null) { Origin = where };
    }

    private Layer MatMul(OnnxNode n, string name, string where)
    {
        if (!g.IsActivation(n.Inputs[0]) || g.IsActivation(n.Inputs[1]))
            throw n.Error("multiplies two activations (or weights by an activation); only activation x weights is supported outside an attention pattern");
        var w = In(n, 1);
        if (w.Rank != 2) throw n.Error($"weights of shape {w.ShapeText}: only a weight matrix is supported");
        return new LinearLayer(name, [Act(n, n.Inputs[0])], (int)w.Dims[1], bias: false) { Origin = where };
    }

    /// <summary>
    /// Add, Sub, Mul, Div. Two activations of one shape add as a residual sum; a class of [1, T, D] weights added
    /// to tokens is a position embedding; everything else is an element-wise layer (learned operands counted).
    /// </summary>
    private Layer Arithmetic(OnnxNode n, string name, string where)
    {
        var (a, b) = (In(n, 0), In(n, 1));
        var op = Enum.Parse<ElementwiseOp>(n.OpType);
        if (a.IsActivation && b.IsActivation)
        {
            if (n.OpType == "Add" && a.Dims.SequenceEqual(b.Dims))
                return new AddLayer(name, [Act(n, n.Inputs[0]), Act(n, n.Inputs[1])]) { Origin = where };
            if (a.Rank != b.Rank || a.Dims[0] != b.Dims[0])
                throw n.Error($"combines activations of shapes {a.ShapeText} and {b.ShapeText}; only equal ranks broadcasting over size-1 axes are supported");
            return new ElementwiseLayer(name, [Act(n, n.Inputs[0]), Act(n, n.Inputs[1])], op) { Origin = where };
        }
        var (act, operand, actInput) = a.IsActivation ? (a, b, n.Inputs[0]) : (b, a, n.Inputs[1]);
        if (Indexing.BroadcastShape(act.Dims, operand.Dims) is not { } dims || !dims.SequenceEqual(act.Dims))
            throw n.Error($"the constant operand {operand.ShapeText} would enlarge the activation {act.ShapeText}; not supported");
        var tokens = act.Dims[1..];
        var operandDims = operand.Dims.SkipWhile((d, i) => d == 1 && operand.Rank - i > tokens.Length).ToArray();
        if (op == ElementwiseOp.Add && act.Rank == 3 && operand.Learned && operandDims.SequenceEqual(tokens))
        {
            Counts["pos_embed"] = Counts.GetValueOrDefault("pos_embed") + 1;
            return new PositionEmbedLayer(name, [Act(n, actInput)]) { Origin = where };
        }
        return new ElementwiseLayer(name, [Act(n, actInput)], op, operand.Learned ? operand.Elements : 0) { Origin = where };
    }

    /// <summary>Flatten, Reshape and Squeeze of an activation: a no-op, or a feature map flattened to a vector.</summary>
    private void Reshape(OnnxNode n, string where, Action<Func<string, Layer>, int> emit)
    {
        var (x, y) = (In(n, 0), values[n.Outputs[0]]);
        if (x.Dims.SequenceEqual(y.Dims))
        {
            Alias(n, n.Outputs[0], n.Inputs[0]);
            return;
        }
        if (y.Rank == 2 && y.Dims[0] == x.Dims[0] && x.Rank > 2)
        {
            emit(l => new FlattenLayer(l, [Act(n, n.Inputs[0])]) { Origin = where }, 0);
            return;
        }
        if (n.OpType == "Flatten") throw n.Unsupported("axis", n.Int("axis", 1).ToString(), "only flattening everything after the batch axis (axis 1) is supported");
        throw n.Error($"reshaping an activation from {x.ShapeText} to {y.ShapeText} is not supported (only flattening to [batch, features], or inside the patch-embedding and attention patterns)");
    }

    /// <summary>The IR axis ConcatLayer and SliceLayer work on, as an ONNX axis: channels (1) of a feature map, else the last.</summary>
    private static int JoinAxis(int onnxRank) => onnxRank == 4 ? 1 : onnxRank - 1;

    private int NormalizedAxis(OnnxNode n, long axis, int rank)
    {
        var a = axis < 0 ? axis + rank : axis;
        return a >= 0 && a < rank ? (int)a : throw n.Unsupported("axis", axis.ToString(), $"outside a tensor of rank {rank}");
    }

    private Layer Concat(OnnxNode n, string name, string where)
    {
        var parts = n.Inputs.Select(i => values[i]).ToList();
        var axis = NormalizedAxis(n, n.Int("axis", 0), parts[0].Rank);
        if (parts.All(p => p.IsActivation))
        {
            if (axis != JoinAxis(parts[0].Rank))
                throw n.Unsupported("axis", axis.ToString(), $"activations of rank {parts[0].Rank} concatenate only on axis {JoinAxis(parts[0].Rank)} (channels or features)");
            return new ConcatLayer(name, n.Inputs.Select(i => Act(n, i)).ToList()) { Origin = where };
        }
        // ViT: cat([class_token.expand(batch, -1, -1), tokens], dim=1) prepends one learned token.
        if (parts is [{ IsActivation: false, Dims: [_, 1, var d] }, { IsActivation: true, Dims: [_, _, var d2] }] && d == d2 && axis == 1)
        {
            Counts["class_token"] = Counts.GetValueOrDefault("class_token") + 1;
            return new ClassTokenLayer(name, [Act(n, n.Inputs[1])]) { Origin = where };
        }
        throw n.Error($"concatenates weights or constants {string.Join(", ", parts.Select(p => p.ShapeText))} with activations; only a class token prepended to tokens [batch, T, D] on axis 1 is supported");
    }

    private void Split(OnnxNode n, string where)
    {
        var x = In(n, 0);
        var axis = NormalizedAxis(n, n.Int("axis", 0), x.Rank);
        if (axis != JoinAxis(x.Rank))
            throw n.Unsupported("axis", axis.ToString(), $"activations of rank {x.Rank} split only on axis {JoinAxis(x.Rank)} (channels or features)");
        long start = 0;
        for (var k = 0; k < n.Outputs.Count; k++)
        {
            var output = n.Outputs[k];
            var length = values[output].Dims[axis];
            var used = output.Length > 0 && (g.Graph.ConsumersOf(output).Count > 0 || g.Graph.IsGraphOutput(output));
            if (used)
            {
                var layer = new SliceLayer(UniqueName($"{n.Name}/{k}"), [Act(n, n.Inputs[0])], (int)start, (int)length) { Origin = where };
                Add(layer, output, where);
            }
            start += length;
        }
    }

    private Layer Slice(OnnxNode n, string name, string where)
    {
        var (x, y) = (In(n, 0), values[n.Outputs[0]]);
        var (first, step) = values.SliceInfo[n];
        var axis = JoinAxis(x.Rank);
        for (var i = 0; i < x.Rank; i++)
            if (i != axis && y.Dims[i] != x.Dims[i] || step[i] != 1)
                throw n.Error($"slicing an activation from {x.ShapeText} to {y.ShapeText} is supported only as a contiguous range on axis {axis} (channels or features)");
        return new SliceLayer(name, [Act(n, n.Inputs[0])], (int)first[axis], (int)y.Dims[axis]) { Origin = where };
    }

    /// <summary>x[:, i] on tokens [batch, T, D]: ViT takes the class token for its head.</summary>
    private Layer Gather(OnnxNode n, string name, string where)
    {
        var (x, index) = (In(n, 0), In(n, 1));
        var axis = NormalizedAxis(n, n.Int("axis", 0), x.Rank);
        if (x.Rank != 3 || axis != 1 || !index.HasData || index.Rank != 0)
            throw n.Error($"gathering from an activation of shape {x.ShapeText} on axis {axis} is supported only as one token of a sequence [batch, T, D] (axis 1, a constant scalar index)");
        var i = index.IntAt(0) < 0 ? index.IntAt(0) + x.Dims[1] : index.IntAt(0);
        return new SelectTokenLayer(name, [Act(n, n.Inputs[0])], (int)i) { Origin = where };
    }
}
