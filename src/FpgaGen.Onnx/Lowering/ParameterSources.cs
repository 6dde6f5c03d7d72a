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
        }
    }

    /// <summary>Records the sources of a fused layer: a MatMul + Add linear layer's matrix and bias.</summary>
    private void RecordParameters(Fusion f, Layer layer)
    {
        if (f.Kind != "linear" || layer is not LinearLayer) return;
        var (matmul, add) = (f.Nodes[0], f.Nodes[1]);
        Param(layer, "weight", matmul.Input(1), transposed: true);
        Param(layer, "bias", PatternContext.Other(add, matmul.Outputs[0]));
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
