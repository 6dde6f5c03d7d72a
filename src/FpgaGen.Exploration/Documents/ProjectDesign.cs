using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace FpgaGen.Exploration.Documents;

/// <summary>
/// A generated project's design.json: which design of which model on which device, what the generator made of it
/// (kernel groups, configuration, weights, activations, files) and what it expects of the tools. The generator
/// (FpgaGen.Codegen's DesignDocument) fills it and <see cref="Write"/> serializes it; `compile`, `report` and
/// `generate --design` read it through <see cref="Read"/>. A new top-level section is one more property here.
/// </summary>
public sealed partial record ProjectDesign
{
    public const string FileName = "design.json";
    public const string FormatId = "fpgagen-design-1";

    public string Format { get; init; } = FormatId;
    public GeneratorSection? Generator { get; init; }
    public ModelSection? Model { get; init; }
    /// <summary>Always written; a design file given to `generate --design` may leave it out.</summary>
    public DeviceSection? Device { get; init; }
    public required DesignEntry Design { get; init; }
    public string? Tools { get; init; }
    public IReadOnlyList<KernelGroupSection> Kernels { get; init; } = [];
    public IReadOnlyDictionary<string, long> Configuration { get; init; } = new Dictionary<string, long>();

    /// <summary>The hardware plan the project was generated from (written, not read: `estimate` rebuilds it from the design).</summary>
    public FpgaGen.Kernels.Plans.HardwarePlan? Plan { get; init; }
    public WeightsSection? Weights { get; init; }
    public ActivationsSection? Activations { get; init; }
    public int Steps { get; init; }
    public IReadOnlyList<string> Files { get; init; } = [];

    public string Write() => JsonSerializer.Serialize(this, DocumentJson.Project) + "\n";

    public static ProjectDesign Read(string path) => Read(DocumentJson.Parse(path, InputFile.DocumentBytes, "project design.json"));

    /// <summary>Reads the parsed document; only the sections that compile, report and generate use are read.</summary>
    /// <param name="complete">Require the device and the predicted figures, as compile and report do.</param>
    public static ProjectDesign Read(JNode root, bool complete = true)
    {
        if (!root.IsObject) throw root.Error($"expected the object `fpgagen generate` writes, found {root.Describe()}");
        if (root.TryProp("format") is { } f && f.String() != FormatId)
            throw f.Error($"format \"{InputException.OneLine(f.String())}\" is not {FormatId}");
        var kernels = root.TryProp("kernels")?.Items().Select(k => new KernelGroupSection(
            Identifier(k.Prop("group")), Identifier(k.Prop("hls_top")),
            k.TryProp("opencl_kernels")?.Items().Select(Identifier).ToList() ?? [])).ToList() ?? [];
        var groups = kernels.GroupBy(k => k.Group).FirstOrDefault(g => g.Count() > 1);
        if (groups is not null) throw root.Prop("kernels").Error($"kernel group {groups.Key} is listed twice");
        return new ProjectDesign
        {
            Device = complete ? DeviceSection.Read(root.Prop("device")) : root.TryProp("device") is { } d ? DeviceSection.Read(d) : null,
            Design = DesignEntry.Read(root.Prop("design"), figures: complete),
            Tools = root.TryProp("tools")?.String(),
            Kernels = kernels,
        };
    }

    private static string Identifier(JNode node)
    {
        var s = node.String();
        return CIdentifier().IsMatch(s) ? s : throw node.Error($"\"{InputException.OneLine(s)}\" is not a C identifier");
    }

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]{0,127}\z")]
    private static partial Regex CIdentifier();
}

public sealed record GeneratorSection(string Name, string Version);

public sealed record ModelSection(string Name, string? File, string? Sha256, long Macs, long Params);

/// <summary>The device the project was generated for. <see cref="File"/> names the device file copied into the project, when it came from a file and not from the catalog.</summary>
public sealed record DeviceSection
{
    public required string Id { get; init; }
    public string? Name { get; init; }
    public string? Part { get; init; }
    public string? Board { get; init; }
    public ToolchainSection? Toolchain { get; init; }
    public MemorySection? Memory { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? File { get; init; }

    /// <summary>Where a project keeps the copy of a device file that came by path: hw/&lt;id&gt;.yaml, like the catalog.</summary>
    public static string CopiedFile(string id) => $"hw/{id}.yaml";

    public static DeviceSection Read(JNode node)
    {
        var id = node.Prop("id");
        if (!Hardware.DeviceNames.IsId(id.String())) throw id.Error($"\"{InputException.OneLine(id.String())}\" is not a device id ({Hardware.DeviceNames.IdRule})");
        var file = node.TryProp("file");
        if (file is { } fl && fl.String() != CopiedFile(id.String()))
            throw fl.Error($"expected \"{CopiedFile(id.String())}\", where `fpgagen generate` copies a device file given by path");
        return new DeviceSection { Id = id.String(), File = file?.String() };
    }
}

public sealed record ToolchainSection(string Kind, string? AocBoard, string? Platform, string? HlsPart);

public sealed record MemorySection(string Kind, int Banks);

/// <summary>One kernel group: its HLS top function and its OpenCL kernels.</summary>
public sealed record KernelGroupSection(string Group, string HlsTop, IReadOnlyList<string> OpenclKernels);

public sealed record WeightsSection(string File, string Layout, long Bytes, string DataType);

public sealed record ActivationsSection(long Bytes, TensorSection Input, TensorSection Output);

public sealed record TensorSection(long Offset, long Count, IReadOnlyList<int> Shape);
