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
/// conv_tiled's designs store their static weights per Tm × Tn engine tile, conv_systolic's per rows × simd
/// (KernelKind.LoweringFor, LoweringOptions.WeightTile): the sections, the addressing the kernels get, and that the
/// explorer, which searches on the kind's configuration-free lowering, estimates every design exactly as the design's
/// own lowering does.
/// </summary>
public class WeightTileLoweringTests
{
    [Theory]
    [InlineData("conv_tiled", "alexnet_grouped", "sv_de5net", "Tm=28,Tn=16,Tr=13,Tc=13,vu=16", Precision.Int8)] // PipeCNN's 448 lanes: 7 whole beats a tap
    [InlineData("conv_tiled", "vgg16", "a10_385a", "Tm=64,Tn=7,Tr=14,Tc=14,vu=16", Precision.Fp32)]               // a lane's 7 channels straddle beats
    [InlineData("conv_tiled", "resnet50", "u250", "Tm=32,Tn=12,Tr=14,Tc=14,vu=16", Precision.Int16)]              // 384 of 416 elements (13 beats) a block
    [InlineData("conv_systolic", "resnet50", "zcu102", "rows=16,cols=8,simd=16,tile_h=7,vu=16", Precision.Int8)]  // the DPU row's array
    [InlineData("conv_systolic", "vgg16", "zcu102", "rows=16,cols=8,simd=16,tile_h=14,vu=16", Precision.Int8)]    // fc6 reads the 7×7×512 map pixel by pixel
    public void TheDesignsOwnLoweringEstimatesAsTheExplorersDoes(string kernel, string network, string device, string set, Precision precision)
    {
        var kind = KernelKinds.Get(kernel);
        var config = kind.Space.Parse(set);
        var net = ZooTests.Load(network);
        var target = new Target(EstimationTestData.Device(device), precision);
        var tiled = Lowerer.Lower(net, kind.LoweringFor(config), precision, 1);
        var tile = kernel == "conv_tiled" ? new WeightTile(config["Tm"], config["Tn"]) : new WeightTile(config["rows"], config["simd"]);
        Assert.All(tiled.MacSteps, s => Assert.Equal(tile, s.Shape.WeightTile));
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
    public void ALinearLayerReadingAFlattenedMapPixelByPixelKeepsThatOrderInItsTiles()
    {
        // conv_systolic stores maps H×W×C: fc6 of VGG-16 reduces its 25,088 features pixel by pixel (C = 512 a pixel).
        var kind = KernelKinds.Get("conv_systolic");
        var config = kind.Space.Parse("rows=16,cols=8,simd=16,tile_h=14,vu=16");
        var fc6 = Lowerer.Lower(ZooTests.Load("vgg16"), kind.LoweringFor(config), Precision.Int8, 1).MacSteps.Single(s => s.Name == "fc6");
        Assert.Equal(new SectionTile(16, 16, 256, 1, 512), fc6.Weight!.Tile);
        // Engine input i = 7 * 512 + 3 is channel 3 of pixel 7; output 20 is tile 1's lane 4; i is channel tile 224's lane 3.
        var values = new double[4096L * 25088];
        long source = (20L * 512 + 3) * 49 + 7;
        values[source] = 1;
        var stored = fc6.Weight.Arrange(values);
        long tile = 25088 / 16 * 256;
        Assert.Equal(1, stored[1 * tile + 224 * 256 + 4 * 16 + 3]);
        Assert.Equal(1, stored.Sum());
    }

    [Theory]
    [InlineData("conv_systolic", "rows=4,cols=4,simd=2,tile_h=2,vu=8")] // 8 int8 weights a block: a beat is 64
    [InlineData("conv_tiled", "Tm=8,Tn=2,Tr=7,Tc=7,vu=8")]
    public void ATileOfFewerWeightsThanHalfABeatKeepsTheChannelRuns(string kernel, string set)
    {
        // Padding every block to a beat would multiply VGG-16's weights by 8: such an engine keeps the channel-run
        // layout (the model's size), and its estimate is the explorer's.
        var kind = KernelKinds.Get(kernel);
        var config = kind.Space.Parse(set);
        var net = ZooTests.Load("vgg16");
        var plain = Lowerer.Lower(net, kind.Lowering, Precision.Int8, 1);
        var design = Lowerer.Lower(net, kind.LoweringFor(config), Precision.Int8, 1);
        Assert.All(design.MacSteps, s => Assert.Null(s.Shape.WeightTile));
        Assert.Equal(plain.Weights.TotalBytes, design.Weights.TotalBytes);
        var target = new Target(EstimationTestData.Device("zcu102"), Precision.Int8);
        Assert.Equal(new Estimator(kind, plain, target).Evaluate(config).Cycles, new Estimator(kind, design, target).Evaluate(config).Cycles);
    }

    [Fact]
    public void GemmAndLnLinearKeepTheirLayouts()
    {
        foreach (var kind in KernelKinds.All().Where(k => k.Id is not ("conv_tiled" or "conv_systolic")))
        {
            var config = kind.Space.Enumerate().First();
            Assert.Equal(kind.Lowering, kind.LoweringFor(config));
        }
    }
}
