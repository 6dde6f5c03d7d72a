using FpgaGen.Model;

namespace FpgaGen.Tests.Onnx;

/// <summary>
/// ViT-B/16 exported at opset 14 (LayerNorm decomposed into nine nodes) and opset 17 (LayerNormalization) must give
/// the same IR, with the unrolled attention, LayerNorm and GELU fused into the layers the fused kernels implement.
/// </summary>
public class VitImportTests
{
    private static Network Opset14 => OnnxFixtures.Import("vit_b16_opset14").Network;
    private static Network Opset17 => OnnxFixtures.Import("vit_b16_opset17").Network;

    [Fact]
    public void BothOpsetsGiveTheSameLayers()
    {
        static IEnumerable<string> Describe(Network n) =>
            n.Layers.Select(l => $"{l.Kind} {l.Details} {string.Join(",", l.InputShapes)} -> {l.Output} {l.Macs} {l.Params}");
        Assert.Equal(Describe(Opset17), Describe(Opset14));
        Assert.Equal(Opset17.Layers.Select(l => l.Name), Opset14.Layers.Select(l => l.Name));
    }

    [Fact]
    public void TheDecomposedLayerNormBecomesLayerNormLayers()
    {
        var norms = Opset14.Layers.OfType<LayerNormLayer>().ToList();
        Assert.Equal(25, norms.Count); // two per encoder block, one after the encoder
        Assert.All(norms, n => Assert.Equal(new Shape(197, 768), n.Output));
        Assert.Equal("encoder/layers/encoder_layer_0/ln_1", norms[0].Name);
        Assert.Contains(OnnxFixtures.Import("vit_b16_opset14").Notes, n => n.StartsWith("layernorm: 25 decomposed LayerNorms"));
        Assert.DoesNotContain(OnnxFixtures.Import("vit_b16_opset17").Notes, n => n.StartsWith("layernorm:"));
    }

    [Fact]
    public void AttentionBecomesAttentionLayersOfTwelveHeads()
    {
        var attention = Opset14.Layers.OfType<AttentionLayer>().ToList();
        Assert.Equal(12, attention.Count);
        Assert.All(attention, a =>
        {
            Assert.Equal(12, a.Heads);
            Assert.True(a.Bias);
            Assert.Equal(new Shape(197, 768), a.Output);
        });
        Assert.Equal("encoder/layers/encoder_layer_11/self_attention", attention[^1].Name);
        // No piece of the unrolled attention is left over as a layer of its own.
        Assert.DoesNotContain(Opset14.Layers, l => l is SoftmaxLayer or ElementwiseLayer or SliceLayer);
    }

    [Fact]
    public void TheEmbeddingsAndHeadMapToTheVitLayers()
    {
        var kinds = Opset14.Layers.Select(l => l.Kind).ToList();
        Assert.Equal(["patch_embed", "class_token", "pos_embed", "layernorm", "attention", "add"], kinds.Take(6));
        Assert.Equal(["layernorm", "select_token", "linear"], kinds.TakeLast(3));
        Assert.Equal(12, kinds.Count(k => k == "gelu"));
        var patch = Assert.IsType<PatchEmbedLayer>(Opset14.Layers[0]);
        Assert.Equal((16, 768), (patch.Patch, patch.Dim));
        Assert.Equal(0, Assert.IsType<SelectTokenLayer>(Opset14.Layers[^2]).Index);
    }
}
