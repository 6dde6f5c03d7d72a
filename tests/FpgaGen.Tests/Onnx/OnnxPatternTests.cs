using FpgaGen.Model;
using FpgaGen.Onnx;
using static FpgaGen.Tests.Onnx.ModelWriter;

namespace FpgaGen.Tests.Onnx;

/// <summary>
/// The pattern matchers on spellings other than torchvision's: Hugging Face-style attention with three projections
/// and [batch, heads, T, d] tensors, the other GELU and LayerNorm forms, and the new IR layers (element-wise,
/// slice) that plain operators map to.
/// </summary>
public class OnnxPatternTests
{
    private static Network Import(Proto[] nodes, Proto[] inputs, Proto output)
    {
        using var file = new TempFile(OnnxModel(17, nodes, inputs, [output]));
        return OnnxImporter.Load(file.Path);
    }

    [Fact]
    public void GeluWithTheHalfTakenFirst()
    {
        // (x * 0.5) * (1 + erf(x * 0.70710678)) on tokens [1, 4, 8].
        var network = Import(
        [
            Constant("r", 0.70710678f), Constant("one", 1f), Constant("half", 0.5f),
            Node("scale", "Mul", ["x", "r"], ["xs"]), Node("erf", "Erf", ["xs"], ["e"]), Node("plus", "Add", ["e", "one"], ["p"]),
            Node("halve", "Mul", ["x", "half"], ["h"]), Node("gate", "Mul", ["h", "p"], ["y"]),
        ], [Tensor("x", 1, 4, 8)], Tensor("y", 1, 4, 8));
        var gelu = Assert.IsType<ActivationLayer>(Assert.Single(network.Layers));
        Assert.Equal(ActivationKind.Gelu, gelu.Function);
    }

    [Fact]
    public void ErfOutsideAGeluIsRejected()
    {
        using var file = new TempFile(OnnxModel(17, [Node("erf", "Erf", ["x"], ["y"])], [Tensor("x", 1, 4, 8)], [Tensor("y", 1, 4, 8)]));
        var e = Assert.Throws<InputException>(() => OnnxImporter.Load(file.Path));
        Assert.Contains("node 'erf' (Erf): Erf on activations is supported only inside a GELU", e.Message);
    }

    [Fact]
    public void LayerNormWithTheVarianceAsAProduct()
    {
        var network = Import(
        [
            Constant("eps", 1e-5f),
            Node("mean", "ReduceMean", ["x"], ["m"], Ints("axes", -1)), Node("center", "Sub", ["x", "m"], ["d"]),
            Node("square", "Mul", ["d", "d"], ["d2"]), Node("var", "ReduceMean", ["d2"], ["v"], Ints("axes", 2)),
            Node("add_eps", "Add", ["v", "eps"], ["ve"]), Node("sqrt", "Sqrt", ["ve"], ["s"]), Node("norm", "Div", ["d", "s"], ["n"]),
            Node("gamma_mul", "Mul", ["n", "gamma"], ["g"]), Node("beta_add", "Add", ["g", "beta"], ["y"]),
        ], [Tensor("x", 1, 4, 8), Tensor("gamma", 8), Tensor("beta", 8)], Tensor("y", 1, 4, 8));
        var norm = Assert.IsType<LayerNormLayer>(Assert.Single(network.Layers));
        Assert.Equal(16, norm.Params);
    }

