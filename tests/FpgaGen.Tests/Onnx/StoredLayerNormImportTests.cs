using FpgaGen.Codegen.Reference;
using FpgaGen.Kernels.Lowering;
using FpgaGen.Model;
using FpgaGen.Onnx;
using static FpgaGen.Tests.Onnx.ModelWriter;

namespace FpgaGen.Tests.Onnx;

/// <summary>
/// A LayerNorm with constant statistics as an ONNX export of a model trained with stored statistics writes it:
/// (x − μ) / s or (x − μ) · (1/s) by initializers, then · γ and + β, before a linear layer. It imports as a
/// stored-statistics LayerNorm with μ and σ² = s² − ε, folds at lowering, and computes what the graph computes.
/// </summary>
public class StoredLayerNormImportTests
{
    private const int T = 4, D = 8, N = 3;
    private static readonly float[] Mean = Values(D, 1, -0.3, 0.2);
    private static readonly float[] Std = Values(D, 2, 0.5, 1.5);
    private static readonly float[] Gamma = Values(D, 3, 0.8, 1.2);
    private static readonly float[] Beta = Values(D, 4, -0.1, 0.1);
    private static readonly float[] W = Values(D * N, 5, -0.4, 0.4);
    private static readonly float[] B = Values(N, 6, -0.1, 0.1);

