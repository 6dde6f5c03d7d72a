using FpgaGen.Model;

namespace FpgaGen.Onnx;

/// <summary>
/// A linear layer on a token sequence: exporters write MatMul(x, Wᵀ) and a separate Add of the bias (Gemm only
/// takes matrices). The two become one linear layer with a bias.
/// </summary>
internal static class LinearBiasPattern
{
    public static Fusion? Match(PatternContext g, OnnxNode matmul)
    {
        var (x, w) = (matmul.Inputs[0], matmul.Inputs[1]);
        if (!g.IsActivation(x) || !g.IsStatic(w) || g.V(w).Rank != 2 || g.V(x).Rank is < 2 or > 3) return null;
        if (g.SoleUser(matmul.Outputs[0], "Add") is not { } add) return null;
        var bias = PatternContext.Other(add, matmul.Outputs[0]);
        var outFeatures = g.V(w).Dims[1];
        if (!g.IsStatic(bias) || g.V(bias!).Elements != outFeatures || g.V(bias!).Dims.Count(d => d != 1) > 1) return null;

        List<OnnxNode> nodes = [matmul, add];
        var output = add.Outputs[0];
        if (!g.Closed(nodes, output)) return null;
        return new Fusion("linear", nodes, x, output, (name, input, origin) => new LinearLayer(name, [input], (int)outFeatures, bias: true) { Origin = origin });
    }
}
