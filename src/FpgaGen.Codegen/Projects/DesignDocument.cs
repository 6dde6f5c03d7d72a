using System.Globalization;
using System.Reflection;
using FpgaGen.Estimation;
using FpgaGen.Exploration;
using FpgaGen.Exploration.Documents;
using FpgaGen.Hardware;
using FpgaGen.Kernels;
using FpgaGen.Kernels.Kinds;
using FpgaGen.Kernels.Lowering;
using FpgaGen.Model;

namespace FpgaGen.Codegen.Projects;

/// <summary>A design chosen from a file, before it is checked against the kernel's space and the device.</summary>
/// <param name="Device">The device id the file names, when it names one.</param>
/// <param name="Origin">"file: designs[2]", for messages.</param>
public sealed record DesignSelection(DesignEntry Design, string? Device, string Origin)
{
    /// <summary>A selection from its parts (a sweep's design).</summary>
    public DesignSelection(string kernel, IReadOnlyDictionary<string, int> parameters, string precision, int batch, int? rank, bool pareto, string? device, string origin)
        : this(new DesignEntry { Kernel = kernel, Params = DesignParameters.From(parameters), Precision = precision, Batch = batch, Rank = rank, Pareto = pareto }, device, origin)
    {
    }

    public string Kernel => Design.Kernel;
    public DesignParameters Params => Design.Params;
    public string Precision => Design.Precision;
    public int Batch => Design.Batch;
    public int ComputeUnits => Design.ComputeUnits;
    public int? Rank => Design.Rank;
    public bool Pareto => Design.Pareto;
}

/// <summary>The model a project was generated from: its name, file and the file's SHA-256.</summary>
public sealed record ModelInfo(string Name, string? File, string? Sha256);

/// <summary>
/// design.json: reading a design from a file (one design object as <see cref="DesignEntry"/> has it, a designs.json
/// of `fpgagen explore` with a rank, or a generated project's design.json), checking it, and writing the generated
/// project's record (<see cref="ProjectDesign"/>). Every problem is an <see cref="InputException"/> naming the file
/// and field.
/// </summary>
public static class DesignDocument
{
    public const string FormatId = ProjectDesign.FormatId;

    public static DesignSelection Read(string path, int? rank)
    {
        var root = DocumentJson.Parse(path, InputFile.DesignListBytes, "design file");
        if (!root.IsObject) throw new InputException($"{path}: expected a JSON object with a design");
        if (root.TryProp("designs") is { } list)
        {
            var items = list.Items();
            if (rank is null) throw new InputException($"{path}: holds {items.Count} designs; pass --rank N to pick one");
            if (rank < 1 || rank > items.Count) throw new InputException($"{path}: --rank {rank} is outside 1..{items.Count}");
            var entry = DesignEntry.Read(items[rank.Value - 1], figures: false);
            return new DesignSelection(entry with { Rank = entry.Rank ?? rank }, root.TryProp("device")?.String(), $"{path}: designs[{rank - 1}]");
        }
        if (rank is not null) throw new InputException($"{path}: --rank applies to a designs.json with several designs; this file holds one design");
        if (root.TryProp("design") is not null)
        {
            var project = ProjectDesign.Read(root, complete: false);
            return new DesignSelection(project.Design, project.Device?.Id, $"{path}: design");
        }
        return new DesignSelection(DesignEntry.Read(root, figures: false), null, $"{path}: design");
    }

