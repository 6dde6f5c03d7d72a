using System.Globalization;
using FpgaGen.Codegen.Backends;
using FpgaGen.Codegen.Rendering;
using FpgaGen.Codegen.Weights;
using FpgaGen.Kernels.Weights;
using FpgaGen.Estimation;
using FpgaGen.Exploration.Documents;
using FpgaGen.Hardware;
using FpgaGen.Kernels.Lowering;
using FpgaGen.Kernels.Plans;

namespace FpgaGen.Codegen.Projects;

/// <summary>Everything a project needs: the design, the device, the estimate it came with, and where it came from.</summary>
public sealed record ProjectRequest(AcceleratorDesign Design, Device Device, DesignEstimate Estimate, int Rank, bool Pareto, ModelInfo Model)
{
    /// <summary>
    /// The device file's text when the device came from a file outside the catalog: the project keeps a copy
    /// (hw/&lt;id&gt;.yaml, named in design.json) so that `compile` finds the device later.
    /// </summary>
    public string? DeviceFileText { get; init; }

    /// <summary>The --layernorm choice the network was built with (null: as the model says), recorded in design.json.</summary>
    public string? LayerNorm { get; init; }
}

/// <summary>
/// A complete vendor project for one design: the device's <see cref="Backend"/> writes the kernels, host and build
/// files (an aoc project for Intel devices, a Vitis project for devices with a v++ platform, a Vitis HLS IP project
/// for boards without one); every project also has design.json, weights.json, tools/pack_weights.py and a README
/// saying how to build, program and run.
/// </summary>
public static class ProjectGenerator
{
    public static ProjectFiles Generate(ProjectRequest r)
    {
        var d = r.Design;
        var lib = d.Library;
        var backend = Backend.For(r.Device);
        var files = new ProjectFiles();
        var context = Context(r);
        backend.AddFiles(files, r, context);
        files.Add("weights.json", WeightsJson.Serialize(d.Lowered.Weights));
        files.Add("tools/pack_weights.py", lib.Raw("project/tools/pack_weights.py"));
        var deviceFile = r.DeviceFileText is null ? null : DeviceSection.CopiedFile(r.Device.Id);
        if (deviceFile is not null) files.Add(deviceFile, r.DeviceFileText!);
        var all = files.Files.Keys.Append("README.md").Append("design.json").ToList();
        context["files"] = all.Order(StringComparer.Ordinal).Select(p => new Dictionary<string, object> { ["path"] = p, ["what"] = backend.Describe(p) ?? Describe(p) }).ToList();
        context["flow"] = lib.Render(Flavor.Text, backend.FlowTemplate, context);
        files.Add("README.md", lib.Render(Flavor.Text, "project/README.md.sbn", context));
        files.Add("design.json", DesignDocument.Write(d, r.Device, r.Estimate, r.Rank, r.Pareto, r.Model, all, deviceFile, r.LayerNorm));
        return files;
    }

