using FpgaGen.Estimation;
using FpgaGen.Hardware;
using FpgaGen.Kernels;
using FpgaGen.Kernels.Kinds;
using FpgaGen.Kernels.Lowering;
using FpgaGen.Model;
using FpgaGen.Tests.Model;

namespace FpgaGen.Tests.Estimation;

/// <summary>Networks, lowerings and devices loaded once for the estimation tests.</summary>
public static class EstimationTestData
{
    private static readonly Dictionary<(string, LoweringOptions, Precision, int), LoweredNetwork> Lowerings = new();
    private static readonly Dictionary<string, Device> Devices = new();

    /// <summary>A zoo network lowered as <paramref name="kind"/> asks, for one data type and batch.</summary>
    public static LoweredNetwork Lowered(string design, KernelKind kind, Precision precision, int batch = 1)
    {
        lock (Lowerings)
        {
            var key = (design, kind.Lowering, precision, batch);
            if (!Lowerings.TryGetValue(key, out var l)) Lowerings[key] = l = Lowerer.Lower(ZooTests.Load(design), kind.Lowering, precision, batch);
            return l;
        }
    }

    /// <summary>An estimator of a zoo network on a catalog device.</summary>
    public static Estimator Estimator(string kernel, string design, string device, Precision precision, int batch = 1, double? freq = null,
        Calibration? calibration = null)
    {
        var kind = KernelKinds.Get(kernel);
        return new Estimator(kind, Lowered(design, kind, precision, batch), new Target(Device(device), precision), freq, calibration);
    }

    public static Device Device(string id)
    {
        lock (Devices)
        {
            if (!Devices.TryGetValue(id, out var d)) Devices[id] = d = DeviceCatalog.Default.Get(id);
            return d;
        }
    }
}
