using FpgaGen.Model;

namespace FpgaGen.Onnx;

/// <summary>
/// ViT's patch embedding: a p×p convolution with stride p and no padding, its [batch, D, H/p, W/p] output
/// reshaped (or flattened from axis 2) to [batch, D, N] and transposed to N tokens of D features.
/// </summary>
internal static class PatchEmbedPattern
{
    public static Fusion? Match(PatternContext g, OnnxNode conv, Window window)
    {
        var (x, w) = (g.V(conv.Inputs[0]), g.V(conv.Inputs[1]));
        if (x.Rank != 4 || !g.IsActivation(conv.Inputs[0]) || conv.Int("group", 1) != 1) return null;
        var p = window.Kernel[0];
        if (window.Kernel is not [_, var kw] || kw != p || window.Strides.Any(s => s != p) || window.Dilations.Any(d => d != 1)
            || window.PadBegin.Concat(window.PadEnd).Any(v => v != 0) || x.Dims[2] % p != 0 || x.Dims[3] % p != 0) return null;

        if (g.SoleUser(conv.Outputs[0]) is not { OpType: "Reshape" or "Flatten" } flatten) return null;
        var y = g.V(conv.Outputs[0]);
        var tokens = y.Dims[2] * y.Dims[3];
        if (!g.V(flatten.Outputs[0]).Dims.SequenceEqual([y.Dims[0], y.Dims[1], tokens])) return null;
        if (g.SoleUser(flatten.Outputs[0], "Transpose") is not { } transpose || transpose.Ints("perm") is not [0, 2, 1]) return null;

        List<OnnxNode> nodes = [conv, flatten, transpose];
        var output = transpose.Outputs[0];
        if (!g.Closed(nodes, output)) return null;
        var (patch, dim, bias) = ((int)p, (int)w.Dims[0], conv.Input(2) is not null);
        return new Fusion("patch_embed", nodes, conv.Inputs[0], output, (name, input, origin) => new PatchEmbedLayer(name, [input], patch, dim, bias) { Origin = origin });
    }
}
