using FpgaGen.Model;

namespace FpgaGen.Tests.Model;

public class LayerTests
{
    private static Network Build(Shape input, params Layer[] layers) => Network.Build("t", input, layers);

    [Fact]
    public void ConvolutionFollowsPyTorchShapeRule()
    {
        // out = floor((in + 2p - d(k-1) - 1)/s) + 1
        var net = Build(new Shape(3, 224, 224), new ConvLayer("c", ["input"], 64, 11, 11, stride: 4, padH: 2, padW: 2));
        Assert.Equal(new Shape(64, 55, 55), net["c"].Output);
        Assert.Equal(64L * 55 * 55 * 3 * 121, net["c"].Macs);
        Assert.Equal(64L * 3 * 121 + 64, net["c"].Params);

        var dilated = Build(new Shape(8, 32, 32), new ConvLayer("d", ["input"], 8, 3, 3, padH: 2, padW: 2, dilation: 2, groups: 8, bias: false));
        Assert.Equal(new Shape(8, 32, 32), dilated["d"].Output);
        Assert.Equal(8L * 32 * 32 * 9, dilated["d"].Macs);
    }

    [Theory]
    [InlineData(112, 3, 2, 1, false, 56)]
    [InlineData(55, 3, 2, 0, false, 27)]
    [InlineData(56, 3, 2, 0, true, 28)]
    [InlineData(6, 3, 2, 1, true, 4)]
    public void PoolingMatchesPyTorch(int size, int k, int s, int p, bool ceil, int expected)
    {
        var net = Build(new Shape(4, size, size), new PoolLayer("p", ["input"], true, k, s, p, ceil));
        Assert.Equal(expected, net["p"].Output[1]);
    }

    [Fact]
    public void AttentionCountsProjectionsAndHeadProducts()
    {
        var net = Build(new Shape(197, 768), new AttentionLayer("a", ["input"], 12));
        Assert.Equal(4L * 197 * 768 * 768 + 2L * 197 * 197 * 768, net["a"].Macs);
        Assert.Equal(4L * 768 * 768 + 4 * 768, net["a"].Params);
    }

    [Fact]
    public void LinearAppliesPerToken()
    {
        var net = Build(new Shape(197, 768), new LinearLayer("l", ["input"], 3072));
        Assert.Equal(new Shape(197, 3072), net["l"].Output);
        Assert.Equal(197L * 768 * 3072, net["l"].Macs);
    }

    [Fact]
    public void ConcatJoinsChannels()
    {
        var net = Build(new Shape(8, 4, 4),
            new ConvLayer("a", ["input"], 3, 1, 1), new ConvLayer("b", ["input"], 5, 1, 1), new ConcatLayer("c", ["a", "b"]));
        Assert.Equal(new Shape(8, 4, 4), net["c"].Output);
    }

    [Fact]
    public void ShapeErrorsNameTheLayer()
    {
        var e = Assert.Throws<InputException>(() => Build(new Shape(3, 8, 8),
            new ConvLayer("a", ["input"], 4, 1, 1), new AddLayer("sum", ["a", "input"]) { Origin = "net.yaml:7:5" }));
        Assert.Equal("net.yaml:7:5: layer 'sum' (add): cannot add tensors of shapes 4x8x8 and 3x8x8 (a residual add needs equal shapes)", e.Message);
    }

    [Fact]
    public void HugeSizesOverflowCleanly()
    {
        var e = Assert.Throws<InputException>(() => Build(new Shape(2_000_000, 2_000_000, 2_000_000), new ConvLayer("c", ["input"], 1000, 1, 1)));
        Assert.Contains("overflow", e.Message);
    }
}
