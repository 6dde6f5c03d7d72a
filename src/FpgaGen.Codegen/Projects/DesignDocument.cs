using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using FpgaGen.Estimation;
using FpgaGen.Estimation.Kernels;
using FpgaGen.Exploration;
using FpgaGen.Hardware;

namespace FpgaGen.Codegen.Projects;

/// <summary>A design chosen from a file, before it is checked against the kernel's space and the device.</summary>
public sealed record DesignSelection(string Kernel, IReadOnlyDictionary<string, int> Params, string Precision, int Batch, int? Rank, bool Pareto,
    string? Device, string Origin);

/// <summary>The model a project was generated from: its name, file and the file's SHA-256.</summary>
public sealed record ModelInfo(string Name, string? File, string? Sha256);

/// <summary>
/// design.json: reading a design from a file (one design object as <see cref="ExploreReport.DesignJson"/> writes it,
/// a designs.json of `fpgagen explore` with a rank, or a generated project's design.json), checking it, and writing
/// the generated project's record. Every problem is an <see cref="InputException"/> naming the file and field.
/// </summary>
public static class DesignDocument
{
    public const string FormatId = "fpgagen-design-1";

    /// <summary>ExploreReport's options, but keeping '+' and similar characters as they are (the file is not HTML).</summary>
    private static readonly JsonSerializerOptions JsonOptions = new(ExploreReport.Json) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static DesignSelection Read(string path, int? rank)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(InputFile.ReadAllText(path, InputFile.DesignListBytes, "design file"));
        }
        catch (JsonException e)
        {
            throw new InputException($"{path}: not valid JSON ({e.Message})");
        }
        if (root is not JsonObject obj) throw new InputException($"{path}: expected a JSON object with a design");
        string? device = null;
        JsonObject design;
        string where;
        if (obj["designs"] is JsonArray list)
        {
            if (rank is null) throw new InputException($"{path}: holds {list.Count} designs; pass --rank N to pick one");
            if (rank < 1 || rank > list.Count) throw new InputException($"{path}: --rank {rank} is outside 1..{list.Count}");
            design = list[rank.Value - 1] as JsonObject ?? throw new InputException($"{path}: designs[{rank - 1}]: expected an object");
            where = $"designs[{rank - 1}]";
            device = obj["device"]?.GetValueKind() == JsonValueKind.String ? (string?)obj["device"] : null;
        }
        else if (obj["design"] is JsonObject inner)
        {
            design = inner;
            where = "design";
            device = obj["device"]?["id"]?.GetValueKind() == JsonValueKind.String ? (string?)obj["device"]!["id"] : null;
            if (obj["format"]?.ToString() is { } f && f != FormatId) throw new InputException($"{path}: format '{f}' is not {FormatId}");
        }
        else
        {
            design = obj;
            where = "design";
        }
        if (rank is not null && where != $"designs[{rank - 1}]")
            throw new InputException($"{path}: --rank applies to a designs.json with several designs; this file holds one design");

        string Field(string name) => $"{path}: {where}.{name}";
        string Str(string name) => design[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s
            : throw new InputException($"{Field(name)}: expected a string");
        int Int(string name, int? fallback = null)
        {
            var node = design[name];
            if (node is null && fallback is not null) return fallback.Value;
            return node is JsonValue v && v.TryGetValue<double>(out var d) && d == Math.Floor(d) && d is >= int.MinValue and <= int.MaxValue ? (int)d
                : throw new InputException($"{Field(name)}: expected an integer");
        }
        if (design["params"] is not JsonObject ps) throw new InputException($"{Field("params")}: expected an object of NAME: integer");
        var parameters = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (name, value) in ps)
        {
            if (value is not JsonValue v || !v.TryGetValue<double>(out var d) || d != Math.Floor(d) || d is < 1 or > int.MaxValue)
                throw new InputException($"{Field($"params.{name}")}: expected a positive integer, got {value?.ToJsonString() ?? "null"}");
            parameters[name] = (int)d;
        }
        var pareto = design["pareto"] is JsonValue pv && pv.TryGetValue<bool>(out var pb) && pb;
        int? fileRank = design["rank"] is null ? null : Int("rank");
        return new DesignSelection(Str("kernel"), parameters, design["precision"] is null ? "fp32" : Str("precision"), Int("batch", 1),
            fileRank, pareto, device, $"{path}: {where}");
    }

    /// <summary>
    /// Checks a selection against the kernel's declared space, the device and the utilization limit; returns the design
    /// as the estimator sees it (with its predicted figures).
    /// </summary>
    public static DesignEstimate Validate(DesignSelection s, Device device, NetworkProfile profile, double maxUtil)
    {
        if (s.Device is not null && s.Device != device.Id)
            throw new InputException($"{s.Origin}: the design was made for device '{s.Device}', not '{device.Id}' (pass --device {s.Device} or explore again)");
        if (!KernelModels.Ids.Contains(s.Kernel))
            throw new InputException($"{s.Origin}.kernel: unknown kernel '{s.Kernel}' (expected one of: {string.Join(", ", KernelModels.Ids)})");
        var model = KernelModels.Get(s.Kernel);
        var space = model.Space;
        foreach (var name in s.Params.Keys)
            if (space.IndexOf(name) < 0)
                throw new InputException($"{s.Origin}.params.{name}: kernel {s.Kernel} has no such parameter (its parameters: {string.Join(", ", space.Parameters.Select(p => p.Name))})");
        var missing = space.Parameters.Where(p => !s.Params.ContainsKey(p.Name)).Select(p => p.Name).ToList();
        if (missing.Count > 0) throw new InputException($"{s.Origin}.params: missing {string.Join(", ", missing)} for kernel {s.Kernel}");
        var config = new KernelConfig(s.Kernel, space, space.Parameters.Select(p => s.Params[p.Name]).ToArray());
        var broken = space.Constraints.FirstOrDefault(c => !space.Satisfies(new KernelConfig(s.Kernel, new ParameterSpace(s.Kernel, space.Parameters, [c]), config.Values.ToArray())));
        if (broken is not null) throw new InputException($"{s.Origin}.params: {config} breaks the constraint '{broken}' of kernel {s.Kernel} ({space.File})");
        if (!model.AppliesTo(profile)) throw new InputException($"{s.Origin}.kernel: {s.Kernel} does not apply to {profile.Network.Name} (it needs a LayerNorm feeding linear layers)");
        if (!PrecisionExtensions.TryParse(s.Precision, out var precision))
            throw new InputException($"{s.Origin}.precision: unknown data type '{s.Precision}' (expected one of: {string.Join(", ", PrecisionExtensions.All.Select(p => p.Id()))})");
        if (!device.Supports(precision))
            throw new InputException($"{s.Origin}.precision: device {device.Id} does not support {precision.Id()} (its data types: {string.Join(", ", device.Precisions.Select(p => p.Id()))})");
        if (s.Batch < 1) throw new InputException($"{s.Origin}.batch: must be positive, got {s.Batch}");
        var estimator = new Estimator(model, profile, new Target(device, precision), s.Batch);
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

    public static string Write(AcceleratorDesign design, Device device, DesignEstimate estimate, int rank, bool pareto, ModelInfo model,
        IEnumerable<string> files)
    {
        var net = design.Lowered;
        var doc = new
        {
            Format = FormatId,
            Generator = new { Name = "fpgagen", Version = typeof(DesignDocument).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0" },
            Model = new { model.Name, File = model.File is null ? null : Path.GetFileName(model.File), model.Sha256, Macs = net.Network.Macs, Params = net.Network.Params },
            Device = new
            {
                device.Id, device.Name, device.Part, device.Board,
                Toolchain = new { device.Toolchain.Kind, device.Toolchain.AocBoard, device.Toolchain.Platform, device.Toolchain.HlsPart },
                Memory = new { device.Memory.Kind, device.Memory.Banks },
            },
            Design = ExploreReport.DesignJson(estimate, rank, pareto),
            Tools = ToolExpectation(device),
            Kernels = design.Config.Groups.Select(g => new { Group = g.Name, HlsTop = g.HlsTop, OpenclKernels = g.Kernels.Select(k => k.Name) }),
            Configuration = design.Config.Defines.ToDictionary(d => d.Name, d => d.Value),
            Weights = new { File = "weights.bin", Layout = "weights.json", Bytes = net.Weights.TotalBytes, DataType = net.Weights.DataType },
            Activations = new
            {
                Bytes = Math.Max(1, net.ArenaElements) * net.Precision.Bytes(),
                Input = new { net.Input.Offset, Count = net.Input.Elements * net.Batch, net.Input.Shape },
                Output = new { net.Output.Offset, Count = net.Output.Elements * net.Batch, net.Output.Shape },
            },
            Steps = net.Steps.Count,
            Files = files.Order(StringComparer.Ordinal),
        };
        return JsonSerializer.Serialize(doc, JsonOptions) + "\n";
    }
}
