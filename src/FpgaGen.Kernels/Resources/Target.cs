using FpgaGen.Hardware;

namespace FpgaGen.Kernels;

/// <summary>A device and data type, with the per-type costs the models need looked up once.</summary>
public sealed class Target
{
    public Target(Device device, Precision precision)
    {
        if (!device.Supports(precision))
            throw new InputException($"device {device.Id} does not support {precision.Id()} (its data types: {string.Join(", ", device.Precisions.Select(p => p.Id()))})");
        Device = device;
        Precision = precision;
        Bytes = precision.Bytes();
        DspPerMac = device.Dsp.PerMac[precision];
        Lane = device.LaneCosts[precision];
    }

    public Device Device { get; }
    public Precision Precision { get; }
    public int Bytes { get; }
    public int DataBits => 8 * Bytes;
    public double DspPerMac { get; }
    public LaneCost Lane { get; }
}