    private static float[] Values(int n, int seed, double lo, double hi)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(lo + (hi - lo) * rng.NextDouble())).ToArray();
    }

    /// <summary>TensorProto: dims 1, data_type 2 (1 = float), float_data 4, name 8.</summary>
    private static Proto Initializer(string name, float[] values, params long[] dims)
    {
        var t = new Proto();
        foreach (var d in dims) t.Varint(1, d);
        t.Varint(2, 1);
        foreach (var v in values) t.Float(4, v);
        return t.String(8, name);
    }

    /// <summary>A model whose graph (node 1, name 2, initializer 5, input 11, output 12) holds its weights.</summary>
    private static OnnxImport Import(Proto[] nodes, Proto[] initializers, long[] inputDims, long[] outputDims)
    {
        var graph = new Proto();
        foreach (var n in nodes) graph.Message(1, n);
        graph.String(2, "stored_ln");
        foreach (var i in initializers) graph.Message(5, i);
        graph.Message(11, Tensor("x", inputDims));
        graph.Message(12, Tensor("y", outputDims));
        var model = new Proto().Varint(1, 8).String(2, "tests").Message(7, graph).Message(8, new Proto().String(1, "").Varint(2, 17)).ToBytes();
        using var file = new TempFile(model);
        return OnnxImporter.Import(file.Path);
    }

    /// <summary>x [1, T, D] → LayerNorm with constant statistics → MatMul + Add → y [1, T, N].</summary>
    private static OnnxImport StoredLayerNormLinear(bool reciprocal = false, bool affine = true)
    {
        var nodes = new List<Proto>
        {
            Node("ln/center", "Sub", ["x", "ln.mean"], ["c"]),
            reciprocal ? Node("ln/scale", "Mul", ["c", "ln.inv_std"], ["n"]) : Node("ln/scale", "Div", ["c", "ln.std"], ["n"]),
        };
        var last = "n";
        if (affine)
        {
            nodes.Add(Node("ln/gamma", "Mul", ["n", "ln.gamma"], ["g"]));
            nodes.Add(Node("ln/beta", "Add", ["g", "ln.beta"], ["a"]));
            last = "a";
        }
        nodes.Add(Node("fc/matmul", "MatMul", [last, "fc.w"], ["m"]));
        nodes.Add(Node("fc/bias", "Add", ["m", "fc.b"], ["y"]));
        Proto[] inits =
        [
            Initializer("ln.mean", Mean, D),
            reciprocal ? Initializer("ln.inv_std", Std.Select(s => 1 / s).ToArray(), 1, 1, D) : Initializer("ln.std", Std, D),
            Initializer("ln.gamma", Gamma, D), Initializer("ln.beta", Beta, D),
            Initializer("fc.w", W, D, N), Initializer("fc.b", B, N),
        ];
        return Import([.. nodes], inits, [1, T, D], [1, T, N]);
    }

    /// <summary>The layers' tensors from the import's parameter sources (all initializers here), [out, in] for matrices.</summary>
    private static Dictionary<string, float[]> Weights(OnnxImport import)
    {
        var weights = new Dictionary<string, float[]>();
        foreach (var (name, shape) in FpgaGen.Codegen.Weights.ModelParameters.Of(import.Network))
        {
            var p = Assert.Single(import.Parameters, p => p.Name == name);
            var v = p.Constant!;
            if (p.Transposed) v = Enumerable.Range(0, v.Length).Select(i => v[i % shape[1] * shape[0] + i / shape[1]]).ToArray();
            weights[name] = v;
        }
        return weights;
    }

    /// <summary>What the ONNX graph computes, in double: ((x − μ)/s · γ + β)·W + b.</summary>
    private static double[] Graph(float[] x, bool affine)
    {
        var y = new double[T * N];
        for (var t = 0; t < T; t++)
            for (var o = 0; o < N; o++)
            {
                double acc = B[o];
                for (var k = 0; k < D; k++)
                {
                    var n = (x[t * D + k] - (double)Mean[k]) / Std[k];
                    if (affine) n = n * Gamma[k] + Beta[k];
                    acc += n * W[k * N + o];
                }
                y[t * N + o] = acc;
            }
        return y;
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public void ImportsAsAStoredLayerNormThatComputesWhatTheGraphComputes(bool reciprocal, bool affine)
    {
        var import = StoredLayerNormLinear(reciprocal, affine);
        var net = import.Network;
        Assert.Equal(2, net.Layers.Count);
        var ln = Assert.IsType<LayerNormLayer>(net.Layers[0]);
        Assert.Equal(LayerNormStats.Stored, ln.Stats);
        Assert.IsType<LinearLayer>(net.Layers[1]);
        Assert.Contains(import.Notes, n => n.StartsWith("layernorm with stored statistics: 1 ", StringComparison.Ordinal));

        var w = Weights(import);
        Assert.Equal(Mean, w[$"{ln.Name}.running_mean"]);
        for (var k = 0; k < D; k++) Assert.Equal(Std[k], Math.Sqrt(w[$"{ln.Name}.running_var"][k] + LayerNormLayer.Epsilon), 5);
        Assert.Equal(affine ? Gamma : Enumerable.Repeat(1f, D), w[$"{ln.Name}.weight"]);

        var x = Values(T * D, 7, -1, 1);
        var expected = Graph(x, affine);
        var got = NetworkReference.Run(net, w, x, 1)[net.Layers[1].Name];
        for (var i = 0; i < expected.Length; i++) Assert.True(Math.Abs(got[i] - expected[i]) < 1e-5, $"output {i}: {got[i]} vs {expected[i]}");

        // And the lowering folds it: one MAC step, no LayerNorm step.
        var lowered = Lowerer.Lower(net, default, Precision.Fp32, 1);
        var step = Assert.Single(lowered.Steps);
        Assert.Equal(ln.Name, Assert.IsType<MacStep>(step).Weight!.FoldStoredLayerNorm);
    }

    [Fact]
    public void TheNormalizationAsMulAndAddImportsToo()
    {
        // n = x · r + c with r = 1/s and c = −μ/s, then · γ and + β.
        var r = Std.Select(v => 1 / v).ToArray();
        var c = Mean.Select((m, k) => -m / Std[k]).ToArray();
        var import = Import(
        [
            Node("ln/scale", "Mul", ["ln.r", "x"], ["n0"]), Node("ln/shift", "Add", ["n0", "ln.c"], ["n"]),
            Node("ln/gamma", "Mul", ["n", "ln.gamma"], ["g"]), Node("ln/beta", "Add", ["g", "ln.beta"], ["a"]),
            Node("fc/matmul", "MatMul", ["a", "fc.w"], ["m"]), Node("fc/bias", "Add", ["m", "fc.b"], ["y"]),
        ],
        [
            Initializer("ln.r", r, D), Initializer("ln.c", c, 1, 1, D), Initializer("ln.gamma", Gamma, D), Initializer("ln.beta", Beta, D),
            Initializer("fc.w", W, D, N), Initializer("fc.b", B, N),
        ], [1, T, D], [1, T, N]);
        var ln = Assert.IsType<LayerNormLayer>(import.Network.Layers[0]);
        Assert.Equal(LayerNormStats.Stored, ln.Stats);
        var w = Weights(import);
        for (var k = 0; k < D; k++) Assert.Equal(Mean[k], w[$"{ln.Name}.running_mean"][k], 5);
        var x = Values(T * D, 7, -1, 1);
        var expected = Graph(x, affine: true);
        var got = NetworkReference.Run(import.Network, w, x, 1)[import.Network.Layers[1].Name];
        for (var i = 0; i < expected.Length; i++) Assert.True(Math.Abs(got[i] - expected[i]) < 1e-5, $"output {i}: {got[i]} vs {expected[i]}");
    }

    [Fact]
    public void AnAffineMapWithANegativeScaleIsNotANormalization()
    {
        var r = Std.Select((v, k) => k == 3 ? -1 / v : 1 / v).ToArray();
        var import = Import(
            [Node("scale", "Mul", ["x", "r"], ["n0"]), Node("shift", "Add", ["n0", "c"], ["n"]), Node("fc", "MatMul", ["n", "w"], ["y"])],
            [Initializer("r", r, D), Initializer("c", Mean, D), Initializer("w", W, D, N)],
            [1, T, D], [1, T, N]);
        Assert.DoesNotContain(import.Network.Layers, l => l is LayerNormLayer);
    }

    [Fact]
    public void PerChannelImageNormalizationIsNotALayerNorm()
    {
        // (x − mean) / std on a [1, 3, 4, 4] image with [1, 3, 1, 1] constants: input normalization, left as arithmetic.
        var import = Import(
            [Node("sub", "Sub", ["x", "mean"], ["c"]), Node("div", "Div", ["c", "std"], ["y"])],
            [Initializer("mean", [0.4f, 0.5f, 0.6f], 1, 3, 1, 1), Initializer("std", [0.2f, 0.2f, 0.2f], 1, 3, 1, 1)],
            [1, 3, 4, 4], [1, 3, 4, 4]);
        Assert.DoesNotContain(import.Network.Layers, l => l is LayerNormLayer);
    }

    [Fact]
    public void ScalarConstantsAreNotStatistics()
    {
        var import = Import(
            [Node("sub", "Sub", ["x", "m"], ["c"]), Node("div", "Div", ["c", "s"], ["n"]), Node("fc", "MatMul", ["n", "w"], ["y"])],
            [Initializer("m", [0.5f]), Initializer("s", [2f]), Initializer("w", W, D, N)],
            [1, T, D], [1, T, N]);
        Assert.DoesNotContain(import.Network.Layers, l => l is LayerNormLayer);
    }
}
