using FpgaGen.Kernels.Kinds;
using FpgaGen.Kernels.Lowering;
using FpgaGen.Tests.Codegen;
using Xunit;

namespace FpgaGen.Tests.Kernels;

/// <summary>
/// conv_systolic asks for maps stored H×W×C between steps (LoweringOptions.ChannelsInnermost): the lowering's
/// addressing, the pooling steps' layout, the permuted weights of a linear layer after a flatten, and the tensors
/// that must keep the model's C×H×W order (the network input, its output, a flatten read element-wise).
/// </summary>
public class ChannelsInnermostLoweringTests
{
    private static LoweredNetwork Lower(string network, string kind) =>
        Lowerer.Lower(CodegenSupport.Network(network), KernelKinds.Get(kind).Lowering, Precision.Fp32, batch: 2);

    [Fact]
    public void ConvSystolicStoresMapsBetweenStepsChannelsInnermost()
    {
        var net = Lower("tiny_mix", "conv_systolic");
        Assert.False(net.Input.ChannelsInnermost);
        var maps = net.Tensors.Where(t => t.Shape.Count == 3 && t != net.Input).ToList();
        Assert.NotEmpty(maps);
        Assert.All(maps, t => Assert.True(t.ChannelsInnermost, t.Name));
        // A convolution reads the C×H×W input (x_x = 1) and writes H×W×C (y_c = 1, y_x = channels).
        var c1 = net.Steps.OfType<MacStep>().First(s => s.Name == "c1");
        Assert.Equal((1L, 13L * 13), (c1.XAddr.X, c1.XAddr.C));
        Assert.Equal((1L, 8L), (c1.YAddr.C, c1.YAddr.X));
        // The grouped c2 finds its second group's channels at offset 4 of each pixel.
        var c2 = net.Steps.OfType<MacStep>().First(s => s.Name == "c2");
        Assert.Equal(4L, c2.XAddr.G);
        Assert.All(net.Steps.OfType<PoolStep>(), p => Assert.Equal(1L, p.Args["hwc"]));
        // Concatenation joins along each pixel's channels: a row per pixel into a column offset.
        var cat = net.Steps.OfType<MapStep>().Where(s => s.Layers.Contains("cat")).ToList();
        Assert.Equal([0L, 8L], cat.Select(s => s.YAddr.Off));
        Assert.All(cat, s => Assert.Equal(14L, s.YAddr.Y));
    }

    [Fact]
    public void ALinearLayerAfterAFlattenReadsItsWeightsPixelByPixel()
    {
        var fc = Lower("tiny_mix", "conv_systolic").Steps.OfType<MacStep>().First(s => s.Name == "fc");
        // The 14×3×2 map flattened channels innermost: weights stored as [10, 14, 3, 2] with runs of 14 channels.
        Assert.Equal([10, 14, 3, 2], fc.Weight!.Shape!);
        Assert.Equal(14, fc.Weight.ChannelRun);
        var values = Enumerable.Range(0, 10 * 84).Select(i => (double)i).ToArray();
        var stored = fc.Weight.Arrange(values);
        // Feature (c, y, x) of output o is model column c·6 + y·2 + x, stored at column (y·2 + x)·14 + c.
        Assert.Equal(values[3 * 84 + 5 * 6 + 1 * 2 + 1], stored[3 * 84 + (1 * 2 + 1) * 14 + 5]);
        // conv_tiled keeps C×H×W: the weights stay in the model's order.
        var tiled = Lower("tiny_mix", "conv_tiled").Steps.OfType<MacStep>().First(s => s.Name == "fc");
        Assert.Equal(0, tiled.Weight!.ChannelRun);
        Assert.DoesNotContain(Lower("tiny_mix", "conv_tiled").Tensors, t => t.ChannelsInnermost);
    }

    [Fact]
    public void TensorsTiedToTheOutputOrAnElementwiseFlattenKeepTheModelsOrder()
    {
        var net = Lower("tiny_map_out", "conv_systolic");
        var layout = net.Tensors.ToDictionary(t => t.Name, t => t.ChannelsInnermost);
        // pool2 (the output) keeps its input's layout, so add, conv2 and conv3 write C×H×W; pool1 and lrn1 are free.
        Assert.Equal([false, false, false, false, false], new[] { "pool2", "add", "conv2", "conv3", "down" }.Select(n => layout[n]));
        Assert.True(layout["pool1"] && layout["lrn1"] && layout["conv1"]);
        // No step converts a layout: one step per computed layer (the three-input add takes two).
        Assert.Equal(9, net.Steps.Count);
        // A flatten that a requantization reads pins its class to C×H×W.
        var quant = Lowerer.Lower(FpgaGen.Onnx.OnnxImporter.Import(Path.Combine(DataPaths.Root, "tests", "fixtures", "onnx", "qlinear_ops.onnx")).Network,
            KernelKinds.Get("conv_systolic").Lowering, Precision.Int16, batch: 1);
        Assert.DoesNotContain(quant.Tensors, t => t.ChannelsInnermost);
    }

    [Fact]
    public void StoredOrderPermutesEachSample()
    {
        var t = Lower("tiny_map_out", "conv_systolic").Tensors.First(t => t.Name == "pool1");
        Assert.True(t.ChannelsInnermost);
        int c = t.Shape[0], h = t.Shape[1], w = t.Shape[2];
        var model = Enumerable.Range(0, 2 * c * h * w).Select(i => (float)i).ToArray();
        var stored = t.InStoredOrder(model, 2);
        // Sample 1, channel 3, pixel (2, 4).
        Assert.Equal(model[c * h * w + (3 * h + 2) * w + 4], stored[c * h * w + (2 * w + 4) * c + 3]);
    }
}