    /// <summary>
    /// Checks a selection against the kernel's declared space, the device and the utilization limit; returns the design
    /// as the estimator sees it (with its predicted figures).
    /// </summary>
    public static DesignEstimate Validate(DesignSelection s, Device device, Network network, double maxUtil)
    {
        if (s.Device is not null && s.Device != device.Id)
            throw new InputException($"{s.Origin}: the design was made for device '{s.Device}', not '{device.Id}' (pass --device {s.Device} or explore again)");
        if (!KernelKinds.Ids.Contains(s.Kernel))
            throw new InputException($"{s.Origin}.kernel: unknown kernel '{s.Kernel}' (expected one of: {string.Join(", ", KernelKinds.Ids)})");
        var kind = KernelKinds.Get(s.Kernel);
        var space = kind.Space;
        foreach (var name in s.Params.Select(p => p.Key))
            if (space.IndexOf(name) < 0)
                throw new InputException($"{s.Origin}.params.{name}: kernel {s.Kernel} has no such parameter (its parameters: {string.Join(", ", space.Parameters.Select(p => p.Name))})");
        var missing = space.Parameters.Where(p => s.Params[p.Name] is null).Select(p => p.Name).ToList();
        if (missing.Count > 0) throw new InputException($"{s.Origin}.params: missing {string.Join(", ", missing)} for kernel {s.Kernel}");
        foreach (var p in space.Parameters)
            if (!p.Values.Contains(s.Params[p.Name]!.Value))
                throw new InputException($"{s.Origin}.params.{p.Name}: {s.Params[p.Name]} is not in the declared space of kernel {s.Kernel} (values: {string.Join(", ", p.Values)}; {space.Source})");
        var config = new KernelConfig(space, space.Parameters.Select(p => s.Params[p.Name]!.Value).ToArray());
        if (space.FirstBroken(config.Values) is { } broken)
            throw new InputException($"{s.Origin}.params: {config} breaks the constraint '{broken}' of kernel {s.Kernel} ({space.Source})");
        if (!kind.AppliesTo(network)) throw new InputException($"{s.Origin}.kernel: {s.Kernel} does not apply to {network.Name} (it needs a LayerNorm feeding linear layers)");
        if (!PrecisionExtensions.TryParse(s.Precision, out var precision))
            throw new InputException($"{s.Origin}.precision: unknown data type '{s.Precision}' (expected one of: {string.Join(", ", PrecisionExtensions.All.Select(p => p.Id()))})");
        if (!device.Supports(precision))
            throw new InputException($"{s.Origin}.precision: device {device.Id} does not support {precision.Id()} (its data types: {string.Join(", ", device.Precisions.Select(p => p.Id()))})");
        if (s.Batch < 1) throw new InputException($"{s.Origin}.batch: must be positive, got {s.Batch}");
        if (Target.Problem(device, s.ComputeUnits) is { } units) throw new InputException($"{s.Origin}.compute_units: {units}");
        if (s.Batch % s.ComputeUnits != 0)
            throw new InputException($"{s.Origin}.compute_units: {s.ComputeUnits} units cannot share a batch of {s.Batch} equally");
        var estimator = Estimator.For(kind, network, device, precision, s.Batch, s.ComputeUnits);
        var estimate = estimator.Evaluate(config);
        if (FitAdvice.Explain(estimator, estimate, maxUtil) is { } advice)
            throw new InputException($"{s.Origin}: {config} does not fit {device.Id} under --max-util {maxUtil.ToString(CultureInfo.InvariantCulture)}: {advice}");
        return estimate;
    }

    /// <summary>What a generated project expects of the vendor tools.</summary>
    public static string ToolExpectation(Device device) => device.Toolchain.Kind switch
    {
        Toolchain.Aoc => $"Intel FPGA SDK for OpenCL (aoc, aocl) 19.1 or later with the BSP of board {device.Toolchain.AocBoard} (cl_intel_channels); host: OpenCL 1.2 headers and the Intel FPGA runtime",
        Toolchain.Vitis => $"AMD Vitis 2022.2 or later (v++, vitis_hls, emconfigutil) with platform {device.Toolchain.Platform} and XRT; HLS pragmas use the 2022.2 'type=' syntax",
        _ => $"AMD Vitis HLS 2022.2 or later (vitis_hls) for part {device.Toolchain.HlsPart}, and Vivado to place the exported IP in a block design",
    };

    /// <param name="deviceFile">The device file copied into the project (its name there), when the device came from a file.</param>
    public static string Write(AcceleratorDesign design, Device device, DesignEstimate estimate, int rank, bool pareto, ModelInfo model,
        IEnumerable<string> files, string? deviceFile = null, string? layerNorm = null)
    {
        var net = design.Lowered;
        var doc = new ProjectDesign
        {
            Generator = new GeneratorSection("fpgagen", typeof(DesignDocument).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0"),
            Model = new ModelSection(model.Name, model.File is null ? null : Path.GetFileName(model.File), model.Sha256, net.Network.Macs, net.Network.Params),
            Device = new DeviceSection
            {
                Id = device.Id, Name = device.Name, Part = device.Part, Board = device.Board,
                Toolchain = new ToolchainSection(device.Toolchain.Kind, device.Toolchain.AocBoard, device.Toolchain.Platform, device.Toolchain.HlsPart),
                Memory = new MemorySection(device.Memory.Kind, device.Memory.Banks),
                File = deviceFile,
            },
            Design = DesignEntry.From(estimate, rank, pareto) with { LayerNorm = DesignEntry.LayerNormField(layerNorm) },
            Tools = ToolExpectation(device),
            Kernels = design.Plan.Groups.Select(g => new KernelGroupSection(g.Name, g.Top, g.Stages.Select(k => k.Name).ToList())).ToList(),
            Configuration = design.Plan.Defines.ToDictionary(d => d.Name, d => d.Value),
            Plan = design.Plan,
            Weights = new WeightsSection("weights.bin", "weights.json", net.Weights.TotalBytes, net.Weights.DataType),
            Activations = new ActivationsSection(Math.Max(1, net.ArenaElements) * net.Precision.Bytes(),
                new TensorSection(net.Input.Offset, net.Input.Elements * net.Batch, net.Input.Shape),
                new TensorSection(net.Output.Offset, net.Output.Elements * net.Batch, net.Output.Shape)),
            Steps = net.Steps.Count,
            Files = files.Order(StringComparer.Ordinal).ToList(),
        };
        return doc.Write();
    }
}
