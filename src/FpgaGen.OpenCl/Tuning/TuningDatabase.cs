using System.Text.Json;
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

/// <summary>All trials of one kernel on one device for one exact shape.</summary>
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

    /// <summary>The fastest verified trial; written to the file for readers, recomputed on load.</summary>
    public BestTrial? Best
    {
        get
        {
            var best = Trials.Where(t => t.Value.Verified).MinBy(t => t.Value.MedianNs);
            return best.Key is null ? null : new BestTrial(best.Key, best.Value.MedianNs!.Value, best.Value.Gflops ?? 0);
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

/// <summary>
/// The tuning database: a JSON file of <see cref="TuningEntry"/>s, keyed by kernel, device name and
/// exact shape. Saving merges with what is on disk (so two tuning runs do not drop each other's
/// trials) and replaces the file atomically. Lookup falls back like CLBlast's database: device
/// name → same vendor and device type → built-in default; within a level it prefers the query's
/// shape class, else the nearest shape.
/// </summary>
public sealed class TuningDatabase
{
    public const string Format = "fpgagen-opencl-tuning";
    public const int Version = 1;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly List<TuningEntry> _entries = [];

    public IReadOnlyList<TuningEntry> Entries => _entries;

    /// <summary>Reads <paramref name="path"/>; a missing file is an empty database.</summary>
    public static TuningDatabase Load(string path)
    {
        var db = new TuningDatabase();
        if (!File.Exists(path)) return db;
        FileModel? model;
        try
        {
            model = JsonSerializer.Deserialize<FileModel>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new InputException($"{path}: not a tuning database ({e.Message})");
        }
        if (model is null || model.Format != Format)
            throw new InputException($"{path}: not a tuning database (expected \"format\": \"{Format}\")");
        if (model.Version != Version)
            throw new InputException($"{path}: tuning database version {model.Version}, this build reads version {Version}");
        foreach (var e in model.Entries ?? []) db.Merge(e);
        return db;
    }

    /// <summary>Merges with the file's current contents (ours win per trial) and writes atomically.</summary>
    public void Save(string path)
    {
        var onDisk = Load(path);
        foreach (var e in _entries) onDisk.Merge(e);
        _entries.Clear();
        _entries.AddRange(onDisk._entries);
        var model = new FileModel(Format, Version, _entries.OrderBy(e => e.Kernel).ThenBy(e => e.Device.Name).ThenBy(e => e.Shape).ToList());
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(model, Json) + "\n");
    }

    /// <summary>The entry for this kernel, device and exact shape, created empty when absent.</summary>
    public TuningEntry EntryFor(DeviceIdentity device, TuningShape shape)
    {
        var entry = Find(shape.Kernel, device.Name, shape.Text);
        if (entry is not null) return entry;
        entry = new TuningEntry { Kernel = shape.Kernel, Device = device, Shape = shape.Text, ShapeClass = shape.Class, Features = shape.Features };
        _entries.Add(entry);
        return entry;
    }

    /// <summary>
    /// Best known parameters for <paramref name="shape"/> on <paramref name="device"/>, or
    /// <paramref name="fallback"/> (the kernel's default) with <see cref="TuningMatch.Default"/>.
    /// </summary>
    public TunedParameters Lookup(DeviceIdentity device, TuningShape shape, KernelParameters fallback)
    {
        var tuned = _entries.Where(e => e.Kernel == shape.Kernel && e.Best is not null).ToList();
        var levels = new (TuningMatch, Func<TuningEntry, bool>)[]
        {
            (TuningMatch.Device, e => e.Device.Name == device.Name),
            (TuningMatch.VendorAndType, e => e.Device.Vendor == device.Vendor && e.Device.Type == device.Type),
        };
        foreach (var (match, accepts) in levels)
        {
            var pick = tuned.Where(accepts)
                .OrderBy(e => e.ShapeClass == shape.Class ? 0 : 1)
                .ThenBy(e => shape.Distance(e.Features))
                .ThenByDescending(e => e.Best!.Gflops)
                .FirstOrDefault();
            if (pick is not null)
                return new TunedParameters(KernelParameters.Parse(pick.Best!.Parameters), match, pick.Shape, pick.ShapeClass == shape.Class, pick.Best.Gflops);
        }
        return new TunedParameters(fallback, TuningMatch.Default, null, false, null);
    }

    private TuningEntry? Find(string kernel, string deviceName, string shape) =>
        _entries.FirstOrDefault(e => e.Kernel == kernel && e.Device.Name == deviceName && e.Shape == shape);

    private void Merge(TuningEntry incoming)
    {
        var mine = Find(incoming.Kernel, incoming.Device.Name, incoming.Shape);
        if (mine is null)
        {
            _entries.Add(new TuningEntry
            {
                Kernel = incoming.Kernel, Device = incoming.Device, Shape = incoming.Shape, ShapeClass = incoming.ShapeClass,
                Features = incoming.Features, Trials = new Dictionary<string, TrialRecord>(incoming.Trials, StringComparer.Ordinal),
                Updated = incoming.Updated,
            });
            return;
        }
        foreach (var (key, trial) in incoming.Trials) mine.Trials[key] = trial;
        if (incoming.Updated > mine.Updated) mine.Updated = incoming.Updated;
    }

    private sealed record FileModel(string Format, int Version, List<TuningEntry>? Entries);
}
