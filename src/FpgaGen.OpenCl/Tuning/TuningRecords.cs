using System.Text.Json.Serialization;
using FpgaGen.OpenCl.Kernels;

namespace FpgaGen.OpenCl.Tuning;

/// <summary>What identifies a device in the database: its name first, then vendor + type.</summary>
public sealed record DeviceIdentity(string Name, string Vendor, string Type, string? Driver = null)
{
    public static DeviceIdentity Of(ClDevice device) => new(device.Name, device.Vendor, device.Type.ShortName(), device.DriverVersion);
}

/// <summary>One measured candidate: a median time, or why it does not count.</summary>
public sealed record TrialRecord(double? MedianNs, double? Gflops, string? Error)
{
    [JsonIgnore] public bool Verified => MedianNs is not null && Error is null;
}

/// <summary>All trials of one kernel on one device for one exact shape (a snapshot read from the database).</summary>
public sealed class TuningEntry
{
    public required string Kernel { get; init; }
    public required DeviceIdentity Device { get; init; }
    public required string Shape { get; init; }
    public required string ShapeClass { get; init; }
    public required IReadOnlyList<double> Features { get; init; }

    /// <summary>Candidate key (<see cref="KernelParameters.Key"/>) → outcome.</summary>
    public Dictionary<string, TrialRecord> Trials { get; init; } = new(StringComparer.Ordinal);

    public DateTimeOffset Updated { get; set; }

    /// <summary>The fastest verified trial; written to exported files for readers, recomputed on import.</summary>
    public BestTrial? Best
    {
        get
        {
            var verified = Trials.Where(t => t.Value.Verified).ToList();
            if (verified.Count == 0) return null;
            var best = verified.MinBy(t => t.Value.MedianNs);
            return new BestTrial(best.Key, best.Value.MedianNs!.Value, best.Value.Gflops ?? 0);
        }
        init { } // derived; present in JSON for people reading the file
    }
}

public sealed record BestTrial(string Parameters, double MedianNs, double Gflops);

/// <summary>Where looked-up parameters came from, in CLBlast's database order.</summary>
public enum TuningMatch
{
    /// <summary>Tuned on a device with the same name.</summary>
    Device,
    /// <summary>Tuned on another device of the same vendor and type.</summary>
    VendorAndType,
    /// <summary>Nothing tuned: the kernel's built-in default for the device type.</summary>
    Default,
}

/// <summary>Result of <see cref="TuningDatabase.Lookup"/>.</summary>
/// <param name="TunedShape">The shape the parameters were tuned on (null for defaults).</param>
/// <param name="ExactClass">True when that shape is in the same shape class as the query.</param>
public sealed record TunedParameters(KernelParameters Parameters, TuningMatch Match, string? TunedShape, bool ExactClass, double? Gflops);

/// <summary>What <see cref="TuningDatabase.Import"/> did.</summary>
/// <param name="Added">Trials the database did not hold and now does.</param>
/// <param name="Kept">Trials the file also held but the database already had; the database's own are kept.</param>
public sealed record ImportSummary(int Entries, int Added, int Kept);