    /// <summary>
    /// BERT-style self-attention, T = 4 tokens of D = 8 features, 2 heads of 4: separate q, k, v projections
    /// (MatMul + Add), reshape to [1, T, 2, 4], transpose to [1, 2, T, 4], Kᵀ by a transpose, scores divided by 2,
    /// softmax, AV, transpose back, reshape to [1, T, D], output projection.
    /// </summary>
    [Fact]
    public void AttentionWithThreeProjections()
    {
        var nodes = new List<Proto> { Constant("heads_shape", 1, 4, 2, 4), Constant("merged_shape", 1, 4, 8), Constant("two", 2f) };
        foreach (var p in new[] { "q", "k", "v" })
        {
            nodes.Add(Node($"{p}_mm", "MatMul", ["x", $"w{p}"], [$"{p}0"]));
            nodes.Add(Node($"{p}_bias", "Add", [$"{p}0", $"b{p}"], [$"{p}1"]));
            nodes.Add(Node($"{p}_split", "Reshape", [$"{p}1", "heads_shape"], [$"{p}2"]));
            nodes.Add(Node($"{p}_heads", "Transpose", [$"{p}2"], [$"{p}3"], Ints("perm", p == "k" ? [0, 2, 3, 1] : [0, 2, 1, 3])));
        }
        nodes.AddRange(
        [
            Node("qk", "MatMul", ["q3", "k3"], ["s0"]), Node("scale", "Div", ["s0", "two"], ["s1"]),
            Node("softmax", "Softmax", ["s1"], ["a"], Int("axis", -1)), Node("av", "MatMul", ["a", "v3"], ["o0"]),
            Node("merge", "Transpose", ["o0"], ["o1"], Ints("perm", 0, 2, 1, 3)), Node("flat", "Reshape", ["o1", "merged_shape"], ["o2"]),
            Node("out_mm", "MatMul", ["o2", "wo"], ["o3"]), Node("out_bias", "Add", ["o3", "bo"], ["y"]),
        ]);
        Proto[] inputs = [Tensor("x", 1, 4, 8), .. new[] { "q", "k", "v", "o" }.SelectMany(p => new[] { Tensor($"w{p}", 8, 8), Tensor($"b{p}", 8) })];
        var network = Import([.. nodes], inputs, Tensor("y", 1, 4, 8));

        var attention = Assert.IsType<AttentionLayer>(Assert.Single(network.Layers));
        Assert.Equal(2, attention.Heads);
        Assert.True(attention.Bias);
        Assert.Equal(4 * 8 * 8 + 4 * 8, attention.Params);
        Assert.Equal(4L * 4 * 8 * 8 + 2 * 4 * 4 * 8, attention.Macs);
    }

    [Fact]
    public void SqueezeAndExcitationGatingAndALearnedScaleAreElementwise()
    {
        // y = x * sigmoid(global_avg(x)) * gamma, on a 1x4x6x6 feature map with gamma of shape [4, 1, 1].
        var network = Import(
        [
            Node("squeeze", "GlobalAveragePool", ["x"], ["p"]), Node("gate", "Sigmoid", ["p"], ["g"]),
            Node("excite", "Mul", ["x", "g"], ["e"]), Node("layer_scale", "Mul", ["e", "gamma"], ["y"]),
        ], [Tensor("x", 1, 4, 6, 6), Tensor("gamma", 4, 1, 1)], Tensor("y", 1, 4, 6, 6));
        Assert.Equal(["global_avgpool", "sigmoid", "eltwise", "eltwise"], network.Layers.Select(l => l.Kind));
        Assert.Equal(2, network.Layers[2].InputShapes.Count);
        Assert.Equal(new Shape(4, 1, 1), network.Layers[2].InputShapes[1]);
        Assert.Equal(4, network.Layers[3].Params);
        Assert.Equal(new Shape(4, 6, 6), network.Layers[3].Output);
    }

    [Fact]
    public void ChannelSplitAndConcat()
    {
        var network = Import(
        [
            Node("split", "Split", ["x", "sizes"], ["a", "b"], Int("axis", 1)), Constant("sizes", 3, 5),
            Node("relu", "Relu", ["b"], ["r"]), Node("join", "Concat", ["r", "a"], ["y"], Int("axis", 1)),
        ], [Tensor("x", 1, 8, 5, 5)], Tensor("y", 1, 8, 5, 5));
        var slices = network.Layers.OfType<SliceLayer>().ToList();
        Assert.Equal([(0, 3), (3, 5)], slices.Select(s => (s.Start, s.Length)));
        Assert.Equal(new Shape(8, 5, 5), Assert.IsType<ConcatLayer>(network.Layers[^1]).Output);
    }
}
