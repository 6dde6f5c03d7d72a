using FpgaGen.Kernels.Lowering;
using FpgaGen.Model;

namespace FpgaGen.Tests.Codegen;

/// <summary>
/// Invariants of the lowering on every zoo network and engine: it does exactly the arithmetic of the model and what
/// the estimate assumed (fused, folded and view layers as ExecutionModes classified them), tensors that live at the
/// same time never share arena space, and the weights blob's sections are aligned and disjoint.
/// </summary>
public class LoweringTests
{
    public static TheoryData<string, string, int> Cases => new()
    {
        { "alexnet", "conv_tiled", 1 }, { "vgg16", "conv_systolic", 2 }, { "resnet50", "gemm", 1 }, { "resnet50", "conv_tiled", 3 },
        { "vit_b16", "gemm", 2 }, { "vit_b16", "ln_linear", 1 }, { "tiny_cnn", "conv_systolic", 4 }, { "tiny_mix", "gemm", 2 },
    };

    private static readonly Dictionary<string, string> Params = new()
    {
        ["conv_tiled"] = "Tm=32,Tn=8,Tr=14,Tc=14,vu=16",
        ["conv_systolic"] = "rows=8,cols=7,simd=8,tile_h=7,vu=16",
        ["gemm"] = "Tm=32,Tn=16,Tk=16,vu=16",
        ["ln_linear"] = "Tm=32,Tn=16,Tk=16,vu=16",
    };

    private static LoweredNetwork Lower(string network, string kernel, int batch) =>
        CodegenSupport.Design(network, kernel, Params[kernel], "fp32", batch).Lowered;

