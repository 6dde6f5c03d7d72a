using FpgaGen.Model;

namespace FpgaGen.Onnx;

/// <summary>
/// Multi-head self-attention as exporters unroll it, anchored on its Softmax:
/// <code>
///   X ─layout→ QKV projection(s) (MatMul/Gemm with weights, + bias) ─slice/split/reshape/transpose→ Q, K, V per head
///   S = softmax(scale · Q Kᵀ)    (the scale may be applied to Q, K or the scores: Mul/Div by a constant)
///   Y ←layout─ output projection ←reshape/transpose─ S V
/// </code>
/// PyTorch's nn.MultiheadAttention (torchvision ViT) packs Q, K and V into one projection, moves the batch axis
/// behind the tokens and merges it with the heads; Hugging Face-style models use three projections. Both match.
/// </summary>
internal static class AttentionPattern
{
    private const int MaxChain = 16;

    /// <summary>A weight product: MatMul(act, W) or Gemm(act, W, C), with a bias Add after a MatMul.</summary>
    private sealed record Projection(List<OnnxNode> Nodes, string Input, Value Weight, Value? Bias);

    public static Fusion? Match(PatternContext g, OnnxNode softmax)
    {
        var scores = g.V(softmax.Inputs[0]);
        var axis = softmax.Int("axis", g.SoftmaxDefaultAxis);
        if (scores.Rank < 3 || axis != -1 && axis != scores.Rank - 1) return null;
        var nodes = new List<OnnxNode> { softmax };

        // Scores = scale(Q Kᵀ); then the softmax output times V.
        var qk = Through(g, softmax.Inputs[0], nodes, scaleOnly: true);
        if (g.Producer(qk, "MatMul") is not { } qkNode || !g.IsActivation(qkNode.Input(0)) || !g.IsActivation(qkNode.Input(1))) return null;
        if (g.SoleUser(softmax.Outputs[0], "MatMul") is not { } avNode || avNode.Input(0) != softmax.Outputs[0] || !g.IsActivation(avNode.Input(1))) return null;
        nodes.Add(qkNode);
        nodes.Add(avNode);

        var sides = new[] { qkNode.Inputs[0], qkNode.Inputs[1], avNode.Inputs[1] }
            .Select(t => ProjectionOf(g, Through(g, t, nodes, scaleOnly: false))).ToList();
        if (sides.Any(p => p is null)) return null;
        var inputs = sides.Select(p => p!).DistinctBy(p => p.Nodes[^1]).ToList();
        if (inputs.Count is not (1 or 3) || inputs.Select(p => p.Input).Distinct().Count() != 1) return null;

        // The output projection, after the heads are merged back.
        var merged = Forward(g, avNode.Outputs[0], nodes);
        if (ProjectionAfter(g, merged) is not { } outProj) return null;

        // X and Y: the token sequences [batch, T, D] on either side, found through the layout nodes around the projections.
        var tokens = scores.Dims[^1];
        var before = Backward(g, inputs[0].Input).FirstOrDefault(c => g.V(c.Tensor).Dims is [var b, var t, _] && b == g.Batch && t == tokens);
        if (before.Tensor is null) return null;
        var x = g.V(before.Tensor);
        var after = ForwardChain(g, outProj.Nodes[^1].Outputs[0]).FirstOrDefault(c => g.V(c.Tensor).Dims.SequenceEqual(x.Dims));
        if (after.Tensor is null) return null;

        long d = x.Dims[2];
        var heads = scores.Dims[..^2].Aggregate(1L, (a, v) => a * v) / g.Batch;
        var headDim = g.V(avNode.Inputs[1]).Dims[^1];
        if (heads <= 0 || heads > int.MaxValue || d % heads != 0 || headDim != d / heads) return null;
        if (inputs.Sum(p => p.Weight.Elements) != 3 * d * d || outProj.Weight.Elements != d * d) return null;
        var biases = inputs.Append(outProj).Select(p => p.Bias is not null).Distinct().ToList();
        if (biases.Count != 1) return null;

        nodes.AddRange(inputs.SelectMany(p => p.Nodes));
        nodes.AddRange(outProj.Nodes);
        nodes.AddRange(before.Nodes);
        nodes.AddRange(after.Nodes);
        var region = nodes.Distinct().ToList();
        if (!g.Closed(region, after.Tensor)) return null;
        var bias = biases[0];
        return new Fusion("attention", region, before.Tensor, after.Tensor, (name, input, origin) => new AttentionLayer(name, [input], (int)heads, bias) { Origin = origin })
        {
            Parameters = Sources(g, inputs, outProj, bias, (int)d),
        };
    }

