using FpgaGen.Estimation;
using FpgaGen.Kernels;
using FpgaGen.Kernels.Kinds;
using FpgaGen.Kernels.Lowering;
using FpgaGen.Exploration;
using static FpgaGen.Tests.Estimation.EstimationTestData;

namespace FpgaGen.Tests.Estimation;

/// <summary>Published designs and hand-computed cycle counts the models must reproduce.</summary>
public class KnownResultTests
{
    [Fact]
    public void ZhangCycleCountForAlexNetConv5()
    {
        // Zhang et al. FPGA 2015, Tm=64, Tn=7: cycles = G·⌈M/Tm⌉·⌈N/Tn⌉·R·C·K² with M=128, N=192 per group (G=2),
        // R=C=13, K=3: 2·2·28·13·13·9 = 170,352. The generated engine streams exactly that; on top come the first
        // tile's load (nothing streams yet), the drain of each output-channel tile's accumulators (2·2·13·13) and one
        // pipeline fill: under 1% more.
        var estimator = Estimator("conv_tiled", "alexnet_grouped", "v7_vc707", FpgaGen.Precision.Fp32, freq: 100);
        var (_, layers) = estimator.EvaluateLayers(estimator.Kind.Space.Parse("Tm=64,Tn=7,Tr=13,Tc=13,vu=8"));
        var conv5 = layers.Single(l => l.Layer.Name == "conv5");
        Assert.InRange(conv5.ComputeCycles, 170_352 + 2 * 2 * 13 * 13, 170_352 * 1.01);
    }

    [Fact]
    public void ReproducesZhangsPublishedThroughput()
    {
        // Zhang et al. FPGA 2015: the five convolution layers of the 2012 AlexNet on a VX485T, Tm=64, Tn=7, fp32 at
        // 100 MHz, ran at 61.62 GFLOPS (1.33 GFLOP in 21.61 ms). Our model must land within 10% of that.
        var net = FpgaGen.Model.Designs.DesignLoader.Parse("""
            input: [3, 227, 227]
            layers:
              - {kind: conv, name: conv1, out: 96, kernel: 11, stride: 4}
              - {kind: maxpool, kernel: 3, stride: 2}
              - {kind: conv, name: conv2, out: 256, kernel: 5, pad: 2, groups: 2}
              - {kind: maxpool, kernel: 3, stride: 2}
              - {kind: conv, name: conv3, out: 384, kernel: 3, pad: 1}
              - {kind: conv, name: conv4, out: 384, kernel: 3, pad: 1, groups: 2}
              - {kind: conv, name: conv5, out: 256, kernel: 3, pad: 1, groups: 2}
            """);
        var model = KernelKinds.Get("conv_tiled");
        var estimator = new Estimator(model, Lowerer.Lower(net, model.Lowering, FpgaGen.Precision.Fp32, 1), new Target(Device("v7_vc707"), FpgaGen.Precision.Fp32), 100);
        var (design, layers) = estimator.EvaluateLayers(model.Space.Parse("Tm=64,Tn=7,Tr=13,Tc=13,vu=8"));
        var convMs = layers.Where(l => l.Layer is FpgaGen.Model.ConvLayer).Sum(l => l.Ms);
        var gflops = 2.0 * net.Macs / (convMs * 1e6);
        Assert.InRange(gflops, 61.62 * 0.9, 61.62 * 1.1);
        Assert.Equal(2240, design.Lanes * 5);
    }

    [Fact]
    public void FusingLayerNormRemovesItsPass()
    {
        const string set = "Tm=64,Tn=32,Tk=32,vu=32";
        var plain = Estimator("gemm", "vit_b16", "u280", FpgaGen.Precision.Fp16, freq: 250);
        var fused = Estimator("ln_linear", "vit_b16", "u280", FpgaGen.Precision.Fp16, freq: 250);
        var (p, pl) = plain.EvaluateLayers(plain.Kind.Space.Parse(set));
        var (f, fl) = fused.EvaluateLayers(fused.Kind.Space.Parse(set));
        Assert.True(f.Cycles < p.Cycles);
        Assert.Equal("fused-ln", fl.Single(l => l.Layer.Name == "encoder.0.ln_1").Bound);
        Assert.True(pl.Single(l => l.Layer.Name == "encoder.0.ln_1").Cycles > 0);
        // The final LayerNorm feeds a token select, not a linear layer: it still runs.
        Assert.True(fl.Single(l => l.Layer.Name == "encoder_ln").Cycles > 0);
        Assert.True(f.Resources.Dsp > p.Resources.Dsp);
    }

    [Fact]
    public void BatchNormIsFoldedAndReluFused()
    {
        var estimator = Estimator("conv_systolic", "resnet50", "a10_385a", FpgaGen.Precision.Int8);
        var (_, layers) = estimator.EvaluateLayers(estimator.Kind.Space.Parse("rows=16,cols=14,simd=8,tile_h=7,vu=16"));
        Assert.Equal("folded", layers.Single(l => l.Layer.Name == "bn1").Bound);
        Assert.Equal("fused", layers.Single(l => l.Layer.Name == "relu1").Bound);
        // The residual add is real work on the vector unit; the ReLU after it runs in the same pass.
        Assert.True(layers.Single(l => l.Layer.Name == "layer1.0.add").Cycles > 0);
        Assert.Equal("fused", layers.Single(l => l.Layer.Name == "layer1.0.relu_out").Bound);
        Assert.All(layers, l => Assert.True(l.Cycles >= 0));
    }

    [Fact]
    public void FullyConnectedLayersAtBatchOneStreamTheirWeightsABeatACycle()
    {
        // At batch 1 every weight of a linear layer is used once: the engine can go no faster than its weight port,
        // one 64-byte beat a cycle (weights stored per Tm x Tn tile make every beat whole), while a convolution
        // reuses each weight over its tile's pixels and runs at the MAC array's rate.
        var estimator = Estimator("conv_tiled", "vgg16", "a10_385a", FpgaGen.Precision.Fp32);
        var (_, layers) = estimator.EvaluateLayers(estimator.Kind.Space.Parse("Tm=64,Tn=16,Tr=14,Tc=14,vu=16"));
        var fc6 = layers.Single(l => l.Layer.Name == "fc6");
        // fc6 must move at least its 102.8M fp32 weights, and does so at one beat a cycle (within its fixed costs).
        Assert.True(fc6.Bytes >= 25088L * 4096 * 4);
        Assert.InRange(fc6.Cycles / (25088.0 * 4096 * 4 / 64), 1.0, 1.03);
        Assert.Equal("compute", layers.Single(l => l.Layer.Name == "block3.0.conv2").Bound);
    }
}
