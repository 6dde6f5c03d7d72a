using FpgaGen.Estimation;
using FpgaGen.Hardware;
using FpgaGen.Model;
using FpgaGen.Tests.Model;

namespace FpgaGen.Tests.Estimation;

/// <summary>Networks and devices loaded once for the estimation tests.</summary>
public static class EstimationTestData
{
    private static readonly Dictionary<string, NetworkProfile> Profiles = new();
    private static readonly Dictionary<string, Device> Devices = new();

    public static NetworkProfile Profile(string design)
    {
        lock (Profiles)
        {
            if (!Profiles.TryGetValue(design, out var p)) Profiles[design] = p = new NetworkProfile(ZooTests.Load(design));
            return p;
        }
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
