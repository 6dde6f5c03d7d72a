using FpgaGen.Codegen;
using FpgaGen.Codegen.Reference;
using FpgaGen.Codegen.Weights;
using FpgaGen.OpenCl;
using FpgaGen.Tests.Model;
using Xunit.Abstractions;

namespace FpgaGen.Tests.Codegen;

public class SmokeScratch(ITestOutputHelper output)
{
    [Theory]
    [InlineData("conv_tiled", "Tm=16,Tn=4,Tr=7,Tc=7,vu=8", "fp32")]
    public void TinyCnn(string kernel, string ps, string prec)
    {
        var net = ZooTests.Load("tiny_cnn");
        var parameters = ps.Split(',').Select(p => p.Split('=')).ToDictionary(p => p[0], p => int.Parse(p[1]));
        var design = AcceleratorDesign.Create(net, kernel, parameters, PrecisionExtensions.Parse(prec), 2);
        var portable = design.Portable();
        File.WriteAllText("/tmp/portable.cl", portable.Source);
        File.WriteAllText("/tmp/intel.cl", design.IntelSource());
        var weights = RandomWeights.For(net, 3);
        var rng = new Random(5);
        var input = Enumerable.Range(0, (int)net.Input.Elements * 2).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var reference = NetworkReference.Run(net, weights, input, 2);
        var blob = WeightPacker.Pack(portable.Weights, weights, NetworkReference.Ranges(reference));
        using var session = OpenClSession.Open();
        using var runner = new PortableRunner(session, portable);
        var y = runner.Run(blob, input);
        var expected = reference[net.Layers[^1].Name];
        var err = y.Zip(expected, (a, b) => Math.Abs(a - b)).Max();
        output.WriteLine($"max err {err}, max ref {expected.Max(Math.Abs)}");
        Assert.True(err < 1e-3);
    }
}