    private static Dictionary<string, object> Context(ProjectRequest r)
    {
        var d = r.Design;
        var dev = r.Device;
        var freq = Math.Max(1, (int)Math.Round(r.Estimate.FreqMhz));
        var groups = string.Join(" ", d.Plan.Groups.Select(g => g.Name));
        var (memory, sp, slr, slrNote) = Connectivity(d, dev);
        var inv = CultureInfo.InvariantCulture;
        return new Dictionary<string, object>
        {
            ["title"] = d.Title,
            ["device_name"] = CNames.CommentText(dev.Name),
            ["device_id"] = CNames.CommentText(dev.Id),
            ["part"] = CNames.CommentText(dev.Toolchain.HlsPart ?? dev.Part),
            ["board"] = CNames.CommentText(dev.Toolchain.AocBoard ?? ""),
            ["platform"] = CNames.CommentText(dev.Toolchain.Platform ?? ""),
            // The same names as build-file values: quoted for make + sh and for Tcl (comments above use CommentText).
            ["board_make"] = ScriptText.MakeShellValue(dev.Toolchain.AocBoard ?? "none"),
            ["platform_make"] = ScriptText.MakeShellValue(dev.Toolchain.Platform ?? "none"),
            ["part_make"] = ScriptText.MakeShellValue(dev.Toolchain.HlsPart ?? dev.Part),
            ["part_tcl"] = ScriptText.TclString(dev.Toolchain.HlsPart ?? dev.Part),
            ["kernel"] = d.Kernel,
            ["params"] = string.Join(", ", d.Parameters.Select(kv => $"{kv.Key}={kv.Value}")),
            ["precision"] = d.Lowered.Precision.Id(),
            ["fixed_point"] = d.Lowered.Precision.IsFixedPoint(),
            ["qmax"] = WeightPacker.QMax(d.Lowered.Weights.DataType),
            ["fused_ln"] = d.Lowered.Options.FuseLayerNorm,
            ["batch"] = d.Batch,
            ["freq"] = freq,
            ["period"] = (1000.0 / freq).ToString("0.###", inv),
            ["images_per_s"] = r.Estimate.ImagesPerSecond.ToString("0.##", inv),
            ["latency_ms"] = r.Estimate.LatencyMs.ToString("0.###", inv),
            ["tools"] = CNames.CommentText(DesignDocument.ToolExpectation(dev)),
            ["model_file"] = CNames.CommentText(Path.GetFileName(r.Model.File ?? r.Model.Name)),
            ["model_sha"] = r.Model.Sha256 ?? "unknown",
            ["groups"] = groups,
            // An SoC board's host: the cross prefix and aocl flag come from the fixed HostArch table, not from the file.
            ["soc_host"] = dev.Host.IsSoc,
            ["host_cpu"] = CNames.CommentText(dev.Host.Cpu ?? dev.Host.Arch.Id),
            ["host_arch"] = dev.Host.Arch.Id,
            ["cross_prefix"] = ScriptText.MakeShellValue(dev.Host.Arch.CrossPrefix ?? ""),
            ["aocl_arch_flag"] = ScriptText.MakeShellValue(dev.Host.Arch.AoclFlag ?? ""),
            ["vivado"] = dev.Toolchain.Kind == Toolchain.Vivado,
            ["flow"] = "",
            ["flow_target"] = dev.Toolchain.Kind == Toolchain.Vivado ? "vivado" : "vitis",
            ["export_format"] = dev.Toolchain.Kind == Toolchain.Vivado ? "ip_catalog" : "xo",
            ["memory"] = memory,
            ["memory_note"] = memory,
            ["nk"] = d.Plan.Groups.Select(g => $"{g.Top}:{d.Plan.ComputeUnits}:{string.Join(".", Enumerable.Range(1, d.Plan.ComputeUnits).Select(u => $"{g.Top}_{u}"))}").ToList(),
            ["compute_units"] = d.Plan.ComputeUnits,
            ["sp"] = sp,
            ["slr"] = slr,
            ["slr_note"] = slrNote,
            ["steps"] = d.Lowered.Steps.Count,
            ["input_count"] = d.Lowered.Input.Elements * d.Batch,
            ["files"] = new List<object>(),
        };
    }

    /// <summary>
    /// link.cfg's connection of every AXI port, from the design's <see cref="BankPlacement"/> (the same placement
    /// the estimate's bandwidth comes from), and each compute unit's SLR (<see cref="SlrPlacement"/>). Arguments
    /// sharing one AXI master (bundle) get the same banks.
    /// </summary>
    private static (string Note, List<string> Sp, List<string> Slr, string SlrNote) Connectivity(AcceleratorDesign d, Device dev)
    {
        var placement = BankPlacement.Of(d.Plan, d.Lowered, dev);
        if (!placement.Explicit) return ("the platform's default memory connection", [], [], "");
        var bank = dev.Memory.Kind.StartsWith("HBM", StringComparison.OrdinalIgnoreCase) ? "HBM" : "DDR";
        var sp = placement.Ports.SelectMany(p => p.Arguments.Select(a => $"{p.Top}_{p.Unit + 1}.{a}:{bank}[{p.Banks}]")).ToList();
        var slrs = SlrPlacement.Of(d.Plan, d.Planned.Target, placement);
        var slr = slrs?.Units.Where(u => u.Slr is not null).Select(u => $"{u.Instance}:SLR{u.Slr}").ToList() ?? [];
        var where = string.Join(", ", placement.Buffers.Select(b => $"{(b.Buffer == BufferKind.Weights ? "weights" : "activations")}"
            + $"{(d.Plan.ComputeUnits > 1 ? $" of unit {b.Unit + 1}" : "")} in {bank}[{b.Banks}]"));
        if (placement.WeightsAllocationBytes > d.Lowered.Weights.TotalBytes)
            where += $" (one memory group for the ports that receive both; the weights bound first, padded to {placement.WeightsAllocationBytes >> 20} MiB of whole pseudo channels, the activations after them)";
        return ($"the banks of the buffers it receives: {where}", sp, slr, CNames.CommentText(slrs?.Note(dev.Id) ?? ""));
    }

    /// <summary>The files every project has, whatever its backend.</summary>
    private static string Describe(string path) => path switch
    {
        "README.md" => "this file",
        "design.json" => "the chosen design, its hardware plan, its predicted figures, the tools expected, the model's SHA-256, every file",
        "weights.json" => "layout of weights.bin: every section's offset, shape, data type and packing recipe",
        _ when path.StartsWith("hw/", StringComparison.Ordinal) => "the device file this project was generated for (compile reads it)",
        "tools/pack_weights.py" => "packs float weights (.npz) into weights.bin (Python standard library only)",
        _ => "",
    };
}
