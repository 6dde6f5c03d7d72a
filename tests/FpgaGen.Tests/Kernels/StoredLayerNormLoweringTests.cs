using FpgaGen.Kernels.Kinds;
using FpgaGen.Kernels.Lowering;
using FpgaGen.Kernels.Weights;
using FpgaGen.Model;
using FpgaGen.Model.Designs;
using FpgaGen.Tests.Codegen;

namespace FpgaGen.Tests.Kernels;

/// <summary>
/// The fold of a LayerNorm with stored statistics at lowering: no LayerNorm step remains (on every kind), the linear
/// layers after it carry the fold in their weight and bias sections, ViT's final LayerNorm folds through the class-token
/// selection into the head, and a LayerNorm that cannot fold is refused with the reason.
/// </summary>
public class StoredLayerNormLoweringTests
{
    private static Network StoredVit() => CodegenSupport.Network("tiny_vit").WithLayerNormStats(LayerNormStats.Stored);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void NoLayerNormStepRemainsAndTheLinearLayersCarryTheFold(bool fuseOption)
    {
        var net = Lowerer.Lower(StoredVit(), new LoweringOptions(fuseOption), Precision.Fp32, 2);
        Assert.DoesNotContain(net.Steps, s => s is RowStep { LayerNorm: true });
        Assert.DoesNotContain(net.MacSteps, s => s.Normalizes);
        for (var i = 0; i < net.Network.Layers.Count; i++)
            if (net.Network.Layers[i] is LayerNormLayer) Assert.Equal(Execution.Folded, net.Execution[i]);

        var qkv = net.MacSteps.Single(s => s.Name == "encoder.0.self_attention/qkv");
        Assert.Equal("encoder.0.ln_1", qkv.Weight!.FoldStoredLayerNorm);
        Assert.Equal("encoder.0.ln_1", qkv.Bias!.FoldStoredLayerNorm);
        Assert.Equal(["encoder.0.self_attention", "encoder.0.ln_1"], qkv.Layers);
        // The projection reads the LayerNorm's input: the residual stream after the position embedding.
        Assert.Equal("pos_embedding", qkv.X.Name);

        var fc1 = net.MacSteps.Single(s => s.Name == "encoder.1.mlp_fc1");
        Assert.Equal("encoder.1.ln_2", fc1.Weight!.FoldStoredLayerNorm);
        Assert.Equal("encoder.1.add_1", fc1.X.Name);

        // encoder_ln → cls → head: the token is selected before the fold, the head absorbs it.
        var head = net.MacSteps.Single(s => s.Name == "head");
        Assert.Equal("encoder_ln", head.Weight!.FoldStoredLayerNorm);
        Assert.Equal("encoder_ln", head.X.BeforeFoldedLayerNorm);
        Assert.Equal("encoder.1.add_2", head.X.Calibration);

        // Layers without a LayerNorm before them are untouched.
        Assert.All(net.MacSteps.Where(s => s.Name is "encoder.0.mlp_fc2" or "conv_proj" or "encoder.0.self_attention"),
            s => Assert.Null(s.Weight!.FoldStoredLayerNorm));
        Assert.Equal(WeightsLayout.StoredLayerNormFormatId, net.Weights.Format);
        Assert.Equal(net.Network.Macs * 2, net.MacSteps.Sum(s => s.Shape.Macs));
    }

    [Fact]
    public void ALinearLayerWithoutBiasGetsTheFoldedBias()
    {
        var net = Lowerer.Lower(DesignLoader.Parse("""
            input: [4, 8]
            layers:
              - {kind: layernorm, name: ln, stats: stored}
              - {kind: linear, name: fc, out: 3, bias: false}
            """), default, Precision.Fp32, 1);
        var fc = Assert.Single(net.MacSteps);
        Assert.NotNull(fc.Bias);
        Assert.Null(fc.Bias.Source);
        Assert.Equal("ln", fc.Bias.FoldStoredLayerNorm);
        Assert.Equal("input", fc.X.Name);
    }

    [Fact]
    public void RuntimeLayerNormsStillFuseBesideStoredOnes()
    {
        var mixed = DesignLoader.Parse("""
            input: [4, 8]
            layers:
              - {kind: layernorm, name: stored_ln, stats: stored}
              - {kind: linear, name: fc1, out: 8}
              - {kind: layernorm, name: runtime_ln}
              - {kind: linear, name: fc2, out: 3}
            """);
        Assert.Equal([2], ExecutionModes.FusableLayerNorms(mixed));
        var net = Lowerer.Lower(mixed, new LoweringOptions(FuseLayerNorm: true), Precision.Int8, 1);
        Assert.False(net.MacSteps[0].Normalizes);
        Assert.Equal("stored_ln", net.MacSteps[0].Weight!.FoldStoredLayerNorm);
        Assert.True(net.MacSteps[1].Normalizes);
        Assert.Null(net.MacSteps[1].Weight!.FoldStoredLayerNorm);
        Assert.Equal("runtime_ln", net.MacSteps[1].Weight!.FoldLayerNorm);
        Assert.Equal(WeightsLayout.StoredLayerNormFormatId, net.Weights.Format);
    }

    [Fact]
    public void TheFusedLayerNormKindDoesNotApplyWhenEveryLayerNormFolds()
    {
        var ln = KernelKinds.Get("ln_linear");
        Assert.True(ln.AppliesTo(CodegenSupport.Network("tiny_vit")));
        Assert.False(ln.AppliesTo(StoredVit()));
        var runtime = Lowerer.Lower(CodegenSupport.Network("tiny_vit"), default, Precision.Fp32, 1);
        Assert.DoesNotContain(runtime.MacSteps, s => s.Weight?.FoldStoredLayerNorm is not null);
        Assert.Equal(WeightsLayout.FormatId, runtime.Weights.Format);
    }

    [Fact]
    public void FoldsNameTheirLinearLayers()
    {
        var folds = ExecutionModes.StoredLayerNormFolds(StoredVit());
        Assert.Equal(5, folds.Count);
        Assert.All(folds, f => Assert.True(f.Folds, f.Problem));
        Assert.Equal(["encoder.0.self_attention"], folds[0].Into.Select(l => l.Name));
        Assert.Equal(["encoder.0.mlp_fc1"], folds[1].Into.Select(l => l.Name));
        Assert.Equal(["head"], folds[4].Into.Select(l => l.Name));
        Assert.Equal(["cls"], folds[4].Through.Select(l => l.Name));
        Assert.Empty(folds[0].Through);
    }

    [Theory]
    [InlineData("- {kind: add, from: [ln, input]}", "'add1' (add) reads it and is not a linear or attention layer")]
    [InlineData("- gelu", "'gelu1' (gelu) reads it")]
    [InlineData("", "it is the network's output")]
    public void ALayerNormThatCannotFoldIsRefusedWithTheReason(string after, string reason)
    {
        var net = DesignLoader.Parse($"""
            input: [4, 8]
            layers:
              - {"{"}kind: layernorm, name: ln, stats: stored{"}"}
              {after}
            """);
        var fold = Assert.Single(ExecutionModes.StoredLayerNormFolds(net));
        Assert.False(fold.Folds);
        Assert.Contains(reason, fold.Problem);
        var e = Assert.Throws<InputException>(() => Lowerer.Lower(net, default, Precision.Fp32, 1));
        Assert.Contains("design.yaml:3:", e.Message);
        Assert.Contains("layer 'ln' (layernorm, stats: stored): cannot fold: " + reason, e.Message);
    }
}
