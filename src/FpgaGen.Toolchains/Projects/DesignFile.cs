using FpgaGen.Codegen.Backends;
using FpgaGen.Estimation;
using FpgaGen.Exploration.Documents;
using FpgaGen.Kernels;
using FpgaGen.Hardware;

namespace FpgaGen.Toolchains.Projects;

/// <summary>
/// Reads a generated project's design.json (<see cref="ProjectDesign"/>) into a <see cref="BuildProject"/>. The
/// device is the copy of the device file in the project (hw/&lt;id&gt;.yaml) when `generate` was given a file, else
/// the catalog's device of that id, which gives the board, platform, part and platform overhead. The files to
/// compile are where the device's <see cref="Backend"/> put them, for the kernel groups design.json lists.
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
        return Locate(project, Backend.For(device).Layout(doc.Kernels));
    }

    /// <summary>The files the project's backend put there: each must exist inside the project folder.</summary>
    private static BuildProject Locate(BuildProject project, ProjectLayout layout)
    {
        string File(string relative, string what)
        {
            var full = Path.GetFullPath(Path.Combine(project.Directory, relative));
            if (!full.StartsWith(project.Directory + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                throw new InputException($"{project.Directory}: {what} {relative} is outside the project");
            return System.IO.File.Exists(full) ? full : throw new InputException($"{project.Directory}: {what} {relative} is missing (the project is incomplete; generate it again)");
        }
        if (project.ToolchainKind != Toolchain.Aoc && layout.HlsKernels.Count == 0)
            throw new InputException($"{project.Directory}: {FileName} lists no kernel groups (\"kernels\"); generate the project again");
        return project with
        {
            OpenClSource = layout.OpenClSource is { } cl ? File(cl, "the OpenCL kernel source") : null,
            IncludeDirectories = layout.IncludeDirectories.Select(d => Path.Combine(project.Directory, d)).ToList(),
            HlsKernels = layout.HlsKernels.Select(k => new HlsKernel(k.Top, File(k.Source, $"the source of kernel group {k.Group}"))
            {
                TestBenches = k.TestBenches.Select(t => Path.Combine(project.Directory, t)).Where(System.IO.File.Exists).ToList(),
            }).ToList(),
            LinkConfig = layout.LinkConfig is { } link && System.IO.File.Exists(Path.Combine(project.Directory, link)) ? Path.Combine(project.Directory, link) : null,
        };
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
