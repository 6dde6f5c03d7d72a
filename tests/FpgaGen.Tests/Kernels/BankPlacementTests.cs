using FpgaGen.Codegen;
using FpgaGen.Codegen.Projects;
using FpgaGen.Estimation;
using FpgaGen.Hardware;
using FpgaGen.Kernels;
using FpgaGen.Kernels.Kinds;
using FpgaGen.Kernels.Lowering;
using FpgaGen.Kernels.Plans;
using FpgaGen.Tests.Model;

namespace FpgaGen.Tests.Kernels;

/// <summary>
/// Buffers in external memory banks: where the weights and activations go on Vitis cards, the link.cfg lines written
/// from it, the bandwidth the estimate draws from it, and buffers too large for their bank refused.
/// </summary>
public class BankPlacementTests
{
    private static AcceleratorDesign Design(string net, string kernel, string device, Precision p = Precision.Fp32)
    {
        var kind = KernelKinds.Get(kernel);
        var config = kind.Space.Enumerate().First();
        return AcceleratorDesign.Create(ZooTests.Load(net), kernel, config.AsDictionary(), p, 1, DeviceCatalog.Default.Get(device));
    }

    private static BankPlacement Place(AcceleratorDesign d, Device device) => BankPlacement.Of(d.Plan, d.Lowered, device);

    [Fact]
    public void ACnnOnDdrPutsWeightsAndActivationsInTwoBanksAndDrawsTwoBanksOfBandwidth()
    {
        var u250 = DeviceCatalog.Default.Get("u250");
        var p = Place(Design("resnet50", "conv_tiled", "u250"), u250);
        Assert.True(p.Explicit);
        Assert.Equal(new BankRange(0, 0), p.Buffers.Single(b => b.Buffer == BufferKind.Weights).Banks);
        Assert.Equal(new BankRange(1, 1), p.Buffers.Single(b => b.Buffer == BufferKind.Activations).Banks);
        Assert.Equal(2 * 77e9 / 4, p.PeakBytesPerSecond, 3);
        // Every AXI master is connected to the bank of what it carries: the activations' ports to bank 1, the rest to 0.
        var engine = p.Ports.Where(x => x.Group == "conv_tiled").ToDictionary(x => x.Interface, x => x.Banks);
        Assert.Equal(new BankRange(1, 1), engine["gmem0"]);
        Assert.Equal(new BankRange(0, 0), engine["gmem1"]);
        Assert.Equal(new BankRange(1, 1), engine["gmem2"]);
    }

    [Fact]
    public void AttentionReadingActivationsThroughTheWeightPortKeepsOneDdrBank()
    {
        var u250 = DeviceCatalog.Default.Get("u250");
        var p = Place(Design("vit_b16", "gemm", "u250"), u250);
        Assert.All(p.Buffers, b => Assert.Equal(new BankRange(0, 0), b.Banks));
        Assert.Equal(77e9 / 4, p.PeakBytesPerSecond, 3);
    }

