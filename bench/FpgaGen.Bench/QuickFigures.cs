using System.Diagnostics;
using FpgaGen.Estimation;
using FpgaGen.Kernels;
using FpgaGen.Kernels.Kinds;
using FpgaGen.Kernels.Lowering;
using FpgaGen.Exploration;
using FpgaGen.Hardware;
using FpgaGen.Model;
using FpgaGen.Model.Designs;

namespace FpgaGen.Bench;

/// <summary>
/// Headline figures without BenchmarkDotNet's long runs: design×layer evaluations per second on one core (best of
/// five passes over every kernel's space) and the wall time of a full default VGG-16 exploration (best of five).
/// </summary>
public static class QuickFigures
{
    public static void Run()
    {
        var vgg = DesignLoader.Load(Path.Combine(DataPaths.Designs, "vgg16.yaml"));
        var a10 = DeviceCatalog.Default.Get("a10_385a");
        var lowered = KernelKinds.All().Select(k => k.Lowering).Distinct().ToDictionary(o => o, o => Lowerer.Lower(vgg, o, Precision.Fp32, 1));
        var steps = lowered[default].Steps.Count;
        Console.WriteLine($"VGG-16 on {a10.Id}: {vgg.Layers.Count} layers, {steps} steps per design; {Environment.ProcessorCount} cores");
        // Warm up every model first: .NET compiles hot loops in tiers, and the first passes run unoptimized code.
        for (var warm = 0; warm < 3; warm++)
            foreach (var model in KernelKinds.All())
            {
                var e = new Estimator(model, lowered[model.Lowering], new Target(a10, Precision.Fp32));
                foreach (var p in model.Space.Enumerate()) e.Evaluate(p);
            }
        foreach (var model in KernelKinds.All())
        {
            var estimator = new Estimator(model, lowered[model.Lowering], new Target(a10, Precision.Fp32));
            var points = model.Space.Enumerate().ToArray();
            var opsPerDesign = lowered[model.Lowering].Steps.Count;
            var best = double.MaxValue;
            for (var pass = 0; pass < 5; pass++)
            {
                var clock = Stopwatch.StartNew();
                foreach (var p in points) estimator.Evaluate(p);
                best = Math.Min(best, clock.Elapsed.TotalSeconds);
            }
            Console.WriteLine($"  {model.Id,-14} {points.Length,6} designs: {points.Length / best,10:#,0} designs/s, {points.Length * (double)opsPerDesign / best,12:#,0} design x step evaluations/s (one core)");
        }
        var times = new List<double>();
        ExploreResult? result = null;
        for (var run = 0; run < 5; run++)
        {
            var clock = Stopwatch.StartNew();
            result = Explorer.Run(vgg, new ExploreOptions { Device = a10, Precisions = [Precision.Fp32] });
            times.Add(clock.Elapsed.TotalSeconds);
        }
        Console.WriteLine($"  full default exploration: {result!.Evaluated:#,0} designs, {result.Feasible:#,0} feasible, best {times.Min():0.000} s, median {times.Order().ElementAt(2):0.000} s");
    }
}
