using FpgaGen.Model;

namespace FpgaGen.Onnx;

/// <summary>
/// A LayerNorm whose mean and variance are constants, as a model trained with stored statistics exports it (the FFCNN
/// thesis's LayerNorm, seed 004): n = (x − μ) / s, or (x − μ) · (1/s), with per-feature initializers μ and
/// s = √(σ² + ε) (constant folding leaves s; an unfolded Sqrt(Add(σ², ε)) of initializers evaluates to it), then
/// optionally · γ and + β by initializers. It becomes a LayerNorm layer with stored statistics, which the lowering folds
/// into the linear layers after it. The variance recorded is s² − ε with FpgaGen's ε, so √(σ² + ε) gives back s.
/// Only token sequences [batch, T, D] and vectors [batch, D] with constants along the last axis match: a per-channel
/// (x − mean) / std on images is input normalization, not a LayerNorm.
/// </summary>
internal static class StoredLayerNormPattern
{
    public const string Kind = "layernorm_stored";

    public static Fusion? Match(PatternContext g, OnnxNode sub)
    {
        var x = sub.Input(0);
        if (!g.IsActivation(x) || g.V(x!).Rank is not (2 or 3)) return null;
        var features = g.V(x!).Dims[^1];
        if (features < 2 || PerFeature(g, sub.Input(1), features, statistic: true) is not { } mean) return null;

        var center = sub.Outputs[0];
        if (g.SoleUser(center) is not { OpType: "Div" or "Mul" } divide || divide.Input(0) != center) return null;
        if (PerFeature(g, divide.Input(1), features, statistic: true) is not { } divisor) return null;
        var std = divide.OpType == "Div" ? divisor : divisor.Select(v => 1 / v).ToArray();
        if (std.Any(s => !(s > 0) || double.IsInfinity(s))) return null;

        List<OnnxNode> nodes = [sub, divide];
        var output = divide.Outputs[0];
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

        var variance = std.Select(s => (float)(s * s - LayerNormLayer.Epsilon)).ToArray();
        return new Fusion(Kind, nodes, x!, output, (name, input, origin) => new LayerNormLayer(name, [input], LayerNormStats.Stored) { Origin = origin })
        {
            Parameters =
            [
                Source("weight", gamma, g, features, fallback: 1),
                Source("bias", beta, g, features, fallback: 0),
                new FusedParameter("running_mean", sub.Input(1)!, Broadcast(mean, features)),
                new FusedParameter("running_var", divide.Input(1)!, Broadcast(variance.Select(v => (double)v).ToArray(), features)),
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
