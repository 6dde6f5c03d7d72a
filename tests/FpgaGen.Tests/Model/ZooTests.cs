using FpgaGen.Model;
using FpgaGen.Model.Designs;

namespace FpgaGen.Tests.Model;

/// <summary>The bundled designs must reproduce torchvision's published parameter counts exactly and its MACs within 1%.</summary>
public class ZooTests
{
    public static Network Load(string name) => DesignLoader.Load(Path.Combine(DataPaths.Designs, name + ".yaml"));

    // Parameter counts: sum(p.numel() for p in model.parameters()) of torchvision's models.
    // MACs: torchvision model docs "GFLOPS" column (which counts multiply-accumulates).
    [Theory]
    [InlineData("alexnet", 61_100_840L, 0.714)]
    [InlineData("vgg16", 138_357_544L, 15.47)]
    [InlineData("resnet50", 25_557_032L, 4.089)]
    [InlineData("resnet18", 11_689_512L, 1.814)]
    [InlineData("vit_b16", 86_567_656L, 17.564)]
    public void MatchesTorchvision(string design, long parameters, double gmacs)
    {
        var net = Load(design);
        Assert.Equal(parameters, net.Params);
        Assert.InRange(net.Macs / 1e9, gmacs * 0.99, gmacs * 1.01);
        Assert.Equal(parameters, net.Reference!.Params);
    }

    [Fact]
    public void OriginalAlexNetHasItsPublishedSize()
    {
        // 2012 AlexNet with two groups: 60,965,224 parameters and 724M MACs (the figure Eyeriss, ISSCC 2016, uses).
        var net = Load("alexnet_grouped");
        Assert.Equal(60_965_224L, net.Params);
        Assert.InRange(net.Macs / 1e6, 720, 728);
        Assert.Equal(new Shape(96, 55, 55), net["conv1"].Output);
        Assert.Equal(2, ((ConvLayer)net["conv2"]).Groups);
    }

    [Fact]
    public void ResNet50HasTorchvisionStructure()
    {
        var net = Load("resnet50");
        Assert.Equal(53, net.Layers.Count(l => l is ConvLayer));
        Assert.Equal(16, net.Layers.Count(l => l is AddLayer));
        Assert.Equal(new Shape(2048, 7, 7), net["layer4.2.relu_out"].Output);
        // The first block of each stage projects its shortcut; the others add the block input directly.
        Assert.Equal(["layer1.0.bn3", "layer1.0.downsample_bn"], net["layer1.0.add"].Inputs);
        Assert.Equal(["layer1.1.bn3", "layer1.0.relu_out"], net["layer1.1.add"].Inputs);
        Assert.Equal(2, ((ConvLayer)net["layer2.0.conv2"]).Stride);
    }

    [Fact]
    public void VitB16HasTwelveEncoderBlocks()
    {
        var net = Load("vit_b16");
        Assert.Equal(12, net.Layers.Count(l => l is AttentionLayer));
        Assert.Equal(25, net.Layers.Count(l => l is LayerNormLayer));
        Assert.Equal(new Shape(197, 768), net["encoder.11.add_2"].Output);
        Assert.Equal(new Shape(1000), net.Layers[^1].Output);
    }

    [Fact]
    public void Vgg16Has13ConvolutionsAnd3FullyConnected()
    {
        var net = Load("vgg16");
        Assert.Equal(13, net.Layers.Count(l => l is ConvLayer));
        Assert.Equal(3, net.Layers.Count(l => l is LinearLayer));
        Assert.Equal(new Shape(512, 7, 7), net["block5.0.pool"].Output);
    }

    [Fact]
    public void EveryBundledDesignLoadsAndLowers()
    {
        foreach (var file in Directory.GetFiles(DataPaths.Designs, "*.yaml"))
        {
            var net = DesignLoader.Load(file);
            Assert.True(net.Macs > 0, file);
            // Every layer with MACs must lower to engine steps carrying exactly those MACs.
            var lowered = FpgaGen.Kernels.Lowering.Lowerer.Lower(net, default, Precision.Fp32, 1);
            foreach (var layer in net.Layers)
                Assert.Equal(layer.Macs, lowered.MacSteps.Where(s => s.Layers[0] == layer.Name).Sum(s => s.Shape.Macs));
        }
    }

    [Theory]
    [InlineData(1, Precision.Fp32)]
    [InlineData(8, Precision.Int8)]
    public void AnalysisScalesWithBatchAndPrecision(int batch, Precision precision)
    {
        var net = Load("alexnet");
        var f = Analysis.Analyze(net, batch, precision);
        Assert.Equal(net.Macs * batch, f.Macs);
        Assert.Equal(net.Params, f.Params);
        Assert.Equal(net.Params * precision.Bytes(), f.WeightBytes);
        Assert.Equal(64L * 55 * 55 * batch * precision.Bytes(), f.Layers[0].ActivationBytes);
    }
}