    /// <summary>
    /// Where the layer's in_proj_weight [3D, D], in_proj_bias, out_proj.weight and out_proj.bias (nn.MultiheadAttention's
    /// names and layouts) come from: one packed projection's tensors as they are, three separate ones (Q, K, V)
    /// stacked into the packed form from their values. Gemm's alpha and beta are taken as 1 (exporters write MatMul).
    /// </summary>
    private static List<FusedParameter> Sources(PatternContext g, List<Projection> inputs, Projection outProj, bool bias, int d)
    {
        var list = new List<FusedParameter>();
        if (inputs.Count == 1)
        {
            list.Add(Weight(inputs[0], "in_proj_weight"));
            if (bias) list.Add(Bias(g, inputs[0], "in_proj_bias"));
        }
        else
        {
            // [out, in] rows of Q, then K, then V: the packed matrix.
            var parts = inputs.Select(p => Weight(p, "")).ToList();
            list.Add(new FusedParameter("in_proj_weight", "", parts.All(w => w.Values is not null) ? parts.SelectMany(w => w.Transposed ? Transpose(w.Values!, d, d) : w.Values!).ToArray() : null));
            if (bias)
            {
                var biases = inputs.Select(p => Bias(g, p, "")).ToList();
                list.Add(new FusedParameter("in_proj_bias", "", biases.All(b => b.Values is not null) ? biases.SelectMany(b => b.Values!).ToArray() : null));
            }
        }
        list.Add(Weight(outProj, "out_proj.weight"));
        if (bias) list.Add(Bias(g, outProj, "out_proj.bias"));
        return list;
    }

    private static FusedParameter Weight(Projection p, string part)
    {
        var product = p.Nodes[0];
        // MatMul(x, W) and Gemm without transB hold the [in, out] matrix.
        var transposed = product.OpType == "MatMul" || product.Int("transB", 0) == 0;
        return new FusedParameter(part, product.Inputs[1], Floats(p.Weight), transposed);
    }

    private static FusedParameter Bias(PatternContext g, Projection p, string part)
    {
        var product = p.Nodes[0];
        var tensor = product.OpType == "Gemm" ? product.Input(2)! : PatternContext.Other(p.Nodes[1], product.Outputs[0])!;
        return new FusedParameter(part, tensor, Floats(g.V(tensor)));
    }

    private static float[]? Floats(Value v) => v.HasData ? v.AsDoubles().Select(x => (float)x).ToArray() : null;

