using FpgaGen.Model;

namespace FpgaGen.Onnx;

/// <summary>
/// A LayerNorm whose mean and variance are constants, as a model trained with stored statistics exports it (the FFCNN
/// thesis's LayerNorm, seed 004), by per-feature initializers along the last axis:
/// <list type="bullet">
/// <item>Sub/Div: n = (x − μ) / s, or (x − μ) · (1/s), with s = √(σ² + ε) (constant folding leaves s; an unfolded
/// Sqrt(Add(σ², ε)) of initializers evaluates to it);</item>
/// <item>Mul/Add: n = x · r + c, the normalization written as an affine map, r = 1/√(σ² + ε) &gt; 0 and c = −μ·r;</item>
/// </list>
/// then optionally · γ and + β by initializers. It becomes a LayerNorm layer with stored statistics, which the
/// lowering folds into the linear layers after it. The variance recorded is s² − ε with FpgaGen's ε, so √(σ² + ε) gives
/// back s. Only token sequences [batch, T, D] and vectors [batch, D] match: a per-channel (x − mean) / std on images is
/// input normalization, not a LayerNorm.
/// </summary>
internal static class StoredLayerNormPattern
{
    public const string Kind = "layernorm_stored";

    /// <summary>Tries the Sub/Div form at a Sub node and the Mul/Add form at a Mul node.</summary>
    public static Fusion? Match(PatternContext g, OnnxNode first)
    {
        if (first.OpType == "Sub") return Centered(g, first);
        if (first.OpType == "Mul") return Affine(g, first);
        return null;
    }

    /// <summary>(x − μ) / s or (x − μ) · (1/s).</summary>
    private static Fusion? Centered(PatternContext g, OnnxNode sub)
    {
        var x = sub.Input(0);
        if (Features(g, x) is not { } features || PerFeature(g, sub.Input(1), features, statistic: true) is not { } mean) return null;
        var center = sub.Outputs[0];
        if (g.SoleUser(center) is not { OpType: "Div" or "Mul" } divide) return null;
        var divisorTensor = divide.OpType == "Div" ? (divide.Input(0) == center ? divide.Input(1) : null) : PatternContext.Other(divide, center);
        if (PerFeature(g, divisorTensor, features, statistic: true) is not { } divisor) return null;
        var std = divide.OpType == "Div" ? divisor : divisor.Select(v => 1 / v).ToArray();
        return Complete(g, [sub, divide], x!, features, mean, std, sub.Input(1)!, divisorTensor!);
    }

    /// <summary>x · r + c with r &gt; 0 per feature: μ = −c/r, s = 1/r.</summary>
    private static Fusion? Affine(PatternContext g, OnnxNode mul)
    {
        var x = g.IsActivation(mul.Input(0)) ? mul.Input(0) : mul.Input(1);
        var rTensor = PatternContext.Other(mul, x!);
        if (Features(g, x) is not { } features || PerFeature(g, rTensor, features, statistic: true) is not { } r) return null;
        if (g.SoleUser(mul.Outputs[0], "Add") is not { } add) return null;
        var cTensor = PatternContext.Other(add, mul.Outputs[0]);
        if (PerFeature(g, cTensor, features, statistic: true) is not { } c) return null;
        if (r.Any(v => !(v > 0))) return null;
        var mean = c.Select((v, k) => -v / r[k]).ToArray();
        var std = r.Select(v => 1 / v).ToArray();
        return Complete(g, [mul, add], x!, features, mean, std, cTensor!, rTensor!);
    }

    /// <summary>The features of an activation that may be LayerNorm's input: [batch, T, D] or [batch, D], D of two or more.</summary>
    private static long? Features(PatternContext g, string? x) =>
        g.IsActivation(x) && g.V(x!).Rank is 2 or 3 && g.V(x!).Dims[^1] >= 2 ? g.V(x!).Dims[^1] : null;

    /// <summary>The optional · γ and + β after the normalization, then the layer and its parameters.</summary>
    private static Fusion? Complete(PatternContext g, List<OnnxNode> nodes, string x, long features, double[] mean, double[] std,
        string meanSource, string varianceSource)
    {
        if (std.Any(s => !(s > 0) || double.IsInfinity(s))) return null;
        var output = nodes[^1].Outputs[0];
        string? gamma = null, beta = null;
        if (g.SoleUser(output, "Mul") is { } scale && PerFeature(g, PatternContext.Other(scale, output), features, statistic: false) is not null)
        {
            gamma = PatternContext.Other(scale, output);
            nodes.Add(scale);
            output = scale.Outputs[0];
        }
        if (g.SoleUser(output, "Add") is { } shift && PerFeature(g, PatternContext.Other(shift, output), features, statistic: false) is not null)
        {
            beta = PatternContext.Other(shift, output);
            nodes.Add(shift);
            output = shift.Outputs[0];
        }
        if (!g.Closed(nodes, output)) return null;

        var variance = std.Select(s => s * s - LayerNormLayer.Epsilon).ToArray();
        return new Fusion(Kind, nodes, x, output, (name, input, origin) => new LayerNormLayer(name, [input], LayerNormStats.Stored) { Origin = origin })
        {
            Parameters =
            [
                Source("weight", gamma, g, features, fallback: 1),
                Source("bias", beta, g, features, fallback: 0),
                new FusedParameter("running_mean", meanSource, Broadcast(mean, features)),
                new FusedParameter("running_var", varianceSource, Broadcast(variance, features)),
            ],
        };
    }

    /// <summary>
    /// The values of a static tensor with one value per feature along the last axis (other axes 1), or for γ and β also
    /// a single value or no values in the file (an empty array); null otherwise. A statistic (μ, s) must be a per-feature
    /// constant: a subtraction and division by scalars is arithmetic, not a LayerNorm.
    /// </summary>
    private static double[]? PerFeature(PatternContext g, string? tensor, long features, bool statistic)
    {
        if (!g.IsStatic(tensor)) return null;
        var v = g.V(tensor!);
        var perFeature = v.Elements == features && v.Rank > 0 && v.Dims[^1] == features;
        if (!perFeature && (statistic || v.Elements != 1)) return null;
        if (!v.HasData) return statistic ? null : [];
        return v.AsDoubles();
    }

    private static float[] Broadcast(double[] values, long features) =>
        values.Length == 1 ? Enumerable.Repeat((float)values[0], (int)features).ToArray() : values.Select(v => (float)v).ToArray();

    /// <summary>γ or β from its tensor (values when the file holds them), or the identity's 1 or 0 when the export has none.</summary>
    private static FusedParameter Source(string part, string? tensor, PatternContext g, long features, double fallback)
    {
        if (tensor is null) return new FusedParameter(part, "", Enumerable.Repeat((float)fallback, (int)features).ToArray());
        var v = g.V(tensor);
        return new FusedParameter(part, tensor, v.HasData ? Broadcast(v.AsDoubles(), features) : null);
    }
}
