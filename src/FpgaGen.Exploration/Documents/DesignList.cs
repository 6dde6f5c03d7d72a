namespace FpgaGen.Exploration.Documents;

/// <summary>
/// designs.json (and pareto.json) of `fpgagen explore --out DIR`: the model, device and search settings, and the
/// ranked designs. <see cref="ExploreReport"/> writes it; sweeps and `generate --design designs.json --rank N` read it
/// through <see cref="Read"/>.
/// </summary>
public sealed record DesignList
{
    public const string FileName = "designs.json";

    public required string Model { get; init; }

    /// <summary>
    /// The explored model's file, so `compile --sweep` can generate the designs' projects from it: relative to the
    /// document's folder (older documents: absolute).
    /// </summary>
    public string? ModelFile { get; init; }
    public required string Device { get; init; }
    public string Objective { get; init; } = "throughput";

    /// <summary>How designs whose scores tie are ordered (the secondary objective), in words.</summary>
    public string? TieBreak { get; init; }
    public double MaxUtil { get; init; } = 0.85;
    public int Batch { get; init; } = 1;
    public int Seed { get; init; } = 1;
    public required IReadOnlyList<DesignEntry> Designs { get; init; }
    public long Evaluated { get; init; }
    public long Feasible { get; init; }
    public double Seconds { get; init; }
    public IReadOnlyList<SearchEntry> Searches { get; init; } = [];
    public CalibrationEntry Calibration { get; init; } = new();

    public static DesignList Read(string path)
    {
        var root = DocumentJson.Parse(path, InputFile.DesignListBytes, "explore designs.json");
        if (!root.IsObject) throw root.Error($"expected the object explore writes (model, device, designs), found {root.Describe()}");
        var maxUtil = root.TryProp("max_util") is { } m ? m.Number() : 0.85;
        if (maxUtil is <= 0 or > 1) throw root.Prop("max_util").Error($"must be in (0, 1], got {maxUtil}");
        var calibration = root.TryProp("calibration");
        return new DesignList
        {
            Model = root.Prop("model").String(),
            ModelFile = root.TryProp("model_file")?.String() is { } file ? Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, file)) : null,
            Device = root.Prop("device").String(),
            Objective = root.TryProp("objective")?.String() ?? "throughput",
            MaxUtil = maxUtil,
            Batch = root.TryProp("batch")?.Int(1, DesignEntry.MaxBatch) ?? 1,
            Seed = root.TryProp("seed")?.Int() ?? 1,
            Designs = root.Prop("designs").Items().Select(d => DesignEntry.Read(d, figures: true)).ToList(),
            Evaluated = root.TryProp("evaluated")?.Integer(0) ?? 0,
            Feasible = root.TryProp("feasible")?.Integer(0) ?? 0,
            Seconds = root.TryProp("seconds")?.Number() ?? 0,
            Calibration = new CalibrationEntry { Calibrated = calibration?.TryProp("calibrated")?.Bool() ?? false },
        };
    }
}

/// <summary>One kernel kind × data type that was searched, and how.</summary>
public sealed record SearchEntry(string Kernel, string Precision, string Method, long Evaluated, long Feasible);

/// <summary>Whether any figure is calibrated, from how many compiles on which vendor family, and each searched kind's factors.</summary>
public sealed record CalibrationEntry
{
    public bool Calibrated { get; init; }
    public int Samples { get; init; }
    public string? Source { get; init; }
    public string? Family { get; init; }
    public IReadOnlyList<CalibrationKindEntry> Kinds { get; init; } = [];
}

/// <summary>One kind's factors (1 with 0 compiles: uncalibrated).</summary>
public sealed record CalibrationKindEntry(string Kernel, bool Calibrated, int Compiles, CalibrationFactorEntry FmaxMhz, CalibrationFactorEntry Dsp,
    CalibrationFactorEntry Bram, CalibrationFactorEntry Logic);

public sealed record CalibrationFactorEntry(double Factor, int Compiles);
