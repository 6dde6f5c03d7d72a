using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FpgaGen.Exploration.Documents;
using FpgaGen.Kernels;
using FpgaGen.Hardware;
using FpgaGen.Toolchains.Projects;

namespace FpgaGen.Toolchains.Sweeps;

/// <summary>One ranked design of an exploration, as designs.json lists it.</summary>
public sealed record SweepDesign(int Rank, string Kernel, DesignParameters Parameters, string Precision, int Batch, DesignFigures Predicted)
{
    public bool Pareto { get; init; }

    public string ParameterText => Parameters.ToString();

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
    public const string FileName = DesignList.FileName;

    /// <summary>The explored model's file (designs.json "model_file"), when explore recorded it.</summary>
    public string? ModelFile { get; init; }

    /// <summary>The --layernorm choice explore built the network with (recorded in its designs; null: the model's own).</summary>
    public string? LayerNorm { get; init; }

    /// <summary>The utilization limit the designs were explored under.</summary>
    public double MaxUtil { get; init; } = 0.85;

    /// <summary>True when explore ran with --calibrate: its figures are corrected, not the models' own.</summary>
    public bool Calibrated { get; init; }

    public string File => Path.Combine(Directory, FileName);

    public static ExploredDesigns Read(string directory, DeviceCatalog? catalog = null)
    {
        var file = Path.Combine(directory, FileName);
        if (!System.IO.File.Exists(file) && !System.IO.Directory.Exists(file))
            throw new InputException($"{directory}: no {FileName}; a sweep reads the output folder of `fpgagen explore ... --out {directory}`");
        var list = DesignList.Read(file);
        var device = (catalog ?? DeviceCatalog.Default).Get(list.Device);
        var designs = list.Designs.Select((d, i) => new SweepDesign(d.Rank ?? i + 1, d.Kernel, d.Params, d.Precision, d.Batch, DesignFile.Figures(d, device))
        {
            Pareto = d.Pareto,
        }).OrderBy(d => d.Rank).ToList();
        return new ExploredDesigns(Path.GetFullPath(directory), list.Model, device, designs)
        {
            ModelFile = list.ModelFile,
            LayerNorm = list.Designs.Select(d => d.LayerNorm).FirstOrDefault(l => l is not null),
            MaxUtil = list.MaxUtil,
            Calibrated = list.Calibration.Calibrated,
        };
    }
}
