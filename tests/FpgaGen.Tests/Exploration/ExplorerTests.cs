using FpgaGen.Estimation;
using FpgaGen.Kernels.Kinds;
using FpgaGen.Exploration;
using FpgaGen.Hardware;
using FpgaGen.Kernels.Plans;
using FpgaGen.Tests.Model;
using static FpgaGen.Tests.Estimation.EstimationTestData;

namespace FpgaGen.Tests.Exploration;

public class ExplorerTests
{
    public static TheoryData<string> Devices() => new(DeviceCatalog.Default.Ids);

    /// <summary>
    /// Every zoo network on every catalog device in every data type it supports finds designs that fit, with a
    /// winner that uses the device sensibly. Quick annealing searches keep this test fast.
    /// </summary>
    [Theory]
    [MemberData(nameof(Devices))]
    public void ZooExploresOnEveryDeviceAndDataType(string deviceId)
    {
        var device = Device(deviceId);
        foreach (var net in new[] { "alexnet", "vgg16", "resnet50", "vit_b16" })
        {
            var options = new ExploreOptions
            {
                Device = device, Precisions = device.Precisions.ToList(), ExhaustiveLimit = 1, AnnealingBudget = 150, Seed = 3,
            };
            var result = Explorer.Run(ZooTests.Load(net), options);
            foreach (var p in device.Precisions)
            {
                var best = result.Designs.FirstOrDefault(d => d.Precision == p);
                Assert.True(best is not null, $"{net} {p} on {deviceId}: nothing fits");
                // The lanes the device can hold: by DSPs, or by soft logic where each lane needs much of it (Stratix V fp32).
                var lanes = Math.Min(device.Dsp.Count / device.Dsp.PerMac[p], (device.Logic.Count - device.Platform.Logic) / device.LaneCosts[p].Logic);
                var network = ZooTests.Load(net);
                // The roof: compute, or reading every weight once per image at the bandwidth the placed buffers reach
                // (a Vitis card streams the weights from one DDR bank or HBM pseudo channel, BankPlacement).
                var weightGBps = BankPlacement.NeedsBanks(device) ? device.Memory.GBps / device.Memory.Banks : device.Memory.GBps;
                var weightRoof = 2.0 * network.Macs / (network.Params * p.Bytes() / (weightGBps * 1e9)) / 1e9;
                var peak = Math.Min(lanes * 2 * best.FreqMhz / 1e3, weightRoof);
                // Low because the estimate follows the generated kernels, whose loads are still far from II=1 idioms, and
                // charges each step its launch and DDR burst costs.
                Assert.True(best.Gops > 0.05 * peak, $"{net} {p} on {deviceId}: winner reaches only {best.Gops:0} of {peak:0} GOPS");
                Assert.True(best.Resources.Binding().Util > 0.3, $"{net} {p} on {deviceId}: winner uses at most {best.Resources.Binding().Util:P0} of any resource");
            }
        }
    }

    [Fact]
    public void EveryReportedDesignFitsAndIsRanked()
    {
        var options = new ExploreOptions { Device = Device("a10_385a"), Precisions = [FpgaGen.Precision.Int8], MaxUtil = 0.5 };
        var result = Explorer.Run(ZooTests.Load("resnet18"), options);
        Assert.NotEmpty(result.Designs);
        Assert.All(result.Designs, d => Assert.True(d.Resources.Binding().Util <= 0.5));
        for (var i = 1; i < result.Designs.Count; i++)
            // Ranked by throughput; within a tie (0.05%) the cheaper design may come first.
            Assert.True(result.Designs[i - 1].ImagesPerSecond >= result.Designs[i].ImagesPerSecond / (1 + 2 * Explorer.TieTolerance));
        Assert.True(result.Evaluated > result.Feasible);
    }

    /// <summary>AlexNet on the A10 is bound by its FC weights: many designs tie, and the cheaper one must rank first.</summary>
    [Fact]
    public void TiedDesignsAreRankedByFewerDspsThenLessRam()
    {
        var options = new ExploreOptions { Device = Device("a10_385a"), Precisions = [FpgaGen.Precision.Fp32], ExhaustiveLimit = 1, AnnealingBudget = 300, Seed = 3 };
        var designs = Explorer.Run(ZooTests.Load("alexnet"), options).Designs;
        var ties = 0;
        for (var i = 1; i < designs.Count; i++)
        {
            var (a, b) = (designs[i - 1], designs[i]);
            var bucket = Explorer.ScoreBucket(a.ImagesPerSecond);
            Assert.True(bucket >= Explorer.ScoreBucket(b.ImagesPerSecond));
            if (bucket != Explorer.ScoreBucket(b.ImagesPerSecond)) continue;
            Assert.True(a.Resources.Dsp < b.Resources.Dsp || (a.Resources.Dsp == b.Resources.Dsp && a.Resources.RamBits <= b.Resources.RamBits),
                $"#{i} ({a.Resources.Dsp} DSP) ranks before #{i + 1} ({b.Resources.Dsp} DSP) at the same throughput");
            if (a.Resources.Dsp != b.Resources.Dsp) ties++;
        }
        Assert.True(ties > 0, "expected tied designs that differ in DSPs on a weight-bound network");
    }