    [Theory]
    [MemberData(nameof(Cases))]
    public void MacStepsDoTheModelsArithmetic(string network, string kernel, int batch)
    {
        var net = Lower(network, kernel, batch);
        Assert.Equal(net.Network.Macs * batch, net.MacSteps.Sum(s => s.Shape.Macs));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EveryLayerIsComputedOnceAsTheEstimateAssumed(string network, string kernel, int batch)
    {
        var net = Lower(network, kernel, batch);
        var fusable = ExecutionModes.FusableLayerNorms(net.Network);
        var covered = net.Steps.SelectMany(s => s.Layers).Distinct().ToHashSet();
        for (var i = 0; i < net.Network.Layers.Count; i++)
        {
            var layer = net.Network.Layers[i];
            var fusedLn = kernel == "ln_linear" && fusable.Contains(i);
            var view = layer is FlattenLayer;
            Assert.True(covered.Contains(layer.Name) != (fusedLn || view), $"layer {layer.Name} ({layer.Kind}) computed: {covered.Contains(layer.Name)}");
            Assert.Equal(fusedLn ? Execution.FusedLayerNorm : view ? Execution.View : net.Execution[i], net.Execution[i]);
            if (net.Execution[i] is Execution.Fused or Execution.Folded)
            {
                // Fused ReLU and folded batch norm ride on the step of the MAC layer before them; a residual add's ReLU
                // on the add's last step (max(a + s, 0)).
                var step = net.Steps.Single(s => s.Layers.Contains(layer.Name));
                if (step is MapStep add) Assert.Equal((MapOp.AddRelu, true), (add.Op, net.Network[add.Layers[0]] is AddLayer));
                else Assert.IsType<MacStep>(step);
                Assert.NotEqual(layer.Name, step.Layers[0]);
            }
        }
        if (kernel == "ln_linear") Assert.Equal(fusable.Count > 0, net.MacSteps.Any(s => s.Normalizes));
        else Assert.DoesNotContain(net.MacSteps, s => s.Normalizes);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void LiveTensorsNeverShareArenaSpace(string network, string kernel, int batch)
    {
        var net = Lower(network, kernel, batch);
        var tensors = net.Tensors;
        foreach (var a in tensors)
        {
            Assert.True(a.Offset >= 0 && a.Offset + a.Elements * batch <= net.ArenaElements, $"{a} is outside the arena");
            Assert.Equal(0, a.Offset % ArenaAllocator.Alignment);
            foreach (var b in tensors)
            {
                if (ReferenceEquals(a, b)) continue;
                var lifetimes = a.FirstUse <= b.LastUse && b.FirstUse <= a.LastUse;
                var space = a.Offset < b.Offset + b.Elements * batch && b.Offset < a.Offset + a.Elements * batch;
                Assert.False(lifetimes && space, $"{a} and {b} are live together and overlap");
            }
        }
        // Reuse works: the arena is smaller than all tensors side by side (every zoo network has dead intermediates).
        Assert.True(net.ArenaElements < tensors.Sum(t => t.Elements * batch) || tensors.Count < 4);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void WeightSectionsAreAlignedAndDisjoint(string network, string kernel, int batch)
    {
        var net = Lower(network, kernel, batch);
        var layout = net.Weights;
        var sections = layout.Steps.SelectMany(s => new[] { s.Weight, s.Bias, s.LnVectors, s.Affine, s.AParam, s.SParam, s.Ints, s.Floats })
            .OfType<FpgaGen.Kernels.Weights.WeightSection>().Prepend(layout.Header).OrderBy(s => s.Offset).ToList();
        for (var i = 0; i < sections.Count; i++)
        {
            Assert.Equal(0, sections[i].Offset % FpgaGen.Kernels.Weights.WeightsLayout.Alignment);
            if (i > 0) Assert.True(sections[i - 1].Offset + sections[i - 1].Bytes <= sections[i].Offset);
        }
        Assert.True(sections[^1].Offset + sections[^1].Bytes <= layout.TotalBytes);
        // Every learned weight is in the blob once, batch norms and LayerNorms folded away.
        var folded = net.Network.Layers.Sum(l => l switch
        {
            ConvLayer c => c.Params - (c.Bias ? c.OutChannels : 0),
            LinearLayer f => f.Params - (f.Bias ? f.OutFeatures : 0),
            PatchEmbedLayer p => p.Params - (p.Bias ? p.Dim : 0),
            AttentionLayer a => 4L * a.InputShapes[0][1] * a.InputShapes[0][1],
            ClassTokenLayer or PositionEmbedLayer => l.Params,
            _ => 0,
        });
        Assert.Equal(folded, layout.Steps.Sum(s => (s.Weight?.TensorCount ?? 0) + (s.AParam?.Count ?? 0) + (s.SParam?.Count ?? 0)));
        // Weights stored channels innermost: per output and tap a run of at least the in-channels, whole beats or a
        // power of two below one (so a run never straddles a beat).
        var beat = 64 / net.Precision.Bytes();
        foreach (var w in layout.Steps.Select(s => s.Weight).OfType<FpgaGen.Kernels.Weights.WeightSection>().Where(w => w.ChannelRun > 0))
        {
            Assert.True(w.ChannelRun >= w.Shape![1] && (w.ChannelRun % beat == 0 || beat % w.ChannelRun == 0), $"run {w.ChannelRun} for {w.Shape[1]} channels");
            Assert.Equal((long)w.Shape[0] * w.Shape[2] * w.Shape[3] * w.ChannelRun, w.Count);
        }
    }

    [Fact]
    public void AttentionBecomesFiveStepsWithPerHeadProducts()
    {
        var net = Lower("vit_b16", "gemm", 1);
        var parts = net.Steps.Where(s => s.Layers.SequenceEqual(["encoder.0.self_attention"])).Select(s => s.Name).ToList();
        Assert.Equal(["encoder.0.self_attention/qkv", "encoder.0.self_attention/scores", "encoder.0.self_attention/softmax",
            "encoder.0.self_attention/context", "encoder.0.self_attention"], parts);
        var scores = net.MacSteps.Single(s => s.Name == "encoder.0.self_attention/scores");
        Assert.Equal(12, scores.Shape.Groups);
        Assert.Equal(64, scores.Shape.NIn);
        Assert.NotNull(scores.WTensor);
        var softmax = net.Steps.OfType<RowStep>().Single(s => s.Name == "encoder.0.self_attention/softmax");
        Assert.Equal(1 / 8.0, softmax.InputFactor, 12);
    }

    [Fact]
    public void LinearLayersFoldTheBatchIntoRows()
    {
        // One weight tile serves every sample: batch 4 of ViT's MLP is one product over 4 x 197 rows.
        var net = Lower("vit_b16", "gemm", 4);
        var fc1 = net.MacSteps.Single(s => s.Name == "encoder.3.mlp_fc1");
        Assert.Equal(1, fc1.Shape.Batch);
        Assert.Equal(4 * 197, fc1.Shape.OW);
    }
}
