using FpgaGen.Model;

using FpgaGen.Kernels.Weights;

namespace FpgaGen.Codegen.Weights;

/// <summary>
/// The learned tensors of a network, named "layer.param" after PyTorch: conv/linear/patch_embed "weight"
/// ([out, in/groups, kh, kw] or [out, in]) and "bias"; batchnorm "weight", "bias", "running_mean", "running_var";
/// layernorm "weight", "bias" (with stored statistics also "running_mean", "running_var"); attention "in_proj_weight" [3D, D], "in_proj_bias", "out_proj.weight",
/// "out_proj.bias"; class_token "weight" [D]; pos_embed "weight" [T, D].
/// </summary>
public static class ModelParameters
{
    public static IReadOnlyList<(string Name, int[] Shape)> Of(Network net)
    {
        var list = new List<(string, int[])>();
        foreach (var layer in net.Layers)
        {
            var n = layer.Name;
            switch (layer)
            {
                case ConvLayer c:
                    list.Add(($"{n}.weight", [c.OutChannels, c.InputShapes[0][0] / c.Groups, c.KH, c.KW]));
                    if (c.Bias) list.Add(($"{n}.bias", [c.OutChannels]));
                    break;
                case LinearLayer l:
                    list.Add(($"{n}.weight", [l.OutFeatures, l.InputShapes[0][^1]]));
                    if (l.Bias) list.Add(($"{n}.bias", [l.OutFeatures]));
                    break;
                case PatchEmbedLayer p:
                    list.Add(($"{n}.weight", [p.Dim, p.InputShapes[0][0], p.Patch, p.Patch]));
                    if (p.Bias) list.Add(($"{n}.bias", [p.Dim]));
                    break;
                case BatchNormLayer b:
                    var c2 = b.InputShapes[0].Channels;
                    foreach (var part in new[] { "weight", "bias", "running_mean", "running_var" }) list.Add(($"{n}.{part}", [c2]));
                    break;
                case LayerNormLayer ln:
                    var d = ln.InputShapes[0][^1];
                    list.Add(($"{n}.weight", [d]));
                    list.Add(($"{n}.bias", [d]));
                    if (ln.Stats == LayerNormStats.Stored)
                    {
                        list.Add(($"{n}.running_mean", [d]));
                        list.Add(($"{n}.running_var", [d]));
                    }
                    break;
                case AttentionLayer a:
                    var dim = a.InputShapes[0][1];
                    list.Add(($"{n}.in_proj_weight", [3 * dim, dim]));
                    if (a.Bias) list.Add(($"{n}.in_proj_bias", [3 * dim]));
                    list.Add(($"{n}.out_proj.weight", [dim, dim]));
                    if (a.Bias) list.Add(($"{n}.out_proj.bias", [dim]));
                    break;
                case ClassTokenLayer ct:
                    list.Add(($"{n}.weight", [ct.InputShapes[0][1]]));
                    break;
                case PositionEmbedLayer pe:
                    list.Add(($"{n}.weight", [pe.InputShapes[0][0], pe.InputShapes[0][1]]));
                    break;
            }
        }
        return list;
    }

    /// <summary>Checks that every tensor the network needs is present with the right number of elements.</summary>
    public static void Check(Network net, IReadOnlyDictionary<string, float[]> weights)
    {
        foreach (var (name, shape) in Of(net))
        {
            if (!weights.TryGetValue(name, out var data)) throw new InputException($"weights: missing tensor '{name}' (shape [{string.Join(", ", shape)}])");
            var count = shape.Aggregate(1L, (a, b) => a * b);
            if (data.LongLength != count)
                throw new InputException($"weights: tensor '{name}' has {data.LongLength} values, expected {count} (shape [{string.Join(", ", shape)}])");
        }
    }
}

/// <summary>Deterministic random weights in PyTorch's default initialization ranges, for simulation without a trained model.</summary>
public static class RandomWeights
{
    public static IReadOnlyDictionary<string, float[]> For(Network net, int seed = 1)
    {
        var rng = new Random(seed);
        var result = new Dictionary<string, float[]>();
        foreach (var (name, shape) in ModelParameters.Of(net))
        {
            var count = shape.Aggregate(1, (a, b) => checked(a * b));
            // Linear and convolution: U(±1/√fan_in) like PyTorch's default; other tensors in ranges that keep a deep
            // network's activations of order one (batch-norm variances near 1, small shifts, LayerNorm γ near 1).
            var fanIn = shape.Length > 1 ? shape.Skip(1).Aggregate(1, (a, b) => a * b) : 0;
            var (lo, hi) = name switch
            {
                _ when name.EndsWith(".running_var", StringComparison.Ordinal) => (0.5, 1.5),
                _ when name.EndsWith(".running_mean", StringComparison.Ordinal) => (-0.1, 0.1),
                _ when shape.Length == 1 && IsNormScale(net, name) => (0.8, 1.2),
                _ when fanIn > 0 && !name.Contains("pos_embed", StringComparison.Ordinal) && IsMatrix(net, name) => (-1 / Math.Sqrt(fanIn), 1 / Math.Sqrt(fanIn)),
                _ => (-0.1, 0.1),
            };
            var data = new float[count];
            for (var i = 0; i < count; i++) data[i] = (float)(lo + (hi - lo) * rng.NextDouble());
            result[name] = data;
        }
        return result;
    }

    private static bool IsNormScale(Network net, string name) =>
        name.EndsWith(".weight", StringComparison.Ordinal) && net.Layers.Any(l => l is BatchNormLayer or LayerNormLayer && name == l.Name + ".weight");

    private static bool IsMatrix(Network net, string name) =>
        !net.Layers.Any(l => l is PositionEmbedLayer or ClassTokenLayer && name == l.Name + ".weight");
}