    /// <summary>A row-major [rows, cols] matrix as its [cols, rows] transpose.</summary>
    private static float[] Transpose(float[] m, int rows, int cols)
    {
        var t = new float[m.Length];
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < cols; c++) t[c * rows + r] = m[r * cols + c];
        return t;
    }

    /// <summary>
    /// Walks back from <paramref name="tensor"/> through layout nodes, slices and splits of a packed projection, and
    /// (on the Q/K side) scaling by a constant; adds them to <paramref name="nodes"/> and returns where it stopped.
    /// </summary>
    private static string Through(PatternContext g, string tensor, List<OnnxNode> nodes, bool scaleOnly)
    {
        for (var i = 0; i < MaxChain && g.Producer(tensor) is { } p; i++)
        {
            string? next = null;
            if (p.OpType is "Mul" or "Div" && p.Inputs.Count == 2)
            {
                if (g.IsActivation(p.Inputs[0]) && IsScalar(g, p.Inputs[1])) next = p.Inputs[0];
                else if (p.OpType == "Mul" && g.IsActivation(p.Inputs[1]) && IsScalar(g, p.Inputs[0])) next = p.Inputs[1];
            }
            else if (!scaleOnly && (g.IsLayout(p) || p.OpType is "Slice" or "Split" or "Gather" && g.IsActivation(p.Input(0))))
                next = p.Inputs[0];
            if (next is null) break;
            nodes.Add(p);
            tensor = next;
        }
        return tensor;
    }

    private static bool IsScalar(PatternContext g, string t) => g.V(t) is { HasData: true, Count: 1 };

    private static Projection? ProjectionOf(PatternContext g, string tensor)
    {
        if (g.Producer(tensor) is not { } p) return null;
        if (p.OpType == "Gemm") return Gemm(g, p);
        if (p.OpType == "MatMul") return MatMul(g, p, null);
        if (p.OpType != "Add" || p.Inputs.Count != 2) return null;
        foreach (var (product, bias) in new[] { (p.Inputs[0], p.Inputs[1]), (p.Inputs[1], p.Inputs[0]) })
            if (g.IsStatic(bias) && g.Producer(product, "MatMul") is { } mm && g.SoleUser(product) == p)
                return MatMul(g, mm, p) is { } proj ? proj with { Nodes = [mm, p], Bias = g.V(bias) } : null;
        return null;
    }

    private static Projection? MatMul(PatternContext g, OnnxNode mm, OnnxNode? add) =>
        g.IsActivation(mm.Input(0)) && g.IsStatic(mm.Input(1)) && g.V(mm.Inputs[1]).Rank == 2
            ? new Projection([mm], mm.Inputs[0], g.V(mm.Inputs[1]), null)
            : null;

    private static Projection? Gemm(PatternContext g, OnnxNode gemm) =>
        g.IsActivation(gemm.Input(0)) && g.IsStatic(gemm.Input(1)) && gemm.Int("transA", 0) == 0
            ? new Projection([gemm], gemm.Inputs[0], g.V(gemm.Inputs[1]), gemm.Input(2) is { } c ? g.V(c) : null)
            : null;

    /// <summary>From the attention output forward through layout nodes to the output projection's input.</summary>
    private static string Forward(PatternContext g, string tensor, List<OnnxNode> nodes)
    {
        for (var i = 0; i < MaxChain && g.SoleUser(tensor) is { } u && g.IsLayout(u); i++)
        {
            nodes.Add(u);
            tensor = u.Outputs[0];
        }
        return tensor;
    }

    private static Projection? ProjectionAfter(PatternContext g, string tensor)
    {
        if (g.SoleUser(tensor) is not { } u || u.Input(0) != tensor) return null;
        if (u.OpType == "Gemm") return Gemm(g, u);
        if (u.OpType != "MatMul" || MatMul(g, u, null) is not { } proj) return null;
        if (g.SoleUser(u.Outputs[0], "Add") is { } add && g.IsStatic(PatternContext.Other(add, u.Outputs[0])))
            return proj with { Nodes = [u, add], Bias = g.V(PatternContext.Other(add, u.Outputs[0])!) };
        return proj;
    }

    /// <summary>Candidates for X: the projection input, then each tensor behind it through layout nodes.</summary>
    private static IEnumerable<(string Tensor, List<OnnxNode> Nodes)> Backward(PatternContext g, string tensor)
    {
        var nodes = new List<OnnxNode>();
        yield return (tensor, [.. nodes]);
        for (var i = 0; i < MaxChain && g.Producer(tensor) is { } p && g.IsLayout(p); i++)
        {
            nodes.Add(p);
            tensor = p.Inputs[0];
            yield return (tensor, [.. nodes]);
        }
    }

    /// <summary>Candidates for Y: the projection output, then each tensor after it through layout nodes.</summary>
    private static IEnumerable<(string Tensor, List<OnnxNode> Nodes)> ForwardChain(PatternContext g, string tensor)
    {
        var nodes = new List<OnnxNode>();
        yield return (tensor, [.. nodes]);
        for (var i = 0; i < MaxChain && g.SoleUser(tensor) is { } u && g.IsLayout(u); i++)
        {
            nodes.Add(u);
            tensor = u.Outputs[0];
            yield return (tensor, [.. nodes]);
        }
    }
}
