using FpgaGen.Model;

namespace FpgaGen.Onnx;

/// <summary>The notes of an import: what was fused, folded and removed, and how batch norm is counted.</summary>
internal static class ImportNotes
{
    public static IEnumerable<string> Describe(OnnxGraph graph, Evaluator values, Lowering lowering, Network network)
    {
        var counts = lowering.Counts;
        var folded = graph.Nodes.Count(n => !n.Outputs.Any(o => o.Length > 0 && values[o].IsActivation));
        if (folded > 0) yield return $"constant folding: {folded} nodes compute shapes, constants or weight layouts and are not layers";
        if (counts.GetValueOrDefault("removed") is > 0 and var removed)
            yield return $"removed: {removed} Identity, Dropout, Cast and no-op reshape or transpose nodes";
        if (counts.GetValueOrDefault("attention") is > 0 and var attention)
        {
            var heads = string.Join(", ", network.Layers.OfType<AttentionLayer>().Select(a => a.Heads).Distinct());
            yield return $"attention: {attention} unrolled self-attention blocks (QKV projection, per-head QK^T, softmax, AV, output projection) fused into attention layers of {heads} heads";
        }
        if (counts.GetValueOrDefault("layernorm") is > 0 and var norms)
            yield return $"layernorm: {norms} decomposed LayerNorms (ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div, Mul, Add) fused into layernorm layers";
        if (counts.GetValueOrDefault(StoredLayerNormPattern.Kind) is > 0 and var stored)
            yield return $"layernorm with stored statistics: {stored} (x - mean) / std (* gamma + beta) by constant initializers became layernorm layers "
                + "with stored statistics (variance = std^2 - 1e-6); they fold into the linear layers after them";
        if (counts.GetValueOrDefault("gelu") is > 0 and var gelus)
            yield return $"gelu: {gelus} erf-based GELUs (x * 0.5 * (1 + erf(x / sqrt(2)))) fused into gelu layers";
        if (counts.GetValueOrDefault("patch_embed") is > 0 and var patches)
            yield return $"patch embedding: {patches} convolution + reshape + transpose fused into patch_embed layers";
        if (counts.GetValueOrDefault("linear") is > 0 and var linears)
            yield return $"linear: {linears} MatMul + bias Add pairs fused into linear layers";
        if (counts.GetValueOrDefault("class_token") > 0 || counts.GetValueOrDefault("pos_embed") > 0)
            yield return "ViT embeddings: the learned class token concatenated before the tokens and the learned position embedding added to them became class_token and pos_embed layers";
        if (counts.GetValueOrDefault("qdq") > 0 || counts.GetValueOrDefault("qlinear") > 0)
            yield return QuantNote(network, counts.GetValueOrDefault("qdq"), counts.GetValueOrDefault("qlinear"), counts.GetValueOrDefault("requantize"));
        if (counts.GetValueOrDefault("batchnorm") is > 0 and var bn)
        {
            var channels = counts["batchnorm_channels"];
            yield return $"BatchNormalization: {bn} nodes kept as batchnorm layers, each counted as 2 parameters per channel (scale and shift, "
                + $"{2L * channels:N0} in all) as PyTorch counts them; their running mean and variance ({2L * channels:N0} more values) are statistics, "
                + "not parameters. At inference all four fold into the preceding convolution's weights and bias, so the accelerator has no batch-norm stage";
        }
    }

    private static string QuantNote(Network network, int qdq, int qlinear, int requantize)
    {
        var macs = network.Layers.Where(l => l.Macs > 0).ToList();
        var quantized = macs.Count(l => l.Quantization is not null);
        var perChannel = macs.Count(l => l.Quantization?.Weights.PerChannel == true);
        var wide = network.Layers.Where(l => l.Precision == Precision.Int16).Select(l => l.Name).ToList();
        var parts = new List<string>();
        if (qdq > 0) parts.Add($"{qdq} QuantizeLinear/DequantizeLinear nodes on activations became the int8 tensors between layers");
        if (qlinear > 0) parts.Add($"{qlinear} QLinearConv/QLinearMatMul became int8 layers");
        if (requantize > 0) parts.Add($"{requantize} of the QuantizeLinear nodes quantize a tensor the model already quantized at other parameters and became requantize layers");
        var storage = wide.Count == 0 ? ""
            : $"; {string.Join(", ", wide.Take(6))}{(wide.Count > 6 ? ", …" : "")} store values q − zero point that need 9 bits (a uint8 zero point other than 128) and are int16";
        return $"quantized model: {string.Join("; ", parts)}; {quantized} of {macs.Count} MAC layers are quantized ({perChannel} with per-channel weight scales), "
               + $"{macs.Count - quantized} stay float and run at the network's data type (--precision){storage}";
    }
}
