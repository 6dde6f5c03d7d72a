using System.Diagnostics;
using System.Globalization;
using FpgaGen.Codegen;
using FpgaGen.Estimation;
using FpgaGen.Exploration;
using FpgaGen.Hardware;
using FpgaGen.Kernels;
using FpgaGen.Kernels.Kinds;
using FpgaGen.Model.Designs;
using FpgaGen.OpenCl;
using FpgaGen.Simulation;

namespace FpgaGen.Bench;

/// <summary>
/// The schedule check on the zoo (`-- --schedule`): for VGG-16 on the Arria 10, ResNet-50 on the U250 and ViT-B/16 on
/// the U280, the explorer's best fp32 design of every kernel kind, instrumented on the default OpenCL device: the
/// generated code's cycles, the estimate's, and how long the check took.
/// </summary>
public static class ScheduleFigures
{
    public static void Run(string? openClDevice)
    {
        using var session = OpenClSession.Open(openClDevice);
        Console.WriteLine($"OpenCL device: {session.Device.Name}; {Environment.ProcessorCount} cores");
        Console.WriteLine("| network, device | kernel | generated code, cycles | estimate, cycles | ratio | loops below II=1 | check s |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        var total = Stopwatch.StartNew();
        foreach (var (network, deviceId) in new[] { ("vgg16", "a10_385a"), ("resnet50", "u250"), ("vit_b16", "u280") })
        {
            var net = DesignLoader.Load(Path.Combine(DataPaths.Designs, network + ".yaml"));
            var device = DeviceCatalog.Default.Get(deviceId);
            foreach (var kind in KernelKinds.All().Where(k => k.AppliesTo(net)))
            {
                var best = Explorer.Run(net, new ExploreOptions { Device = device, Precisions = [Precision.Fp32], Kernels = [kind] }).Designs.FirstOrDefault();
                if (best is null) continue;
                var design = AcceleratorDesign.Create(net, kind.Id, best.Config.AsDictionary(), best.Precision, best.Batch, device);
                var estimator = new Estimator(kind, design.Lowered, new Target(device, best.Precision));
                var cycles = estimator.EvaluateLayers(best.Config).Layers.ToDictionary(l => l.Layer.Name, l => l.DeviceCycles);
                var r = ScheduleCheck.Run(design, session, cycles, DependenceLatency.For(best.Precision), estimator.PeakBytesPerCycle(best.Config));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {network}, {deviceId} | {kind.Id} | {r.Cycles:N0} | {r.EstimatedCycles:N0} | {r.Cycles / r.EstimatedCycles:0.0}x | {r.Loops.Count(l => l.Ii > 1)} of {r.Loops.Count} | {r.Seconds:0.0} |"));
            }
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"total {total.Elapsed.TotalSeconds:0} s"));
    }
}
