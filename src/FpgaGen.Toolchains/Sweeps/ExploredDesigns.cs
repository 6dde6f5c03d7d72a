using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FpgaGen.Estimation;
using FpgaGen.Hardware;
using FpgaGen.Toolchains.Projects;
using FpgaGen.Toolchains.Reports;

namespace FpgaGen.Toolchains.Sweeps;

/// <summary>One ranked design of an exploration, as designs.json lists it.</summary>
public sealed record SweepDesign(int Rank, string Kernel, IReadOnlyList<KeyValuePair<string, long>> Parameters, string Precision, int Batch, DesignFigures Predicted)
{
    public bool Pareto { get; init; }

    public string ParameterText => string.Join(",", Parameters.Select(p => $"{p.Key}={p.Value.ToString(CultureInfo.InvariantCulture)}"));

    public string Key(CompileTarget target) => BuildProject.DesignKey(Kernel, Precision, Batch, ParameterText, target);

    /// <summary>The design's project folder name in a sweep: "&lt;rank&gt;-&lt;kernel&gt;-&lt;first 8 hex digits of SHA-256(key)&gt;".</summary>
    public string FolderName(CompileTarget target)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Key(target))))[..8];
        return string.Create(CultureInfo.InvariantCulture, $"{Rank}-{Kernel}-{hash}");
    }
}

/// <summary>The output of `fpgagen explore --out DIR` that a sweep reads: DIR/designs.json (model, device, ranked designs).</summary>
public sealed record ExploredDesigns(string Directory, string Model, Device Device, IReadOnlyList<SweepDesign> Designs)
{
    public const string FileName = "designs.json";

    /// <summary>The explored model's file (designs.json "model_file"), when explore recorded it.</summary>
    public string? ModelFile { get; init; }

    /// <summary>The utilization limit the designs were explored under.</summary>
    public double MaxUtil { get; init; } = 0.85;

    /// <summary>True when explore ran with --calibrate: its figures are corrected, not the models' own.</summary>
    public bool Calibrated { get; init; }

    public string File => Path.Combine(Directory, FileName);

    public static ExploredDesigns Read(string directory, DeviceCatalog? catalog = null)
    {
        var file = Path.Combine(directory, FileName);
        if (!System.IO.File.Exists(file))
            throw new InputException($"{directory}: no {FileName}; a sweep reads the output folder of `fpgagen explore ... --out {directory}`");
        var root = JNode.Parse(ReportFile.Read(file, InputFile.DesignListBytes, "explore designs.json"), file, FileName);
        var device = (catalog ?? DeviceCatalog.Default).Get(root.Prop("device").String());
        var designs = root.Prop("designs").Items().Select(d => Design(d, device)).OrderBy(d => d.Rank).ToList();
        return new ExploredDesigns(Path.GetFullPath(directory), root.Prop("model").String(), device, designs)
        {
            ModelFile = root.TryProp("model_file")?.Text(),
            MaxUtil = root.TryProp("max_util")?.Number() ?? 0.85,
            Calibrated = root.TryProp("calibration")?.TryProp("calibrated")?.Text() == "true",
        };
    }

    private static SweepDesign Design(JNode d, Device device)
    {
        var parameters = d.Prop("params");
        if (parameters.Element.ValueKind != System.Text.Json.JsonValueKind.Object) throw parameters.Error("expected an object of parameter values");
        var values = parameters.Element.EnumerateObject()
            .Select(p => new KeyValuePair<string, long>(p.Name, (long)new JNode(p.Value, d.File, $"{parameters.Path}.{p.Name}").Number())).ToList();
        var resources = d.Prop("resources");
        double? Amount(string key) => resources.TryProp(key)?.Number();
        var predicted = new DesignFigures
        {
            Dsp = Amount("dsp"),
            Ram = Amount(ResourceUse.RamKey(device, 0)),
            Uram = device.Ram.Count > 1 ? Amount(ResourceUse.RamKey(device, 1)) : null,
            Logic = Amount("logic"),
            Registers = Amount("ff"),
            FmaxMhz = d.Prop("freq_mhz").Number(),
            LatencyMs = d.TryProp("latency_ms")?.Number(),
        };
        return new SweepDesign((int)d.Prop("rank").Number(), d.Prop("kernel").String(), values, d.Prop("precision").String(),
            (int)(d.TryProp("batch")?.Number() ?? 1), predicted)
        {
            Pareto = d.TryProp("pareto")?.Text() == "true",
        };
    }
}
