using FpgaGen.OpenCl;
using FpgaGen.OpenCl.Kernels;

namespace FpgaGen.Tests.OpenCl;

[Collection(OpenClCollection.Name)]
public sealed class ConvKernelTests(OpenClFixture fixture)
{
    [OpenClTheory]
    [InlineData("n=2,c=3,h=11,w=13,o=5,k=3,s=1,p=1", "WGX=8,WGY=8,XPT=1,OPT=4,LMEM=0,CT=1")]
    [InlineData("n=2,c=3,h=11,w=13,o=5,k=3,s=1,p=1", "WGX=4,WGY=2,XPT=2,OPT=3,LMEM=1,CT=2")]
    [InlineData("n=1,c=5,h=9,w=10,o=6,kh=3,kw=2,sy=2,sx=1,py=1,px=0", "WGX=4,WGY=4,XPT=3,OPT=2,LMEM=1,CT=4")]
    [InlineData("n=1,c=4,h=12,w=12,o=7,k=3,s=1,p=2,d=2", "WGX=2,WGY=4,XPT=2,OPT=8,LMEM=0,CT=1")]
    [InlineData("n=1,c=6,h=7,w=7,o=4,k=1,s=2,p=0", "WGX=8,WGY=2,XPT=1,OPT=1,LMEM=1,CT=3")]
    public void MatchesReference(string shapeText, string key)
    {
        var s = fixture.Session;
        var shape = ConvShape.Parse(shapeText);
        var input = TestData.Floats(shape.InputElements, 11);
        var weights = TestData.Floats(shape.WeightElements, 12);
        var bias = TestData.Floats(shape.OutChannels, 13);
        using var conv = ConvKernel.Build(s, shape, KernelParameters.Parse(key));
        using var bi = s.Context.CreateBuffer<float>(input);
        using var bw = s.Context.CreateBuffer<float>(weights);
        using var bb = s.Context.CreateBuffer<float>(bias);
        // NaN everywhere a store must land, then a sentinel tail that no store may reach.
        var initial = TestData.Filled(shape.OutputElements + 8, float.NaN);
        for (var i = shape.OutputElements; i < initial.Length; i++) initial[i] = -7f;
        using var bo = s.Context.CreateBuffer<float>(initial);
        using (var evt = conv.Enqueue(bi, bw, bb, bo)) evt.Wait();
        var output = s.Queue.ReadAll<float>(bo);

        var reference = Reference.Conv(input, weights, bias, shape);
        var check = reference.Compare(output, 1, (int)shape.OutputElements, (int)shape.OutputElements, reference.WorstCaseRelativeTolerance);
        Assert.True(check.Passed, $"{shapeText} {key}: {check}");
        for (var i = shape.OutputElements; i < output.Length; i++) Assert.Equal(-7f, output[i]);
    }

    [Fact]
    public void ShapeTextRoundTrips()
    {
        var shape = ConvShape.Parse("c=64,h=56,w=56,o=128,k=3,s=2,p=1");
        Assert.Equal(1, shape.Batch);
        Assert.Equal(28, shape.OutHeight);
        Assert.Equal(28, shape.OutWidth);
        Assert.Equal(shape, ConvShape.Parse(shape.ToString()));
        Assert.Throws<InputException>(() => ConvShape.Parse("c=3,h=4,w=4,o=2"));        // no kernel size
        Assert.Throws<InputException>(() => ConvShape.Parse("c=3,h=2,w=2,o=2,k=5"));    // empty output
        Assert.Throws<InputException>(() => ConvShape.Parse("c=3,h=8,w=8,o=2,k=3,q=1")); // unknown field
    }
}
