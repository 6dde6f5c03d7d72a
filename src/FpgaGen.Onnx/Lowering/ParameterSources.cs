using FpgaGen.Model;

namespace FpgaGen.Onnx;

// Which ONNX tensor each layer's learned tensors come from (OnnxImport.Parameters).
internal sealed partial class Lowering
{
    public List<OnnxParameter> Parameters { get; } = [];

    /// <summary>Records the sources of a layer lowered from one node.</summary>
    private void RecordParameters(OnnxNode n, Layer layer)
    {
        switch (n.OpType, layer)
        {
            case ("Conv", ConvLayer):
                Param(layer, "weight", n.Input(1));
                Param(layer, "bias", n.Input(2));
                break;
            case ("Gemm", LinearLayer):
                Param(layer, "weight", n.Input(1), transposed: n.Int("transB", 0) == 0, scale: n.Float("alpha", 1));
                Param(layer, "bias", n.Input(2), scale: n.Float("beta", 1));
                break;
            case ("MatMul", LinearLayer):
                Param(layer, "weight", n.Input(1), transposed: true);
                break;
            case ("BatchNormalization", BatchNormLayer):
                Param(layer, "weight", n.Input(1));
                Param(layer, "bias", n.Input(2));
                Param(layer, "running_mean", n.Input(3));
                Param(layer, "running_var", n.Input(4));
                break;
            case ("LayerNormalization", LayerNormLayer):
                Param(layer, "weight", n.Input(1));
                Param(layer, "bias", n.Input(2));
                break;
            // ViT's class token: cat([class_token.expand(batch, -1, -1), tokens], dim=1); with batch 1 the expanded
            // constant holds the D values of the token itself.
            case ("Concat", ClassTokenLayer):
                Param(layer, "weight", n.Input(0));
                break;
            // ViT's position embedding: tokens + pos_embedding, a learned [1, T, D] operand.
            case ("Add", PositionEmbedLayer):
                Param(layer, "weight", values[n.Inputs[0]].IsActivation ? n.Input(1) : n.Input(0));
                break;
        }
    }

    /// <summary>
    /// Records the sources of a fused layer: those the pattern found (attention's projections, a LayerNorm's stored
    /// statistics), a MatMul + Add linear layer's matrix and bias, the patch embedding's convolution, a decomposed
    /// LayerNorm's scale and shift.
    /// </summary>
    private void RecordParameters(Fusion f, Layer layer)
    {
        foreach (var p in f.Parameters)
            Parameters.Add(new OnnxParameter($"{layer.Name}.{p.Part}", p.Tensor, p.Transposed) { Constant = p.Values });
        switch (f.Kind, layer)
        {
            case ("linear", LinearLayer):
                var (matmul, add) = (f.Nodes[0], f.Nodes[1]);
                Param(layer, "weight", matmul.Input(1), transposed: true);
                Param(layer, "bias", PatternContext.Other(add, matmul.Outputs[0]));
                break;
            case ("patch_embed", PatchEmbedLayer):
                Param(layer, "weight", f.Nodes[0].Input(1));
                Param(layer, "bias", f.Nodes[0].Input(2));
                break;
            // LayerNormPattern's nodes: ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div, then Mul by γ and Add of β.
            case ("layernorm", LayerNormLayer) when f.Parameters.Count == 0 && f.Nodes.Count == 9:
                var (divide, scale, shift) = (f.Nodes[6], f.Nodes[7], f.Nodes[8]);
                Param(layer, "weight", PatternContext.Other(scale, divide.Outputs[0]));
                Param(layer, "bias", PatternContext.Other(shift, scale.Outputs[0]));
                break;
        }
    }

    private void Param(Layer layer, string part, string? tensor, bool transposed = false, double scale = 1)
    {
        if (tensor is null) return;
        // PyTorch's exporter stores equal tensors once and feeds the other users through Identity nodes.
        while (g.Producer(tensor, "Identity") is { } identity && identity.Input(0) is { } source) tensor = source;
        var v = values[tensor];
        Parameters.Add(new OnnxParameter($"{layer.Name}.{part}", tensor, transposed, scale)
        {
            Constant = v.HasData ? v.AsDoubles().Select(d => (float)d).ToArray() : null,
        });
    }
}
