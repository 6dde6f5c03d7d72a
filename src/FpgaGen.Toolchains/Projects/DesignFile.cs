using FpgaGen.Estimation;
using FpgaGen.Exploration.Documents;
using FpgaGen.Kernels;
using FpgaGen.Hardware;

namespace FpgaGen.Toolchains.Projects;

/// <summary>
/// Reads a generated project's design.json (<see cref="ProjectDesign"/>) into a <see cref="BuildProject"/>. The
/// device is the copy of the device file in the project (hw/&lt;id&gt;.yaml) when `generate` was given a file, else
/// the catalog's device of that id, which gives the board, platform, part and platform overhead. The files to
/// compile come from the project layout (<see cref="ProjectLayout"/>), guided by the "kernels" list (group and HLS
/// top function) when the file has one.
/// </summary>
public static class DesignFile
{
    public const string FileName = ProjectDesign.FileName;

    public static BuildProject Load(string projectDirectory, DeviceCatalog? catalog = null)
    {
        var dir = Path.GetFullPath(projectDirectory);
        if (!System.IO.Directory.Exists(dir)) throw new InputException($"{projectDirectory}: no such project folder");
        var file = Path.Combine(dir, FileName);
        if (!File.Exists(file) && !System.IO.Directory.Exists(file))
            throw new InputException($"{projectDirectory}: no {FileName} here; compile takes a project folder written by `fpgagen generate`");
        var doc = ProjectDesign.Read(file);
        var design = doc.Design;
        var device = doc.Device!.File is { } copy
            ? DeviceLoader.Load(Path.Combine(dir, copy))
            : (catalog ?? DeviceCatalog.Default).Get(doc.Device.Id);
        var project = new BuildProject(dir, device)
        {
            Kernel = design.Kernel,
            Parameters = design.Params,
            Precision = design.Precision,
            Batch = design.Batch,
            ClockMhz = design.FreqMhz!.Value,
            Predicted = Figures(design, device),
            ToolRequirements = doc.Tools,
        };
        return ProjectLayout.Apply(project, doc.Kernels.Count == 0 ? null : doc.Kernels.ToDictionary(k => k.Group, k => k.HlsTop, StringComparer.Ordinal));
    }

    /// <summary>A design's predicted whole-device figures, by the device's RAM kinds.</summary>
    public static DesignFigures Figures(DesignEntry design, Device device)
    {
        double? Amount(string key) => design.Resources is { } r && r.TryGetValue(key, out var v) ? v : null;
        return new DesignFigures
        {
            Dsp = Amount("dsp"),
            Ram = Amount(ResourceUse.RamKey(device, 0)),
            Uram = device.Ram.Count > 1 ? Amount(ResourceUse.RamKey(device, 1)) : null,
            Logic = Amount("logic"),
            Registers = Amount("ff"),
            FmaxMhz = design.FreqMhz,
            LatencyMs = design.LatencyMs,
        };
    }
}