    [Fact]
    public void HbmWithAMixedPortPutsBothBuffersInOneGroupWithTheWeightsPaddedToWholePseudoChannels()
    {
        var u280 = DeviceCatalog.Default.Get("u280");
        var d = Design("vit_b16", "gemm", "u280");
        var p = Place(d, u280);
        var weights = p.Buffers.Single(b => b.Buffer == BufferKind.Weights);
        var activations = p.Buffers.Single(b => b.Buffer == BufferKind.Activations);
        // 346 MB of fp32 weights need two 256 MiB pseudo channels, the activations a third; attention's K and V reach the
        // engine on the weights' port, so every port sees the one group HBM[0:2] (XRT refuses a buffer on a port of another).
        Assert.True(weights.Bytes > 256L << 20);
        Assert.Equal(new BankRange(0, 2), weights.Banks);
        Assert.Equal(weights.Banks, activations.Banks);
        Assert.All(p.Ports, x => Assert.Equal(new BankRange(0, 2), x.Banks));
        Assert.Equal(512L << 20, p.WeightsAllocationBytes);
        // Padded and bound first, the weights fill pseudo channels 0-1 and the activations stream from channel 2.
        Assert.Equal(2 * 460e9 / 32, p.PeakBytesPerSecond, 3);

        var files = ProjectGenerator.Generate(new ProjectRequest(d, u280,
            new Estimator(d.Kind, d.Lowered, new Target(u280, Precision.Fp32)).Evaluate(d.Planned.Config), 1, false, new ModelInfo("vit_b16", null, null))).Files;
        var cfg = files["link.cfg"];
        Assert.Contains("sp=gemm_top_1.w:HBM[0:2]", cfg);
        Assert.Contains("sp=gemm_top_1.x:HBM[0:2]", cfg);
        Assert.Contains("sp=gemm_top_1.bq:HBM[0:2]", cfg);
        Assert.DoesNotContain("HBM[0:1]", cfg);
        Assert.Contains("#define FG_WEIGHTS_ALLOC_BYTES 536870912LL", files["host/plan.h"]);
    }

    [Fact]
    public void HbmWithoutAMixedPortKeepsTheBuffersInRangesOfTheirOwn()
    {
        var u280 = DeviceCatalog.Default.Get("u280");
        var d = Design("resnet50", "gemm", "u280");
        var p = Place(d, u280);
        var weights = p.Buffers.Single(b => b.Buffer == BufferKind.Weights);
        var activations = p.Buffers.Single(b => b.Buffer == BufferKind.Activations);
        Assert.Equal(new BankRange(0, 0), weights.Banks);
        Assert.Equal(new BankRange(1, 1), activations.Banks);
        Assert.Equal(d.Lowered.Weights.TotalBytes, p.WeightsAllocationBytes);
    }

    [Fact]
    public void ABufferLargerThanItsBankIsRefusedNamingTheSizes()
    {
        var u250 = DeviceCatalog.Default.Get("u250");
        var small = u250 with { Memory = u250.Memory with { GiB = 0.25 } }; // 64 MiB banks: VGG-16's 528 MB of weights cannot fit
        var d = Design("vgg16", "conv_tiled", "u250");
        var e = Assert.Throws<InputException>(() => BankPlacement.Of(d.Plan, d.Lowered, small));
        Assert.Contains("exceed one DDR4 bank (64 MiB)", e.Message);
    }

    [Fact]
    public void InterleavedAndEmbeddedFlowsReachTheWholeBandwidthWithoutBankLines()
    {
        foreach (var id in new[] { "a10_385a", "zcu102", "v7_vc707" })
        {
            var device = DeviceCatalog.Default.Get(id);
            var p = Place(Design("alexnet", "conv_tiled", id), device);
            Assert.False(p.Explicit);
            Assert.Empty(p.Ports);
            Assert.Equal(device.Memory.GBps * 1e9, p.PeakBytesPerSecond, 3);
        }
    }

    [Fact]
    public void TheEstimateDrawsThePlacedBandwidth()
    {
        // The same design on a U250 with all four banks' bandwidth in one bank would be faster only where memory binds:
        // the estimator must use the placement's two banks, not the card's total.
        var u250 = DeviceCatalog.Default.Get("u250");
        var d = Design("alexnet", "conv_tiled", "u250", Precision.Int8);
        var placed = new Estimator(d.Kind, d.Lowered, new Target(u250, Precision.Int8)).Evaluate(d.Planned.Config);
        var oneBank = u250 with { Memory = u250.Memory with { Banks = 1, GBps = 77.0 / 2 } };
        var same = new Estimator(d.Kind, d.Lowered, new Target(oneBank, Precision.Int8)).Evaluate(d.Planned.Config);
        Assert.Equal(same.Cycles, placed.Cycles, 6);
    }
}
