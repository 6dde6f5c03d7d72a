using FpgaGen.Model;

namespace FpgaGen.Onnx;

/// <summary>
/// LayerNorm over the last axis as decomposed before opset 17 (LayerNormalization): m = ReduceMean(x);
/// d = x - m; v = ReduceMean(d²) (Pow(d, 2) or d * d); y = d / Sqrt(v + ε); out = y * γ + β.
/// </summary>
internal static class LayerNormPattern
{
    public static Fusion? Match(PatternContext g, OnnxNode mean)
    {
        var x = mean.Inputs[0];
        if (!g.IsActivation(x) || !LastAxis(g, mean)) return null;
        if (g.SoleUser(mean.Outputs[0], "Sub") is not { } sub || sub.Input(0) != x || sub.Input(1) != mean.Outputs[0]) return null;
        var d = sub.Outputs[0];
        var users = g.Users(d);
        if (users.Count != 2 || g.Graph.IsGraphOutput(d)) return null;
        var square = users.FirstOrDefault(u => u.OpType == "Pow" && g.IsConst(u.Input(1), 2) || u.OpType == "Mul" && u.Input(0) == d && u.Input(1) == d);
        var divide = users.FirstOrDefault(u => u.OpType == "Div" && u.Input(0) == d);
        if (square is null || divide is null) return null;
        if (g.SoleUser(square.Outputs[0], "ReduceMean") is not { } variance || !LastAxis(g, variance)) return null;
        if (g.SoleUser(variance.Outputs[0], "Add") is not { } epsilon || !g.IsStatic(PatternContext.Other(epsilon, variance.Outputs[0]))) return null;
        if (g.SoleUser(epsilon.Outputs[0], "Sqrt") is not { } sqrt || g.SoleUser(sqrt.Outputs[0]) != divide || divide.Input(1) != sqrt.Outputs[0]) return null;
        if (g.SoleUser(divide.Outputs[0], "Mul") is not { } scale || !g.IsStatic(PatternContext.Other(scale, divide.Outputs[0]))) return null;
        if (g.SoleUser(scale.Outputs[0], "Add") is not { } shift || !g.IsStatic(PatternContext.Other(shift, scale.Outputs[0]))) return null;

        List<OnnxNode> nodes = [mean, sub, square, variance, epsilon, sqrt, divide, scale, shift];
        var output = shift.Outputs[0];
        if (!g.Closed(nodes, output)) return null;
        return new Fusion("layernorm", nodes, x, output, (name, input, origin) => new LayerNormLayer(name, [input]) { Origin = origin });
    }

    /// <summary>A ReduceMean over the last axis only, keeping it (keepdims defaults to 1).</summary>
    private static bool LastAxis(PatternContext g, OnnxNode reduce)
    {
        var rank = g.V(reduce.Inputs[0]).Rank;
        return reduce.Ints("axes") is [var a] && (a == -1 || a == rank - 1) && reduce.Int("keepdims", 1) != 0;
    }
}
