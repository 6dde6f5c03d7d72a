using BenchmarkDotNet.Attributes;
using FpgaGen.Estimation;
using FpgaGen.Kernels;
using FpgaGen.Kernels.Kinds;
using FpgaGen.Kernels.Lowering;
using FpgaGen.Exploration;
using FpgaGen.Hardware;
using FpgaGen.Model;
using FpgaGen.Model.Designs;

namespace FpgaGen.Bench;

/// <summary>The explorer's speed on VGG-16 and the Arria 10 GX1150 (Nallatech 385A).</summary>
[MemoryDiagnoser]
public class ExplorerBenchmarks
{
    private Network vgg = null!;
    private Device a10 = null!;
    private Estimator tiled = null!;
    private KernelConfig[] points = [];

    [GlobalSetup]
    public void Setup()
    {
        vgg = DesignLoader.Load(Path.Combine(DataPaths.Designs, "vgg16.yaml"));
        a10 = DeviceCatalog.Default.Get("a10_385a");
        var model = KernelKinds.Get("conv_tiled");
        tiled = new Estimator(model, Lowerer.Lower(vgg, model.Lowering, Precision.Fp32, 1), new Target(a10, Precision.Fp32));
        points = model.Space.Enumerate().ToArray();
    }

    /// <summary>Every point of the tiled-convolution space on one core: divide by points × ops for per-op speed.</summary>
    [Benchmark]
    public double EvaluateConvTiledSpaceOneCore()
    {
        double sum = 0;
        foreach (var p in points) sum += tiled.Evaluate(p).Cycles;
        return sum;
    }

    /// <summary>The default exploration: all kernel kinds, fp32, every core.</summary>
    [Benchmark]
    public int ExploreVgg16Default() => Explorer.Run(vgg, new ExploreOptions { Device = a10, Precisions = [Precision.Fp32] }).Designs.Count;
}