    [Fact]
    public void ParetoFrontIsExactlyTheNonDominatedSet()
    {
        var result = Explorer.Run(ZooTests.Load("alexnet"), new ExploreOptions { Device = Device("zcu102"), Precisions = [FpgaGen.Precision.Int16] });
        var d = result.Designs;
        for (var i = 0; i < d.Count; i += 7)
        {
            var dominated = d.Any(o => Pareto.Dominates(o, d[i]));
            Assert.Equal(!dominated, result.Pareto[i]);
        }
        Assert.True(result.Pareto[0], "the fastest design is always on the front");
    }

    [Fact]
    public void AnnealingIsReproducibleAndNearTheExhaustiveOptimum()
    {
        var net = ZooTests.Load("alexnet");
        var kernels = new[] { KernelKinds.Get("conv_tiled") };
        var exhaustive = Explorer.Run(net, new ExploreOptions { Device = Device("a10_385a"), Precisions = [FpgaGen.Precision.Fp32], Kernels = kernels });
        ExploreResult Anneal(int seed) => Explorer.Run(net, new ExploreOptions
        {
            Device = Device("a10_385a"), Precisions = [FpgaGen.Precision.Fp32], Kernels = kernels, ExhaustiveLimit = 10, AnnealingBudget = 1500, Seed = seed,
        });
        var a = Anneal(7);
        var b = Anneal(7);
        Assert.Equal("annealing", a.Searches[0].Method);
        Assert.Equal(a.Designs.Select(x => x.Config.ToString()), b.Designs.Select(x => x.Config.ToString()));
        Assert.Equal(a.Designs.Select(x => x.ImagesPerSecond), b.Designs.Select(x => x.ImagesPerSecond));
        Assert.True(a.Evaluated < exhaustive.Evaluated);
        Assert.True(a.Designs[0].ImagesPerSecond >= 0.9 * exhaustive.Designs[0].ImagesPerSecond,
            $"annealing found {a.Designs[0].ImagesPerSecond:0.0} images/s, exhaustive {exhaustive.Designs[0].ImagesPerSecond:0.0}");
    }

    [Fact]
    public void ExhaustiveRunsAreIdentical()
    {
        var options = new ExploreOptions { Device = Device("u55c"), Precisions = [FpgaGen.Precision.Fp16] };
        var a = Explorer.Run(ZooTests.Load("tiny_cnn"), options);
        var b = Explorer.Run(ZooTests.Load("tiny_cnn"), options);
        Assert.Equal(a.Designs.Select(x => $"{x.Kernel} {x.Config} {x.ImagesPerSecond}"), b.Designs.Select(x => $"{x.Kernel} {x.Config} {x.ImagesPerSecond}"));
        Assert.Equal(a.Pareto, b.Pareto);
    }

    [Fact]
    public void LatencyObjectivePrefersBatchOneSpeed()
    {
        var options = new ExploreOptions { Device = Device("u280"), Precisions = [FpgaGen.Precision.Int8], Objective = Objective.Latency };
        var result = Explorer.Run(ZooTests.Load("vit_b16"), options);
        Assert.Equal(result.Designs.Min(d => d.LatencyMs), result.Designs[0].LatencyMs);
    }

    /// <summary>
    /// A device whose memory cannot hold the network at all (8 MiB pseudo channels for ViT-B/16's 331 MiB of weights)
    /// is one clear input error naming the sizes, not an aggregate of the same error from every design of the search.
    /// </summary>
    [Fact]
    public void ANetworkTheDeviceMemoryCannotHoldIsOneClearError()
    {
        var u280 = Device("u280");
        var small = u280 with { Memory = u280.Memory with { GiB = 0.25 } };
        var options = new ExploreOptions { Device = small, Precisions = [FpgaGen.Precision.Fp32], Kernels = [KernelKinds.Get("gemm")] };
        var e = Assert.Throws<InputException>(() => Explorer.Run(ZooTests.Load("vit_b16"), options));
        Assert.Contains("pseudo channels of 8 MiB", e.Message);
    }
}
