using FpgaGen.Model;
using FpgaGen.Model.Designs;
using Xunit.Abstractions;

namespace FpgaGen.Tests.Onnx;

/// <summary>
/// The graph-only torchvision exports must import to the same network as our hand-written designs. The exports
/// keep BatchNormalization nodes (TrainingMode.PRESERVE), and both sides count batch norm as 2 parameters per
/// channel (scale and shift; running statistics are buffers, as in PyTorch), so parameters agree exactly; MACs
/// must agree within 1 %.
/// </summary>
public class TorchvisionImportTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("alexnet", "alexnet")]
    [InlineData("vgg16", "vgg16")]
    [InlineData("resnet50", "resnet50")]
    [InlineData("vit_b16_opset14", "vit_b16")]
    [InlineData("vit_b16_opset17", "vit_b16")]
    public void ImportMatchesTheDesign(string fixture, string design)
    {
        var imported = OnnxFixtures.Import(fixture).Network;
        var expected = DesignLoader.Load(Path.Combine(DataPaths.Designs, design + ".yaml"));
        output.WriteLine($"{fixture}: {imported.Macs:N0} MACs, {imported.Params:N0} params; {design}.yaml: {expected.Macs:N0} MACs, {expected.Params:N0} params");

        Assert.Equal(expected.Params, imported.Params);
        Assert.InRange(imported.Macs, expected.Macs * 0.99, expected.Macs * 1.01);
        Assert.Equal(expected.Input, imported.Input);
        Assert.Equal(expected.Layers[^1].Output, imported.Layers[^1].Output);
    }
}

public class ImportNotesTests
{
    [Fact]
    public void ResNetNotesExplainTheBatchNormCount()
    {
        var notes = OnnxFixtures.Import("resnet50").Notes;
        var bn = Assert.Single(notes, n => n.StartsWith("BatchNormalization:"));
        // 53 batch norms over 26,560 channels: 53,120 scale and shift parameters, as many running statistics.
        Assert.Contains("53 nodes kept as batchnorm layers", bn);
        Assert.Contains("53,120 in all", bn);
        Assert.Contains(notes, n => n.StartsWith("graph-only export: 267 graph inputs"));
        Assert.Equal(53, OnnxFixtures.Import("resnet50").Network.Layers.Count(l => l.Kind == "batchnorm"));
    }
}
