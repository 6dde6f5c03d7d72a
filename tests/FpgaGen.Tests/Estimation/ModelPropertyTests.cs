using FpgaGen.Estimation;
using FpgaGen.Kernels;
using FpgaGen.Kernels.Kinds;
using static FpgaGen.Tests.Estimation.EstimationTestData;

namespace FpgaGen.Tests.Estimation;

/// <summary>Invariants every design of every kernel kind must satisfy, checked on random points of the spaces.</summary>
public class ModelPropertyTests
{
    public static TheoryData<string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (net, dev) in new[] { ("alexnet", "a10_385a"), ("vgg16", "u250"), ("resnet50", "zcu102"), ("vit_b16", "u280"), ("alexnet_grouped", "v7_vc707"), ("tiny_cnn", "s10_gx2800") })
            foreach (var kernel in KernelKinds.Ids)
                data.Add(net, dev, kernel);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void NoPredictionExceedsThePhysicalLimits(string net, string dev, string kernel)
    {
        var device = Device(dev);
        var model = KernelKinds.Get(kernel);
        if (!model.AppliesTo(Tests.Model.ZooTests.Load(net))) return;
        var rng = new Random(42);
        foreach (var precision in device.Precisions)
        {
            var target = new Target(device, precision);
            var estimator = Estimator(kernel, net, dev, precision, batch: 1 + rng.Next(8));
            var points = model.Space.Enumerate().ToList();
            for (var i = 0; i < 40; i++)
            {
                var config = points[rng.Next(points.Count)];
                var (design, layers) = estimator.EvaluateLayers(config);
                // Compute roof of the whole device: every DSP doing MACs at the design's clock.
                var devicePeak = device.Dsp.Count / target.DspPerMac * 2 * design.FreqMhz / 1e3;
                Assert.True(design.Gops <= design.PeakGops * (1 + 1e-9), $"{config}: {design.Gops} GOPS above its engine peak {design.PeakGops}");
                // Also for a design over the DSP budget (issue 12.4): it is costed on the lanes the device holds.
                Assert.True(design.PeakGops <= devicePeak * (1 + 1e-9), $"{config}: engine peak above the device's");
                Assert.True(design.Gops <= devicePeak * (1 + 1e-9), $"{config}: throughput above the device's peak");
                Assert.InRange(design.DspEfficiency, 0, 1 + 1e-9);
                Assert.True(design.FreqMhz <= device.FmaxMhz && design.FreqMhz > 0.5 * device.FmaxMhz);
                // No layer moves data faster than the memory's peak bandwidth.
                foreach (var l in layers.Where(l => l.Cycles > 0))
                    Assert.True(l.Bytes / (l.Ms / 1e3) <= device.Memory.GBps * 1e9 * (1 + 1e-9), $"{l.Layer.Name} exceeds the DDR bandwidth");
                Assert.Equal(1.0, layers.Sum(l => l.Cycles) / design.Cycles, 9);
            }
        }
    }

    [Theory]
    [InlineData("conv_tiled", "Tm", "Tm=16,Tn=4,Tr=14,Tc=14,vu=16")]
    [InlineData("conv_tiled", "Tn", "Tm=64,Tn=2,Tr=14,Tc=14,vu=16")]
    [InlineData("conv_systolic", "rows", "rows=4,cols=8,simd=4,tile_h=4,vu=16")]
    [InlineData("conv_systolic", "simd", "rows=8,cols=8,simd=1,tile_h=4,vu=16")]
    [InlineData("gemm", "Tn", "Tm=32,Tn=4,Tk=16,vu=16")]
    [InlineData("ln_linear", "Tk", "Tm=32,Tn=16,Tk=4,vu=16")]
    public void ResourcesGrowWithParallelism(string kernel, string parameter, string start)
    {
        var estimator = Estimator(kernel, kernel is "gemm" or "ln_linear" ? "vit_b16" : "vgg16", "u250", FpgaGen.Precision.Fp32);
        var model = estimator.Kind;
        var config = model.Space.Parse(start);
        var index = model.Space.IndexOf(parameter);
        ResourceUse? previous = null;
        foreach (var value in model.Space.Parameters[index].Values.Where(v => v >= config.Values[index]))
        {
            var values = config.Values.ToArray();
            values[index] = value;
            var r = estimator.Resources(new KernelConfig(model.Space, values));
            if (previous is not null)
            {
                Assert.True(r.Dsp > previous.Dsp, $"{parameter}={value}: DSP did not grow");
                Assert.True(r.Logic > previous.Logic, $"{parameter}={value}: logic did not grow");
                Assert.True(r.Registers > previous.Registers, $"{parameter}={value}: registers did not grow");
                Assert.True(r.BufferBits >= previous.BufferBits, $"{parameter}={value}: buffers shrank");
                // Wider SIMD words can pack into fewer (72-bit URAM) blocks, so only other parameters must not save blocks.
                if (parameter != "simd") Assert.True(r.RamFraction >= previous.RamFraction, $"{parameter}={value}: RAM blocks shrank");
            }
            previous = r;
        }
        Assert.NotNull(previous);
    }

    [Fact]
    public void MoreParallelismIsNeverSlowerInCycles()
    {
        var estimator = Estimator("conv_tiled", "vgg16", "s10_gx2800", FpgaGen.Precision.Fp32, freq: 200);
        var model = estimator.Kind;
        var small = estimator.Evaluate(model.Space.Parse("Tm=32,Tn=8,Tr=14,Tc=14,vu=16"));
        var large = estimator.Evaluate(model.Space.Parse("Tm=64,Tn=8,Tr=14,Tc=14,vu=16"));
        Assert.True(large.Cycles < small.Cycles);
    }
}
