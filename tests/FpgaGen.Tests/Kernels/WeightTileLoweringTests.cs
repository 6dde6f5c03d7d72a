using FpgaGen.Estimation;
using FpgaGen.Kernels;
using FpgaGen.Kernels.Kinds;
using FpgaGen.Kernels.Lowering;
using FpgaGen.Kernels.Weights;
using FpgaGen.Tests.Codegen;
using FpgaGen.Tests.Estimation;
using FpgaGen.Tests.Model;
using Xunit;

namespace FpgaGen.Tests.Kernels;

/// <summary>
/// conv_tiled's designs store their static weights per Tm × Tn engine tile (KernelKind.LoweringFor,
/// LoweringOptions.WeightTile): the sections, the addressing the kernels get, and that the explorer, which searches
/// on the kind's configuration-free lowering, estimates every design exactly as the design's own lowering does.
/// </summary>
public class WeightTileLoweringTests
{
    [Theory]
    [InlineData("alexnet_grouped", "sv_de5net", "Tm=28,Tn=16,Tr=13,Tc=13,vu=16", Precision.Int8)] // PipeCNN's 448 lanes: 7 whole beats a tap
    [InlineData("vgg16", "a10_385a", "Tm=64,Tn=7,Tr=14,Tc=14,vu=16", Precision.Fp32)]               // a lane's 7 channels straddle beats
    [InlineData("resnet50", "u250", "Tm=32,Tn=12,Tr=14,Tc=14,vu=16", Precision.Int16)]              // 384 of 416 elements (13 beats) a block
    public void TheDesignsOwnLoweringEstimatesAsTheExplorersDoes(string network, string device, string set, Precision precision)
    {
        var kind = KernelKinds.Get("conv_tiled");
        var config = kind.Space.Parse(set);
        var net = ZooTests.Load(network);
        var target = new Target(EstimationTestData.Device(device), precision);
        var tiled = Lowerer.Lower(net, kind.LoweringFor(config), precision, 1);
        Assert.All(tiled.MacSteps, s => Assert.Equal(new WeightTile(config["Tm"], config["Tn"]), s.Shape.WeightTile));
        var (searched, searchedLayers) = new Estimator(kind, Lowerer.Lower(net, kind.Lowering, precision, 1), target).EvaluateLayers(config);
        var (built, builtLayers) = new Estimator(kind, tiled, target).EvaluateLayers(config);
        Assert.Equal(searched.Cycles, built.Cycles);
        Assert.Equal(searchedLayers.Select(l => (l.Layer.Name, l.Cycles, l.Bytes)), builtLayers.Select(l => (l.Layer.Name, l.Cycles, l.Bytes)));
        Assert.Equal(searched.Resources.Dsp, built.Resources.Dsp);
    }

    [Fact]
    public void EveryOutputChannelTileOfAGroupIsOneRunOfWholeBlocks()
    {
        // tiny_mix's c2 has two groups of 4 input and 4 output channels; at Tm = 8, Tn = 3 (fp32, 16 a beat) a block is
        // 24 weights padded to 32, two channel tiles a group, 9 taps: 576 elements a group, w_o the same (one output tile).
        var design = CodegenSupport.Design("tiny_mix", "conv_tiled", "Tm=8,Tn=3,Tr=7,Tc=7,vu=8", "fp32");
        var c2 = design.Lowered.MacSteps.Single(s => s.Name == "c2");
        Assert.Equal(2, c2.Shape.Groups);
        Assert.Equal(new SectionTile(8, 3, 32, 2), c2.Weight!.Tile);
        Assert.Equal((0L, 576L, 576L, 0L, 32L), (c2.WAddr.B, c2.WAddr.G, c2.WAddr.C, c2.WAddr.Y, c2.WAddr.X));
        Assert.Equal(2 * 576L, c2.Weight.Count);
        Assert.Equal((8L, 3L), (c2.Args["w_tm"], c2.Args["w_tn"]));
        // Arrange puts model element (o, i, tap) of group g where the kernels read it, zeros in the padding.
        var values = Enumerable.Range(1, 8 * 4 * 9).Select(v => (double)v).ToArray();
        var stored = c2.Weight.Arrange(values);
        Assert.Equal(values.Length, stored.Count(v => v != 0));
        // o = 6 is group 1's output 2; i = 3 is channel tile 1's channel 0; tap 4.
        Assert.Equal(values[(6 * 4 + 3) * 9 + 4], stored[576 + (1 * 9 + 4) * 32 + 2 * 3 + 0]);
    }

    [Fact]
    public void OnlyConvTiledDesignsTileTheirWeights()
    {
        foreach (var kind in KernelKinds.All().Where(k => k.Id != "conv_tiled"))
        {
            var config = kind.Space.Enumerate().First();
            Assert.Equal(kind.Lowering, kind.LoweringFor(config));
        }
    }
}
