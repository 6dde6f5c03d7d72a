using FpgaGen.Hardware;

namespace FpgaGen.Kernels;

/// <summary>
/// A device and data type, with the per-type costs the models need looked up once, and how many identical compute
/// units of the design the device holds (<see cref="ComputeUnits"/>: one per SLR at most, each running its share of
/// the batch, as Vitis AI's DPU cores on Alveo cards do, PG367).
/// </summary>
public sealed class Target
{
    public Target(Device device, Precision precision, int computeUnits = 1)
    {
        if (!device.Supports(precision))
            throw new InputException($"device {device.Id} does not support {precision.Id()} (its data types: {string.Join(", ", device.Precisions.Select(p => p.Id()))})");
        if (Problem(device, computeUnits) is { } problem) throw new InputException(problem);
        Device = device;
        Precision = precision;
        ComputeUnits = computeUnits;
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

    /// <summary>Copies of the whole design (engine and vector unit), each in its own SLR with its own memory banks.</summary>
    public int ComputeUnits { get; }

    /// <summary>Why <paramref name="units"/> compute units cannot be built on the device, or null.</summary>
    public static string? Problem(Device device, int units)
    {
        if (units < 1) return $"compute units: expected 1 or more, got {units}";
        if (units == 1) return null;
        if (device.Slrs is not { } slrs) return $"device {device.Id} is one die: it holds one compute unit, got {units}";
        return units > slrs.Count ? $"device {device.Id} has {slrs.Count} SLRs: at most {slrs.Count} compute units, one per SLR, got {units}" : null;
    }

    /// <summary>
    /// The compute-unit counts worth searching for a batch: 1, and on a device with SLRs every count up to one per
    /// SLR that divides the batch (each unit runs batch / units samples).
    /// </summary>
    public static IReadOnlyList<int> UnitChoices(Device device, int batch) =>
        Enumerable.Range(1, device.Slrs?.Count ?? 1).Where(n => batch % n == 0).ToList();
}
