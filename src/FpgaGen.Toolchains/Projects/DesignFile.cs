using FpgaGen.Estimation;
using FpgaGen.Hardware;
using FpgaGen.Toolchains.Reports;

namespace FpgaGen.Toolchains.Projects;

/// <summary>
/// Reads a generated project's design.json into a <see cref="BuildProject"/>. The design's fields (kernel, params,
/// precision, batch, freq_mhz, latency_ms, resources as in explore's designs.json) may sit at the top level or under
/// "design"; predictions may also sit under "predicted". The device is named by id ("device": "a10_385a" or
/// {"id": ...}, as `fpgagen generate` writes it) and looked up in the device catalog, which gives the board,
/// platform, part and platform overhead. The files to compile come from the project layout (<see cref="ProjectLayout"/>),
/// guided by the "kernels" list (group and HLS top function) when the file has one.
/// </summary>
public static class DesignFile
{
    public const string FileName = "design.json";

    public static BuildProject Load(string projectDirectory, DeviceCatalog? catalog = null)
    {
        var dir = Path.GetFullPath(projectDirectory);
        if (!System.IO.Directory.Exists(dir)) throw new InputException($"{projectDirectory}: no such project folder");
        var file = Path.Combine(dir, FileName);
        if (!File.Exists(file))
            throw new InputException($"{projectDirectory}: no {FileName} here; compile takes a project folder written by `fpgagen generate`");
        var root = JNode.Parse(ReportFile.Read(file, InputFile.DocumentBytes, "project design.json"), file, "design.json");
        var design = root.TryProp("design") ?? root;
        var predicted = root.TryProp("predicted") ?? design;

        var device = (catalog ?? DeviceCatalog.Default).Get(DeviceId(Field(root, design, "device")));
        var parameters = Field(root, design, "params");
        var project = new BuildProject(dir, device)
        {
            Kernel = Field(root, design, "kernel").String(),
            Parameters = Parameters(parameters),
            Precision = Field(root, design, "precision").String(),
            Batch = (root.TryProp("batch") ?? design.TryProp("batch"))?.Number() is { } b ? (int)b : 1,
            ClockMhz = Positive(Field(predicted, design, "freq_mhz")),
            Predicted = Predicted(predicted, design, device),
            ToolRequirements = root.TryProp("tools")?.Text(),
        };
        return ProjectLayout.Apply(project, HlsTops(root.TryProp("kernels")));
    }

    /// <summary>The field where it is found; when missing, the error names it in <paramref name="second"/>, where generated files keep it.</summary>
    private static JNode Field(JNode first, JNode second, string name) =>
        first.TryProp(name) ?? second.Prop(name);

    private static string DeviceId(JNode node) =>
        node.Element.ValueKind == System.Text.Json.JsonValueKind.Object ? node.Prop("id").String() : node.String();

    private static List<KeyValuePair<string, long>> Parameters(JNode node)
    {
        if (node.Element.ValueKind != System.Text.Json.JsonValueKind.Object) throw node.Error("expected an object of parameter values");
        var list = new List<KeyValuePair<string, long>>();
        foreach (var p in node.Element.EnumerateObject())
        {
            var value = new JNode(p.Value, node.File, $"{node.Path}.{p.Name}").Number();
            if (value != Math.Floor(value)) throw node.Error($"parameter {p.Name} must be a whole number, got {value}");
            list.Add(new(p.Name, (long)value));
        }
        return list;
    }

    private static double Positive(JNode node)
    {
        var value = node.Number();
        return value > 0 ? value : throw node.Error($"must be positive, got {value}");
    }

    private static DesignFigures Predicted(JNode predicted, JNode design, Device device)
    {
        var resources = Field(predicted, design, "resources");
        double? Amount(string key) => resources.TryProp(key)?.Number();
        return new DesignFigures
        {
            Dsp = Amount("dsp"),
            Ram = Amount(ResourceUse.RamKey(device, 0)),
            Uram = device.Ram.Count > 1 ? Amount(ResourceUse.RamKey(device, 1)) : null,
            Logic = Amount("logic"),
            Registers = Amount("ff"),
            FmaxMhz = Field(predicted, design, "freq_mhz").Number(),
            LatencyMs = (predicted.TryProp("latency_ms") ?? design.TryProp("latency_ms"))?.Number(),
        };
    }

    /// <summary>The "kernels" list of a generated design.json: kernel group → HLS top function.</summary>
    private static IReadOnlyDictionary<string, string>? HlsTops(JNode? kernels)
    {
        if (kernels is not { } list) return null;
        return list.Items().ToDictionary(k => k.Prop("group").String(), k => k.Prop("hls_top").String(), StringComparer.Ordinal);
    }
}
