using FpgaGen.Model;

namespace FpgaGen.Onnx;

/// <summary>
/// The exact (erf) GELU as exporters spell it before opset 20: x * 0.5 * (1 + erf(x / √2)). PyTorch writes
/// Div(x, 1.4142) → Erf → Add(1) → Mul(x, ·) → Mul(0.5); other exporters multiply by 0.7071 or take x * 0.5 first.
/// </summary>
internal static class GeluPattern
{
    public static Fusion? Match(PatternContext g, OnnxNode erf)
    {
        if (g.Producer(erf.Inputs[0]) is not { } scale) return null;
        var x = scale.OpType switch
        {
            "Div" when g.IsConst(scale.Input(1), Math.Sqrt(2)) => scale.Input(0),
            "Mul" when g.IsConst(scale.Input(1), Math.Sqrt(0.5)) => scale.Input(0),
            "Mul" when g.IsConst(scale.Input(0), Math.Sqrt(0.5)) => scale.Input(1),
            _ => null,
        };
        if (x is null || !g.IsActivation(x)) return null;
        if (g.SoleUser(erf.Outputs[0], "Add") is not { } plusOne || !g.IsConst(PatternContext.Other(plusOne, erf.Outputs[0]), 1)) return null;
        if (g.SoleUser(plusOne.Outputs[0], "Mul") is not { } m1) return null;
        var other = PatternContext.Other(m1, plusOne.Outputs[0]);

        List<OnnxNode> nodes = [scale, erf, plusOne, m1];
        if (other == x || g.IsConst(other, 0.5))
        {
            // (x * (1 + erf)) * 0.5, or ((1 + erf) * 0.5) * x.
            var want = other == x ? null : x;
            if (g.SoleUser(m1.Outputs[0], "Mul") is not { } m2) return null;
            var last = PatternContext.Other(m2, m1.Outputs[0]);
            if (want is null ? !g.IsConst(last, 0.5) : last != want) return null;
            nodes.Add(m2);
        }
        else if (other is not null && g.Producer(other, "Mul") is { } half && Half(g, half) == x)
            nodes.Add(half); // (x * 0.5) * (1 + erf)
        else return null;

        var output = nodes.MaxBy(n => n.Index)!.Outputs[0];
        if (!g.Closed(nodes, output)) return null;
        return new Fusion("gelu", nodes, x, output, (name, input, origin) => new ActivationLayer(name, [input], ActivationKind.Gelu) { Origin = origin });
    }

    private static string? Half(PatternContext g, OnnxNode mul) =>
        g.IsConst(mul.Input(1), 0.5) ? mul.Input(0) : g.IsConst(mul.Input(0), 0.5) ? mul.Input(1) : null;
}
