using FpgaGen.Codegen;
using FpgaGen.Kernels.Kinds;

namespace FpgaGen.Tests.Codegen;

/// <summary>
/// The readers' one-load-a-lane fallback is compiled only when a step needs it (GATHER_X, GATHER_W): HLS schedules a
/// pipelined loop for every access in its body, taken or not, so a fallback left in would hold every step's reader at
/// II = lanes.
/// </summary>
public class GatherFallbackTests
{
    private static long Define(AcceleratorDesign d, string name) => d.Plan.Defines.Single(x => x.Name == name).Value;

    private static AcceleratorDesign Design(string network, string kernel, Precision precision)
    {
        var kind = KernelKinds.Get(kernel);
        return AcceleratorDesign.Create(CodegenSupport.Network(network), kernel, kind.Space.Enumerate().First().AsDictionary(), precision, 1,
            CodegenSupport.DefaultDevice(precision));
    }

    public static TheoryData<string, string> ZooByKind()
    {
        var data = new TheoryData<string, string>();
        foreach (var net in new[] { "alexnet", "alexnet_grouped", "vgg16", "resnet18", "resnet50", "vit_b16", "tiny_cnn", "tiny_vit", "tiny_mix", "tiny_lrn", "tiny_map_out" })
            foreach (var kind in new[] { "conv_tiled", "conv_systolic", "gemm", "ln_linear" })
                data.Add(net, kind);
        return data;
    }

    [Theory]
    [MemberData(nameof(ZooByKind))]
    public void NoZooNetworkCompilesTheFallback(string network, string kernel)
    {
        foreach (var precision in new[] { Precision.Fp32, Precision.Int8 })
        {
            var d = Design(network, kernel, precision);
            Assert.Equal(0, Define(d, "GATHER_X"));
            Assert.Equal(0, Define(d, "GATHER_W"));
            if (kernel is "gemm" or "ln_linear") Assert.Equal(0, Define(d, "SCATTER_Y"));
        }
    }

    [Fact]
    public void AStrideWiderThanABeatCompilesTheInputFallbackOnGemmOnly()
    {
        Assert.Equal(1, Define(Design("tiny_gather", "gemm", Precision.Fp32), "GATHER_X"));
        Assert.Equal(0, Define(Design("tiny_gather", "conv_tiled", Precision.Fp32), "GATHER_X"));
        Assert.Equal(0, Define(Design("tiny_gather", "gemm", Precision.Fp32), "GATHER_W"));
    }
}
